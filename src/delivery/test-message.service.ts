import type { EntityManager } from '@mikro-orm/postgresql';
import { PushMessage } from './push-message.entity';
import { TEST_MESSAGE_SAMPLE_ID, TestMessageSample } from './test-message-sample.entity';
import { PushConnection } from '../connections/push-connection.entity';
import { DocumentRecord } from '../records/document-record.entity';
import { DocumentRecordEvent } from '../records/document-record-event.entity';
import { DocumentRecordEventType } from '../records/event-type';
import { Workspace } from '../workspace/workspace.entity';
import { User } from '../workspace/user.entity';
import type { WorkspaceScope } from '../common/workspace-scope';
import { ConflictError } from '../common/errors';
import { newMessageId, newRecordCode } from '../common/ids';

/** Key of the advisory lock that keeps two first test messages from creating two samples. */
const SAMPLE_LOCK_KEY = 0x64707369;

/**
 * Creates a test message for the connection: a new event of the connection's first event type
 * on the internal sample record, and a push message marked `isTest` that the caller queues.
 * The message is built, signed, sent, retried and logged like any other. The sample record and
 * its events belong to an internal workspace, so they never show among the caller's records
 * or events. Rejects a disabled connection, because nothing is sent to one.
 */
export async function createTestMessage(scope: WorkspaceScope, connectionId: string): Promise<PushMessage> {
  const connection = await scope.get(PushConnection, 'Push connection', connectionId, { deletedAt: null }, 'connectionId');
  if (!connection.enabled) {
    throw new ConflictError(`Push connection ${connection.id} is disabled; enable it before sending a test message.`, 'connectionId');
  }
  const sample = await ensureSample(scope.em);

  return scope.em.transactional(async (tx) => {
    const event = tx.create(DocumentRecordEvent, {
      workspace: sample.workspace,
      documentRecord: sample.record,
      type: connection.eventTypes[0],
      author: sample.record.author,
      parameters: sampleParameters(connection.eventTypes[0], sample.record),
    });
    const message = tx.create(PushMessage, {
      id: newMessageId(),
      workspace: scope.workspaceId,
      connection,
      event,
      isTest: true,
    });
    await tx.flush();
    return message;
  });
}

/**
 * Returns the parameters of a sample event of `type`. A DocumentOwnerChanged event names the new
 * owner, as recorded ones must, and the sample names the record's own owner, so the message
 * contradicts neither the rule nor the record it carries. A WorkflowStatusChanged sample names the
 * record's workflow stage, as updateDocumentRecord's events do. Other types need no parameter.
 */
function sampleParameters(type: DocumentRecordEventType, record: DocumentRecord): Record<string, unknown> {
  if (type === DocumentRecordEventType.DocumentOwnerChanged) return { ownerId: record.owner.id };
  if (type === DocumentRecordEventType.WorkflowStatusChanged) return { workflowStageId: record.workflowStage?.id ?? null };
  return {};
}

/** Returns the sample, creating its internal workspace, author and record on first use. */
async function ensureSample(em: EntityManager): Promise<TestMessageSample> {
  return em.transactional(async (tx) => {
    await tx.execute(`select pg_advisory_xact_lock(?)`, [SAMPLE_LOCK_KEY]);
    const existing = await tx.findOne(TestMessageSample, TEST_MESSAGE_SAMPLE_ID, { populate: ['record', 'record.author'] });
    if (existing) return existing;

    const workspace = tx.create(Workspace, { name: 'docpush internal: test message samples' });
    const author = tx.create(User, {
      workspace,
      name: 'Sample Author',
      email: 'sample.author@docpush.invalid',
      position: 'Sample position',
      customData: 'sample',
    });
    workspace.defaultApiUser = author;
    const record = tx.create(DocumentRecord, {
      workspace,
      code: newRecordCode(),
      name: 'Sample document record (docpush test message)',
      author,
      owner: author,
      workflowStage: { id: 1, name: 'Draft', position: 1, start: true },
      properties: [{ id: 1, name: 'Sample text', type: 'text', value: 'This record exists only for test messages.' }],
      persons: [{ definition: 'Customer', name: 'Sample Customer', email: 'sample.customer@docpush.invalid' }],
    });
    const sample = tx.create(TestMessageSample, { id: TEST_MESSAGE_SAMPLE_ID, workspace, record });
    await tx.flush();
    return sample;
  });
}
