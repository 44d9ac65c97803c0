import { Entity, ManyToOne, PrimaryKey, Property, Opt } from '@mikro-orm/core';
import { Workspace } from '../workspace/workspace.entity';
import { User } from '../workspace/user.entity';
import { TemplateSuite } from '../catalog/template-suite.entity';
import { DocumentRecordType } from '../catalog/document-record-type.entity';

/** A workflow stage as Legito's WorkflowStage resource describes it. */
export interface WorkflowStageData {
  id: number;
  name: string;
  workflowRevisionId?: number;
  workflowElementId?: number;
  workflowElementPersistId?: number;
  position?: number;
  start?: boolean;
  color?: string;
  notify?: boolean;
  locked?: boolean;
  sign?: boolean;
  share?: boolean;
  shareExternal?: boolean;
  download?: boolean;
}

/** A property value of a record; `value` keeps the shape that Legito defines for `type`. */
export interface RecordPropertyData {
  id: number;
  name: string;
  type: string;
  value: unknown;
  systemName?: string;
}

export interface RecordPersonData {
  definition: string | null;
  name: string | null;
  email: string | null;
}

@Entity({ tableName: 'document_records' })
export class DocumentRecord {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => Workspace, { deleteRule: 'cascade' })
  workspace!: Workspace;

  /** 40 random characters, unique; listeners use it in links. */
  @Property({ type: 'string', length: 40, unique: true })
  code!: string;

  @Property({ type: 'string', length: 500 })
  name!: string;

  @ManyToOne(() => TemplateSuite, { nullable: true, deleteRule: 'set null' })
  templateSuite: TemplateSuite | null = null;

  @ManyToOne(() => DocumentRecordType, { nullable: true, deleteRule: 'set null' })
  documentRecordType: DocumentRecordType | null = null;

  @ManyToOne(() => User, { deleteRule: 'restrict' })
  author!: User;

  @ManyToOne(() => User, { deleteRule: 'restrict' })
  owner!: User;

  @Property({ type: 'json', nullable: true })
  workflowStage: WorkflowStageData | null = null;

  @Property({ type: 'boolean' })
  locked: Opt<boolean> = false;

  @Property({ type: 'boolean' })
  deleted: Opt<boolean> = false;

  @Property({ type: 'json' })
  properties: Opt<RecordPropertyData[]> = [];

  @Property({ type: 'json' })
  persons: Opt<RecordPersonData[]> = [];

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', onUpdate: () => new Date() })
  lastModifiedAt: Opt<Date> = new Date();
}
