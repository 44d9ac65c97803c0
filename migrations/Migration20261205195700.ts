import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes uploaded files by record and id. The paged files list reads one record's files newest
 * first after a cursor id, and counts them, and the attachment and upload checks read a record's
 * files. Without the index, each of these scans the files of every record.
 */
export class Migration20261205195700 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index "uploaded_files_document_record_id_id_index" on "uploaded_files" ("document_record_id", "id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "uploaded_files_document_record_id_id_index";`);
  }

}
