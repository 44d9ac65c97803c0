import { Migration } from '@mikro-orm/migrations';

/**
 * Replaces the index on push_logs.message_id with a unique constraint on (message_id, attempt,
 * created_at), so the table keeps three indexes and every insert updates no more of them. Look-ups
 * by message id use the constraint's index through its first column. Each write of an attempt
 * stores the attempt's end time as created_at, and an abandoned attempt's row stores the time of
 * the takeover or sweep. A second write of one attempt, after a connection broke while its first
 * write was committing, thus waits for that write and fails with a unique violation once it commits.
 *
 * Such a second write could commit before this constraint existed, so the migration first deletes
 * every row that has the key of a row with a lower id, and adding the constraint cannot fail. Those
 * rows are copies of one attempt's row, with the same request, response and time, and the first
 * copy stays. Another pair of rows with one key would need an abandoned-attempt row and the
 * attempt's own row written in the same millisecond, and the migration keeps the earlier of those too.
 * Adding the constraint blocks writes to push_logs until its index is built, as every index
 * migration here does. down() restores the old index but not the deleted copies.
 */
export class Migration20261205204500 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`delete from "push_logs" l using "push_logs" earlier where earlier."message_id" = l."message_id" and earlier."attempt" = l."attempt" and earlier."created_at" = l."created_at" and earlier."id" < l."id";`);
    this.addSql(`alter table "push_logs" add constraint "push_logs_message_id_attempt_created_at_unique" unique ("message_id", "attempt", "created_at");`);
    this.addSql(`drop index "push_logs_message_id_index";`);
  }

  override async down(): Promise<void> {
    this.addSql(`create index "push_logs_message_id_index" on "push_logs" ("message_id");`);
    this.addSql(`alter table "push_logs" drop constraint "push_logs_message_id_attempt_created_at_unique";`);
  }

}
