import { Entity, Index, ManyToOne, PrimaryKey, Property, Opt } from '@mikro-orm/core';
import { Workspace } from '../workspace/workspace.entity';
import { DocumentRecord } from '../records/document-record.entity';

/** A file uploaded to a record. The bytes live in a lazy `bytea` column, loaded only to push them. */
@Entity({ tableName: 'uploaded_files' })
// A record's files newest first, for the files list, its cursor and count, and the attachment step.
@Index({ properties: ['documentRecord', 'id'] })
export class UploadedFile {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => Workspace, { deleteRule: 'cascade' })
  workspace!: Workspace;

  @ManyToOne(() => DocumentRecord, { deleteRule: 'cascade' })
  documentRecord!: DocumentRecord;

  @Property({ type: 'string', length: 255 })
  fileName!: string;

  @Property({ type: 'string', length: 255 })
  mimeType!: string;

  /** Byte count of `data`. */
  @Property({ type: 'integer' })
  size!: number;

  /** Hex SHA-256 of `data`. */
  @Property({ type: 'string', length: 64 })
  sha256!: string;

  @Property({ type: 'blob', lazy: true })
  data!: Buffer;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  uploadedAt: Opt<Date> = new Date();
}
