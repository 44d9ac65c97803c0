import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes the events that still keep a record snapshot by creation time, so that the retention
 * job finds the snapshots older than the log retention period without reading the whole
 * timeline. An event leaves the index once its snapshot is cleared. Building the index blocks
 * writes to document_record_events until it is built, as every index migration here does.
 */
export class Migration20261205090000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index "document_record_events_snapshot_created_at_index" on "document_record_events" ("created_at") where "record_snapshot" is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "document_record_events_snapshot_created_at_index";`);
  }

}
