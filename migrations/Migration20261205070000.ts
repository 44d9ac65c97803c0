import { Migration } from '@mikro-orm/migrations';

/**
 * Writes fewer index entries per delivery. The full (state, next_attempt_at) index took a new
 * entry on every insert and on both state updates of every message, although its readers only
 * look for PENDING and RETRY_SCHEDULED messages: the next due time, the backlog metrics and the
 * sweeper. A partial index on next_attempt_at over those two states serves them and takes an
 * entry only when a message becomes due (2 of the 11 index entries of a delivered message).
 * Finished messages for the retention job are found by a scan, as before: the old index did
 * not order them by update time either.
 */
export class Migration20261205070000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index "push_messages_next_due_index" on "push_messages" ("next_attempt_at") where "state" in ('PENDING', 'RETRY_SCHEDULED');`);
    this.addSql(`drop index "push_messages_state_next_attempt_at_index";`);
  }

  override async down(): Promise<void> {
    this.addSql(`create index "push_messages_state_next_attempt_at_index" on "push_messages" ("state", "next_attempt_at");`);
    this.addSql(`drop index "push_messages_next_due_index";`);
  }

}
