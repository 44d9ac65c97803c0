import { Migration } from '@mikro-orm/migrations';

export class Migration20261204195312 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "document_record_event_type" as enum ('ApprovalActionApprove', 'ApprovalActionCanceled', 'ApprovalActionDisapprove', 'ApprovalApproved', 'ApprovalDisapproved', 'ApprovalProcessStarted', 'ApprovalRestart', 'ConfidentialDesignated', 'ConfidentialRemoved', 'DateDelivery', 'DateExpiration', 'DatePayment', 'DateSigning', 'DocumentDownload', 'DocumentOwnerChanged', 'DocumentRecordCreated', 'DocumentRecordCreatedMass', 'DocumentRecordDeleted', 'DocumentRecordLocked', 'DocumentRecordRestored', 'DocumentRecordUnlocked', 'DocumentRecordUpdated', 'DocumentSentByEmail', 'DocumentShared', 'DocumentSharingRemoved', 'DocumentVersionView', 'ExpirationDateRevised', 'ExternalSharingActivated', 'ExternalSharingDeactivated', 'FileDeleted', 'FileDownload', 'FileUpload', 'LinkAdded', 'NewDocumentVersion', 'SignCanceled', 'SignCompleted', 'SignStarted', 'WorkflowStatusChanged');`);
    this.addSql(`create type "delivery_outcome" as enum ('SUCCEEDED', 'FAILED');`);
    this.addSql(`create type "push_message_state" as enum ('PENDING', 'DELIVERING', 'SUCCEEDED', 'RETRY_SCHEDULED', 'FAILED', 'CANCELLED');`);
    this.addSql(`create type "api_key_role" as enum ('ADMIN', 'MEMBER');`);
    this.addSql(`create table "workspaces" ("id" serial primary key, "name" varchar(200) not null, "default_api_user_id" int null, "created_at" timestamptz not null);`);

    this.addSql(`create table "users" ("id" serial primary key, "workspace_id" int not null, "name" varchar(200) not null, "email" varchar(320) not null, "position" varchar(200) null, "custom_data" text null, "created_at" timestamptz not null);`);

    this.addSql(`create table "template_suites" ("id" serial primary key, "workspace_id" int not null, "name" varchar(200) not null);`);

    this.addSql(`create table "templates" ("id" serial primary key, "workspace_id" int not null, "template_suite_id" int not null, "name" varchar(200) not null, "layout" jsonb not null);`);

    this.addSql(`create table "push_logs" ("id" bigserial primary key, "workspace_id" int not null, "connection_id" int not null, "connection_name" varchar(200) not null, "event_id" int not null, "event_type" "document_record_event_type" not null, "message_id" varchar(40) not null, "attempt" int not null, "request_url" text not null, "request_headers" jsonb not null, "request_body" text not null, "response_code" int not null, "response_headers" jsonb not null, "response_body" text not null default '', "response_body_encoding" varchar(10) not null default 'utf8', "response_body_truncated" boolean not null default false, "response_error" text not null default '', "duration_ms" int not null, "outcome" "delivery_outcome" not null, "is_test" boolean not null default false, "created_at" timestamptz not null);`);
    this.addSql(`create index "push_logs_message_id_index" on "push_logs" ("message_id");`);
    this.addSql(`create index "push_logs_connection_id_created_at_index" on "push_logs" ("connection_id", "created_at");`);
    this.addSql(`create index "push_logs_workspace_id_created_at_index" on "push_logs" ("workspace_id", "created_at");`);

    this.addSql(`create table "push_connections" ("id" serial primary key, "workspace_id" int not null, "system_name" uuid not null, "name" varchar(200) not null, "url" text not null, "enabled" boolean not null default false, "headers" jsonb not null, "event_types" text[] not null, "template_suite_all" boolean not null default true, "template_suite_ids" jsonb not null, "document_record_type_all" boolean not null default true, "document_record_type_ids" jsonb not null, "attach_files_uploaded" boolean not null default false, "attach_files_generated" boolean not null default false, "file_types" text[] not null, "signing_secrets" jsonb not null, "disabled_reason" text null, "disabled_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "deleted_at" timestamptz null);`);
    this.addSql(`alter table "push_connections" add constraint "push_connections_system_name_unique" unique ("system_name");`);
    this.addSql(`create index "push_connections_workspace_id_enabled_index" on "push_connections" ("workspace_id", "enabled");`);

    this.addSql(`create table "document_record_types" ("id" serial primary key, "workspace_id" int not null, "name" varchar(200) not null);`);

    this.addSql(`create table "document_records" ("id" serial primary key, "workspace_id" int not null, "code" varchar(40) not null, "name" varchar(500) not null, "template_suite_id" int null, "document_record_type_id" int null, "author_id" int not null, "owner_id" int not null, "workflow_stage" jsonb null, "locked" boolean not null default false, "deleted" boolean not null default false, "properties" jsonb not null, "persons" jsonb not null, "created_at" timestamptz not null, "last_modified_at" timestamptz not null);`);
    this.addSql(`alter table "document_records" add constraint "document_records_code_unique" unique ("code");`);

    this.addSql(`create table "uploaded_files" ("id" serial primary key, "workspace_id" int not null, "document_record_id" int not null, "file_name" varchar(255) not null, "mime_type" varchar(255) not null, "size" int not null, "sha256" varchar(64) not null, "data" bytea not null, "uploaded_at" timestamptz not null);`);

    this.addSql(`create table "document_record_events" ("id" serial primary key, "workspace_id" int not null, "document_record_id" int not null, "type" "document_record_event_type" not null, "author_id" int null, "parameters" jsonb not null, "created_at" timestamptz not null);`);
    this.addSql(`create index "document_record_events_document_record_id_created_at_index" on "document_record_events" ("document_record_id", "created_at");`);

    this.addSql(`create table "push_messages" ("id" varchar(40) not null, "workspace_id" int not null, "connection_id" int not null, "event_id" int not null, "state" "push_message_state" not null default 'PENDING', "attempts" int not null default 0, "next_attempt_at" timestamptz null, "last_response_code" int null, "last_error" text null, "is_test" boolean not null default false, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "push_messages_pkey" primary key ("id"));`);
    this.addSql(`create index "push_messages_connection_id_state_created_at_index" on "push_messages" ("connection_id", "state", "created_at");`);
    this.addSql(`create index "push_messages_state_next_attempt_at_index" on "push_messages" ("state", "next_attempt_at");`);

    this.addSql(`create table "documents" ("id" serial primary key, "workspace_id" int not null, "document_record_id" int not null, "template_id" int not null, "version" int not null default 1, "content" jsonb not null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`);

    this.addSql(`create table "api_keys" ("id" serial primary key, "workspace_id" int not null, "name" varchar(200) not null, "role" "api_key_role" not null, "prefix" varchar(32) not null, "hash" varchar(64) not null, "created_at" timestamptz not null, "last_used_at" timestamptz null, "revoked_at" timestamptz null);`);
    this.addSql(`alter table "api_keys" add constraint "api_keys_hash_unique" unique ("hash");`);

    this.addSql(`alter table "workspaces" add constraint "workspaces_default_api_user_id_foreign" foreign key ("default_api_user_id") references "users" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "users" add constraint "users_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "template_suites" add constraint "template_suites_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "templates" add constraint "templates_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "templates" add constraint "templates_template_suite_id_foreign" foreign key ("template_suite_id") references "template_suites" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "push_logs" add constraint "push_logs_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "push_connections" add constraint "push_connections_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "document_record_types" add constraint "document_record_types_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "document_records" add constraint "document_records_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "document_records" add constraint "document_records_template_suite_id_foreign" foreign key ("template_suite_id") references "template_suites" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "document_records" add constraint "document_records_document_record_type_id_foreign" foreign key ("document_record_type_id") references "document_record_types" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "document_records" add constraint "document_records_author_id_foreign" foreign key ("author_id") references "users" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "document_records" add constraint "document_records_owner_id_foreign" foreign key ("owner_id") references "users" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "uploaded_files" add constraint "uploaded_files_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "uploaded_files" add constraint "uploaded_files_document_record_id_foreign" foreign key ("document_record_id") references "document_records" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "document_record_events" add constraint "document_record_events_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "document_record_events" add constraint "document_record_events_document_record_id_foreign" foreign key ("document_record_id") references "document_records" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "document_record_events" add constraint "document_record_events_author_id_foreign" foreign key ("author_id") references "users" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "push_messages" add constraint "push_messages_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "push_messages" add constraint "push_messages_connection_id_foreign" foreign key ("connection_id") references "push_connections" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "push_messages" add constraint "push_messages_event_id_foreign" foreign key ("event_id") references "document_record_events" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "documents" add constraint "documents_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "documents" add constraint "documents_document_record_id_foreign" foreign key ("document_record_id") references "document_records" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "documents" add constraint "documents_template_id_foreign" foreign key ("template_id") references "templates" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "api_keys" add constraint "api_keys_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on update cascade on delete cascade;`);
  }

}
