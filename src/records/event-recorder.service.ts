import type { EntityManager } from '@mikro-orm/postgresql';
import { DocumentRecordEvent } from './document-record-event.entity';
import type { DocumentRecord } from './document-record.entity';
import type { DocumentRecordEventType } from './event-type';
import type { User } from '../workspace/user.entity';
import { PushMessage } from '../delivery/push-message.entity';
import { PushConnection } from '../connections/push-connection.entity';
import { newMessageId } from '../common/ids';

export interface RecordedEvent {
  event: DocumentRecordEvent;
  messageIds: string[];
}

/**
 * Stores a timeline event and one push message per enabled connection it triggers. Call it inside
 * the caller's transaction, so an event is never stored without its messages nor a message
 * without its event. Enqueue the returned message ids only after that transaction commits.
 */
export async function recordEventWithMessages(
  em: EntityManager,
  input: { record: DocumentRecord; type: DocumentRecordEventType; author: User | null; parameters?: Record<string, unknown> },
): Promise<RecordedEvent> {
  const event = em.create(DocumentRecordEvent, {
    workspace: input.record.workspace,
    documentRecord: input.record,
    type: input.type,
    author: input.author,
    parameters: input.parameters ?? {},
  });

  const connectionIds = await findTriggeredConnectionIds(em, input.record, input.type);
  const messages = connectionIds.map((connectionId) =>
    em.create(PushMessage, {
      id: newMessageId(),
      workspace: input.record.workspace,
      connection: em.getReference(PushConnection, connectionId),
      event,
    }),
  );

  await em.flush();
  return { event, messageIds: messages.map((message) => message.id) };
}

/**
 * Matching rule: the connection is enabled and not deleted, the event type is selected, and both
 * the template-suite and the record-type filters admit the record.
 */
async function findTriggeredConnectionIds(em: EntityManager, record: DocumentRecord, type: DocumentRecordEventType): Promise<number[]> {
  const suiteId = record.templateSuite?.id ?? null;
  const recordTypeId = record.documentRecordType?.id ?? null;

  const rows: Array<{ id: number }> = await em.execute(
    `select id from push_connections
      where workspace_id = ? and enabled and deleted_at is null
        and ? = any(event_types)
        and (template_suite_all or (?::int is not null and template_suite_ids @> to_jsonb(?::int)))
        and (document_record_type_all or (?::int is not null and document_record_type_ids @> to_jsonb(?::int)))
      order by id`,
    [record.workspace.id, type, suiteId, suiteId, recordTypeId, recordTypeId],
  );
  return rows.map((row) => row.id);
}
