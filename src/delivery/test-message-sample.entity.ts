import { Entity, ManyToOne, PrimaryKey, Property, Opt } from '@mikro-orm/core';
import { Workspace } from '../workspace/workspace.entity';
import { DocumentRecord } from '../records/document-record.entity';

/** The one row of `test_message_samples`; its id is always this value. */
export const TEST_MESSAGE_SAMPLE_ID = 1;

/**
 * Where test messages get their event: a sample record in an internal workspace that has no
 * API keys. Each `sendTestMessage` adds a real event to this record, so the message runs through
 * the normal pipeline, while no workspace-scoped query ever returns the sample record or its
 * events. The table holds at most one row.
 */
@Entity({ tableName: 'test_message_samples' })
export class TestMessageSample {
  @PrimaryKey({ type: 'integer', autoincrement: false })
  id!: number;

  /** The internal workspace that owns the sample record and its author. */
  @ManyToOne(() => Workspace, { deleteRule: 'cascade' })
  workspace!: Workspace;

  @ManyToOne(() => DocumentRecord, { deleteRule: 'cascade' })
  record!: DocumentRecord;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Opt<Date> = new Date();
}
