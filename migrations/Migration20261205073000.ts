import { Migration } from '@mikro-orm/migrations';

/**
 * Stores the record as it was when each event was stored, so that the retries and resends of a
 * message carry the same record as its first attempt, whatever changed on the record since.
 * Existing events get no snapshot; their messages keep pushing the record as it is.
 */
export class Migration20261205073000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "document_record_events" add column "record_snapshot" json null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "document_record_events" drop column "record_snapshot";`);
  }

}
