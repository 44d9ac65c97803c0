import { Migration } from '@mikro-orm/migrations';

/**
 * Adds the Agenda job id of the operator resend that claimed a message's latest resend attempt.
 * A resend job that Agenda runs again after its worker crashed finds its own id there and ends
 * without claiming a second attempt. A nullable column without a default is added without
 * rewriting the table.
 */
export class Migration20261205120000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "push_messages" add column "resend_job_id" text null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "push_messages" drop column "resend_job_id";`);
  }

}
