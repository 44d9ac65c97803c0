import { Entity, ManyToOne, PrimaryKey, Property, Opt } from '@mikro-orm/core';
import { Workspace } from '../workspace/workspace.entity';
import { DocumentRecord } from '../records/document-record.entity';
import { Template } from '../catalog/template.entity';
import type { DocumentContent } from '../rendering/document-content';

/** A generated document of a record: structured content that renders to every file type. */
@Entity({ tableName: 'documents' })
export class Document {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => Workspace, { deleteRule: 'cascade' })
  workspace!: Workspace;

  @ManyToOne(() => DocumentRecord, { deleteRule: 'cascade' })
  documentRecord!: DocumentRecord;

  @ManyToOne(() => Template, { deleteRule: 'restrict' })
  template!: Template;

  /** Starts at 1 and grows with each content change (a `NewDocumentVersion` event). */
  @Property({ type: 'integer' })
  version: Opt<number> = 1;

  @Property({ type: 'json' })
  content!: DocumentContent;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Opt<Date> = new Date();
}
