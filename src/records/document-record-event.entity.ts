import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Opt } from '@mikro-orm/core';
import { Workspace } from '../workspace/workspace.entity';
import { User } from '../workspace/user.entity';
import { DocumentRecord } from './document-record.entity';
import { DocumentRecordEventType } from './event-type';

/** One entry of a record's timeline (Legito's DocumentRecordEvent). */
@Entity({ tableName: 'document_record_events' })
@Index({ properties: ['documentRecord', 'createdAt'] })
export class DocumentRecordEvent {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => Workspace, { deleteRule: 'cascade' })
  workspace!: Workspace;

  @ManyToOne(() => DocumentRecord, { deleteRule: 'cascade' })
  documentRecord!: DocumentRecord;

  @Enum({ items: () => DocumentRecordEventType, nativeEnumName: 'document_record_event_type' })
  type!: DocumentRecordEventType;

  /** The acting user; null for system events such as date reminders. */
  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  author: User | null = null;

  @Property({ type: 'json' })
  parameters: Opt<Record<string, unknown>> = {};

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Opt<Date> = new Date();
}
