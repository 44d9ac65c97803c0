import type { EntityManager } from '@mikro-orm/postgresql';
import { DocumentRecordEvent } from './document-record-event.entity';
import type { DocumentRecord } from './document-record.entity';
import type { DocumentRecordEventType } from './event-type';
import type { User } from '../workspace/user.entity';
import { PushMessage } from '../delivery/push-message.entity';
import { PushConnection } from '../connections/push-connection.entity';
import { newMessageId } from '../common/ids';
import { executePrepared, executeWithBindings, namedPreparedStatement } from '../database/raw-sql';

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
  // After the flush, so the snapshot contains the record's changes made with this event.
  await executeWithBindings(em, SNAPSHOT_RECORD_SQL, { eventId: event.id });
  return { event, messageIds: messages.map((message) => message.id) };
}

/** Stores the event's record row, as it is in the current transaction, as the event's snapshot. */
const SNAPSHOT_RECORD_SQL = `update document_record_events e set record_snapshot = row_to_json(r)
       from document_records r
      where e.id = :eventId and r.id = e.document_record_id`;

/**
 * Returns the matching rule as a condition on push_connections `c`. The connection is enabled and
 * not deleted, and the event type `:type` is selected. Its template-suite and record-type filters
 * admit a record whose suite and record type are the SQL expressions given (null for none). Both
 * ways of recording an event use it, so they trigger the same connections.
 */
function triggeredConnectionCondition(suiteIdSql: string, recordTypeIdSql: string): string {
  return `c.workspace_id = :workspaceId and c.enabled and c.deleted_at is null
     and :type = any(c.event_types)
     and (c.template_suite_all or (${suiteIdSql} is not null and c.template_suite_ids @> to_jsonb(${suiteIdSql})))
     and (c.document_record_type_all or (${recordTypeIdSql} is not null and c.document_record_type_ids @> to_jsonb(${recordTypeIdSql})))`;
}

async function findTriggeredConnectionIds(em: EntityManager, record: DocumentRecord, type: DocumentRecordEventType): Promise<number[]> {
  const rows = await executeWithBindings<{ id: number }>(
    em,
    `select c.id from push_connections c
      where ${triggeredConnectionCondition('cast(:suiteId as int)', 'cast(:recordTypeId as int)')}
      order by c.id`,
    {
      workspaceId: record.workspace.id,
      type,
      suiteId: record.templateSuite?.id ?? null,
      recordTypeId: record.documentRecordType?.id ?? null,
    },
  );
  return rows.map((row) => row.id);
}

/** Outcome of `insertEventWithMessages`. `event` is null when the record or the author was not found. */
export interface InsertedEvent {
  recordFound: boolean;
  authorFound: boolean;
  event: { id: number; createdAt: Date } | null;
  messageIds: string[];
}

/**
 * One statement that does what `recordEventWithMessages` does for an event that changes nothing
 * on its record. It locks the record row, so events of one record keep their order. It checks the
 * author, then inserts the event with the record's row as its snapshot and one push message per
 * triggered connection (same matching rule), all in the statement's own transaction. The ORM path costs about eight round trips per
 * event, and it was the API's main cost under load. The caller notifies the workers after it.
 */
const INSERT_EVENT_WITH_MESSAGES = `
with target_record as (
  select id, template_suite_id, document_record_type_id, row_to_json(document_records) as snapshot
    from document_records
   where id = cast(:recordId as bigint) and workspace_id = :workspaceId
     for update
), target_author as (
  select id from users where id = cast(:authorId as bigint) and workspace_id = :workspaceId
), inserted_event as (
  insert into document_record_events (workspace_id, document_record_id, type, author_id, parameters, created_at, record_snapshot)
  select :workspaceId, r.id, :type, a.id, cast(:parameters as jsonb), clock_timestamp(), r.snapshot
    from target_record r
    left join target_author a on true
   where cast(:authorId as bigint) is null or a.id is not null
  returning id, created_at
), inserted_messages as (
  insert into push_messages (id, workspace_id, connection_id, event_id, state, attempts, next_attempt_at, is_test, created_at, updated_at)
  select docpush_new_message_id(), c.workspace_id, c.id, e.id, 'PENDING', 0, e.created_at, false, e.created_at, e.created_at
    from inserted_event e
    cross join target_record r
    join push_connections c on ${triggeredConnectionCondition('r.template_suite_id', 'r.document_record_type_id')}
   order by c.id
  returning id, connection_id
)
select exists (select 1 from target_record) as record_found,
       exists (select 1 from target_author) as author_found,
       e.id as event_id,
       e.created_at,
       coalesce((select json_agg(m.id order by m.connection_id) from inserted_messages m), '[]'::json) as message_ids
  from (select 1) as one
  left join inserted_event e on true`;

const INSERT_EVENT_STATEMENT = namedPreparedStatement('docpush_insert_event_with_messages', INSERT_EVENT_WITH_MESSAGES);

/**
 * Records an event that changes nothing on its record with `INSERT_EVENT_WITH_MESSAGES`. The
 * messages are committed when this resolves, so enqueue them then.
 */
export async function insertEventWithMessages(
  em: EntityManager,
  input: { workspaceId: number; recordId: number; authorId: number | null; type: DocumentRecordEventType; parameters: Record<string, unknown> },
): Promise<InsertedEvent> {
  const params = {
    workspaceId: input.workspaceId,
    recordId: input.recordId,
    authorId: input.authorId,
    type: input.type,
    parameters: JSON.stringify(input.parameters),
  };
  const [row] = await executePrepared<InsertedEventRow>(em, INSERT_EVENT_STATEMENT, INSERT_EVENT_STATEMENT.bind(params));
  return {
    recordFound: row.record_found,
    authorFound: row.author_found,
    event: row.event_id === null ? null : { id: row.event_id, createdAt: new Date(row.created_at) },
    messageIds: row.message_ids,
  };
}

interface InsertedEventRow {
  record_found: boolean;
  author_found: boolean;
  event_id: number | null;
  /** A string, because MikroORM's connection leaves timestamps unparsed. */
  created_at: string;
  message_ids: string[];
}
