import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Opt, Unique } from '@mikro-orm/core';
import { Workspace } from '../workspace/workspace.entity';
import { User } from '../workspace/user.entity';
import { DocumentRecord } from './document-record.entity';
import { DocumentRecordEventType } from './event-type';

/** The unique index that a second event with the same idempotency key in a workspace violates. */
export const IDEMPOTENCY_KEY_INDEX = 'document_record_events_idempotency_key_unique';

/** One entry of a record's timeline (Legito's DocumentRecordEvent). */
@Entity({ tableName: 'document_record_events' })
@Index({ properties: ['documentRecord', 'createdAt'] })
// The events that still keep a snapshot, by age, for the retention job that clears old snapshots.
@Index({
  name: 'document_record_events_snapshot_created_at_index',
  expression: `create index "document_record_events_snapshot_created_at_index" on "document_record_events" ("created_at") where "record_snapshot" is not null`,
})
// Allows each idempotency key once per workspace. Events recorded without a key take no entry.
@Unique({
  name: IDEMPOTENCY_KEY_INDEX,
  expression: `create unique index "${IDEMPOTENCY_KEY_INDEX}" on "document_record_events" ("workspace_id", "idempotency_key") where "idempotency_key" is not null`,
})
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

  /**
   * The record's row as PostgreSQL's row_to_json gave it once the event was stored, so every
   * attempt of every message of the event pushes the record as it was then. Null for events
   * stored before snapshots existed and for events older than the log retention period, whose
   * snapshot the retention job clears. Their messages push the record as it is at each attempt.
   * A `json` column keeps the row's column order and text as they were written.
   */
  @Property({ type: 'json', columnType: 'json', nullable: true })
  recordSnapshot: Opt<Record<string, unknown>> | null = null;

  /**
   * The key that recordDocumentEvent or recordDocumentEvents stored the event with, so that a
   * repeated call returns this event instead of storing another. Null when none was given.
   */
  @Property({ type: 'string', length: 255, nullable: true })
  idempotencyKey: string | null = null;

  /**
   * Ids of the push messages that the event created, ordered by connection id, stored for an
   * event with an idempotency key, so that a replay of the key returns them by primary key
   * lookups. Null for an event without a key. Purged messages stay listed here.
   */
  @Property({ type: 'text[]', nullable: true, lazy: true })
  pushMessageIds: Opt<string[]> | null = null;
}
