import { Migration } from '@mikro-orm/migrations';

export class Migration20261204201331 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "test_message_samples" ("id" int not null, "workspace_id" int not null, "record_id" int not null, "created_at" timestamptz not null, constraint "test_message_samples_pkey" primary key ("id"));`);

    this.addSql(`alter table "test_message_samples" add constraint "test_message_samples_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "test_message_samples" add constraint "test_message_samples_record_id_foreign" foreign key ("record_id") references "document_records" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "push_connections" add column "failing_since" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "test_message_samples" cascade;`);

    this.addSql(`alter table "push_connections" drop column "failing_since";`);
  }

}
