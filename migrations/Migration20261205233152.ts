import { Migration } from '@mikro-orm/migrations';

/**
 * Adds push_logs.response_body_incomplete, set when a response body ended early because the
 * connection closed or the attempt timed out. Adding a column with a constant default does not
 * rewrite the table. Rows written before keep false, also where their body was cut short, because
 * the attempt's error was not stored for a 2xx response.
 */
export class Migration20261205233152 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "push_logs" add column "response_body_incomplete" boolean not null default false;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "push_logs" drop column "response_body_incomplete";`);
  }

}
