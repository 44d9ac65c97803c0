import { Migration } from '@mikro-orm/migrations';

/**
 * Adds the optional idempotency key of a recorded event and the ids of the push messages that
 * an event with a key created. The partial unique index allows each key once per workspace and
 * takes no entry for the events recorded without one. A replay of a key reads the message ids
 * from the event row and looks the messages up by primary key, so push_messages gets no index on
 * event_id: each delivery inserts a message row and updates it twice, the updates change indexed
 * columns and so are not HOT, and so every index on push_messages takes three entries per
 * delivery. Adding nullable columns without a
 * default rewrites no rows. Building the index blocks writes to document_record_events until it
 * is built, as every index migration here does.
 */
export class Migration20261205130000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "document_record_events" add column "idempotency_key" varchar(255) null, add column "push_message_ids" text[] null;`);
    this.addSql(`create unique index "document_record_events_idempotency_key_unique" on "document_record_events" ("workspace_id", "idempotency_key") where "idempotency_key" is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "document_record_events_idempotency_key_unique";`);
    this.addSql(`alter table "document_record_events" drop column "push_message_ids", drop column "idempotency_key";`);
  }

}
