import { Migration } from '@mikro-orm/migrations';

/**
 * Drops the foreign key from push_messages.event_id to document_record_events. Its check locked
 * the event row for every message insert, and its cascade made each deletion of an event (the
 * sample events of purged test messages) scan the whole push_messages table. The column and its
 * values stay. down() adds the constraint back, which checks every row, so it fails while a
 * message refers to a missing event.
 */
export class Migration20261205215500 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "push_messages" drop constraint "push_messages_event_id_foreign";`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "push_messages" add constraint "push_messages_event_id_foreign" foreign key ("event_id") references "document_record_events" ("id") on update cascade on delete cascade;`);
  }

}
