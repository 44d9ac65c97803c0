import { Migration } from '@mikro-orm/migrations';

export class Migration20261204210958 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create unique index "users_workspace_email_unique" on "users" ("workspace_id", lower("email"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "users_workspace_email_unique";`);
  }

}
