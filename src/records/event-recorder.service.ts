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
  input: { record: DocumentRecord; type: DocumentRecordEventType; author: User | null; parameters?: Record<string, unknown>; idempotencyKey?: string | null },
): Promise<RecordedEvent> {
  const event = em.create(DocumentRecordEvent, {
    workspace: input.record.workspace,
    documentRecord: input.record,
    type: input.type,
    author: input.author,
    parameters: input.parameters ?? {},
    idempotencyKey: input.idempotencyKey ?? null,
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
  if (event.idempotencyKey !== null) event.pushMessageIds = messages.map((message) => message.id);

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
 * admit a record whose suite and record type are the SQL expressions given (null for none); the
 * event type is `typeSql`, `:type` unless given. Every way of recording an event uses it, so all
 * of them trigger the same connections.
 */
function triggeredConnectionCondition(suiteIdSql: string, recordTypeIdSql: string, typeSql = ':type'): string {
  return `c.workspace_id = :workspaceId and c.enabled and c.deleted_at is null
     and ${typeSql} = any(c.event_types)
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

/**
 * Returns the condition that a WorkflowStatusChanged event's workflow stage id agrees with its
 * record's: the event names no stage (`namedSql` is SQL null), or it names the record's stage id,
 * where JSON null names no stage. Both arguments are jsonb expressions, and `recordStageSql` is
 * SQL null for a record without a stage.
 */
function stageAgreesCondition(namedSql: string, recordStageSql: string): string {
  return `(${namedSql} is null or ${namedSql} = coalesce(${recordStageSql}, 'null'::jsonb))`;
}

/**
 * Outcome of `insertEventWithMessages`. `event` is null when the record or the author was not
 * found, when the record is deleted, or when the event names a workflow stage id other than its
 * record's (`stageMismatch`). A deleted record accepts only DocumentRecordDeleted and
 * DocumentRecordRestored, which change the record and so are never stored by these statements.
 */
export interface InsertedEvent {
  recordFound: boolean;
  /** False only when the event names an author that was not found, so true for an event without author. */
  authorFound: boolean;
  recordDeleted: boolean;
  stageMismatch: boolean;
  /** The id of the record's workflow stage; null when it has none or was not found. */
  recordStageId: number | null;
  event: { id: number; createdAt: Date } | null;
  messageIds: string[];
}

/**
 * One statement that does what `recordEventWithMessages` does for an event that changes nothing
 * on its record. It locks the record row, so events of one record keep their order. It checks the
 * author, that the record is not deleted, and that the workflow stage id that the event names, if
 * any (`:namedStageId`, as JSON text), is the record's. Then it draws one message id per
 * triggered connection (same matching rule) and inserts the event, with the record's row as its
 * snapshot, and one push message per drawn id, in the caller's transaction or else in the
 * statement's own. An event with an idempotency key stores its message ids in push_message_ids,
 * which a replay of the key reads. The ORM path costs about eight round trips per event, and it
 * was the API's main cost under load. The caller notifies the workers after the commit. An
 * idempotency key that another event of the workspace has raises a unique violation, which
 * undoes the whole statement.
 */
const INSERT_EVENT_WITH_MESSAGES = `
with target_record as (
  select id, template_suite_id, document_record_type_id, deleted, workflow_stage -> 'id' as stage_id, row_to_json(document_records) as snapshot
    from document_records
   where id = cast(:recordId as bigint) and workspace_id = :workspaceId
     for update
), target_author as (
  select id from users where id = cast(:authorId as bigint) and workspace_id = :workspaceId
), accepted_record as (
  select r.id, r.template_suite_id, r.document_record_type_id, r.snapshot, a.id as author_id
    from target_record r
    left join target_author a on true
   where (cast(:authorId as bigint) is null or a.id is not null) and not r.deleted
     and ${stageAgreesCondition('cast(:namedStageId as jsonb)', 'r.stage_id')}
), new_messages as (
  select docpush_new_message_id() as id, c.workspace_id, c.id as connection_id
    from accepted_record r
    join push_connections c on ${triggeredConnectionCondition('r.template_suite_id', 'r.document_record_type_id')}
), inserted_event as (
  insert into document_record_events (workspace_id, document_record_id, type, author_id, parameters, created_at, record_snapshot, idempotency_key, push_message_ids)
  select :workspaceId, r.id, :type, r.author_id, cast(:parameters as jsonb), clock_timestamp(), r.snapshot, cast(:idempotencyKey as text),
         case when cast(:idempotencyKey as text) is not null then array(select m.id from new_messages m order by m.connection_id) end
    from accepted_record r
  returning id, created_at
), inserted_messages as (
  insert into push_messages (id, workspace_id, connection_id, event_id, state, attempts, next_attempt_at, is_test, created_at, updated_at)
  select m.id, m.workspace_id, m.connection_id, e.id, 'PENDING', 0, e.created_at, false, e.created_at, e.created_at
    from inserted_event e
    cross join new_messages m
   order by m.connection_id
  returning id, connection_id
)
select exists (select 1 from target_record) as record_found,
       (cast(:authorId as bigint) is null or exists (select 1 from target_author)) as author_found,
       exists (select 1 from target_record where deleted) as record_deleted,
       exists (select 1 from target_record r where not ${stageAgreesCondition('cast(:namedStageId as jsonb)', 'r.stage_id')}) as stage_mismatch,
       (select stage_id from target_record) as record_stage_id,
       e.id as event_id,
       e.created_at,
       coalesce((select json_agg(m.id order by m.connection_id) from inserted_messages m), '[]'::json) as message_ids
  from (select 1) as one
  left join inserted_event e on true`;

const INSERT_EVENT_STATEMENT = namedPreparedStatement('docpush_insert_event_with_messages', INSERT_EVENT_WITH_MESSAGES);

/**
 * Records an event that changes nothing on its record with `INSERT_EVENT_WITH_MESSAGES`, in the
 * EntityManager's transaction when it has one. Enqueue the messages once they are committed:
 * when this resolves outside a transaction, else after the caller's commit.
 */
export async function insertEventWithMessages(
  em: EntityManager,
  input: {
    workspaceId: number;
    recordId: number;
    authorId: number | null;
    type: DocumentRecordEventType;
    parameters: Record<string, unknown>;
    idempotencyKey?: string | null;
    namedStageId?: number | null;
  },
): Promise<InsertedEvent> {
  const params = {
    workspaceId: input.workspaceId,
    recordId: input.recordId,
    authorId: input.authorId,
    type: input.type,
    parameters: JSON.stringify(input.parameters),
    idempotencyKey: input.idempotencyKey ?? null,
    namedStageId: namedStageIdJson(input.namedStageId),
  };
  const [row] = await executePrepared<InsertedEventRow>(em, INSERT_EVENT_STATEMENT, INSERT_EVENT_STATEMENT.bind(params));
  return toInsertedEvent(row);
}

/** Returns a named workflow stage id as the JSON text that the statements compare, or null when the event names none. */
function namedStageIdJson(namedStageId: number | null | undefined): string | null {
  return namedStageId === undefined ? null : JSON.stringify(namedStageId);
}

function toInsertedEvent(row: InsertedEventRow): InsertedEvent {
  return {
    recordFound: row.record_found,
    authorFound: row.author_found,
    recordDeleted: row.record_deleted,
    stageMismatch: row.stage_mismatch,
    recordStageId: row.record_stage_id,
    event: row.event_id === null ? null : { id: Number(row.event_id), createdAt: new Date(row.created_at) },
    messageIds: row.message_ids,
  };
}

interface InsertedEventRow {
  record_found: boolean;
  author_found: boolean;
  record_deleted: boolean;
  stage_mismatch: boolean;
  /** The jsonb `id` of the record's workflow stage, which node-postgres parses. */
  record_stage_id: number | null;
  /** A string from the batch statement, whose ids come from nextval(), a bigint. */
  event_id: number | string | null;
  /** A string, because MikroORM's connection leaves timestamps unparsed. */
  created_at: string;
  message_ids: string[];
}

const LOCK_RECORDS_STATEMENT = namedPreparedStatement(
  'docpush_lock_document_records',
  `select id from document_records
    where workspace_id = :workspaceId and id = any(cast(:recordIds as bigint[]))
    order by id
      for update`,
);

/**
 * Locks the records of one workspace until the transaction ends, in ascending id order, so
 * transactions that lock the same records this way cannot deadlock on them. PostgreSQL locks the
 * rows after sorting them. Returns the ids that exist in the workspace.
 */
export async function lockRecords(em: EntityManager, workspaceId: number, recordIds: number[]): Promise<Set<number>> {
  const params = { workspaceId, recordIds };
  const rows = await executePrepared<{ id: number | string }>(em, LOCK_RECORDS_STATEMENT, LOCK_RECORDS_STATEMENT.bind(params));
  // node-postgres returns bigint columns as strings.
  return new Set(rows.map((row) => Number(row.id)));
}

/**
 * Several events that change nothing on their records in one statement, so all of them or none
 * are stored. It locks the records in ascending id order, so two batches that share records
 * cannot deadlock on them, and looks the authors up. It stores nothing when an event's record or
 * author was not found, its record is deleted, or it names a workflow stage id other than its
 * record's (as in `INSERT_EVENT_WITH_MESSAGES`). Otherwise it draws one message id per triggered
 * connection and inserts the events, in input order (sequence values are drawn after the sort).
 * Each event gets its record's row as the snapshot, and an event with an idempotency key gets its
 * message ids in push_message_ids. Then it inserts the push messages with the drawn ids. It
 * returns one row per input, in input order, with what was found and stored. An idempotency key
 * that another event of the workspace has raises a unique violation, which undoes the whole
 * statement.
 */
const INSERT_EVENTS_WITH_MESSAGES = `
with input as (
  select i.ord, i.record_id, i.author_id, i.type, i.parameters, i.idempotency_key, cast(i.named_stage_id as jsonb) as named_stage_id
    from unnest(cast(:recordIds as bigint[]), cast(:authorIds as bigint[]), cast(:types as text[]), cast(:parameters as text[]), cast(:idempotencyKeys as text[]),
                cast(:namedStageIds as text[]))
         with ordinality as i(record_id, author_id, type, parameters, idempotency_key, named_stage_id, ord)
), locked_records as (
  select id, template_suite_id, document_record_type_id, deleted, workflow_stage -> 'id' as stage_id, row_to_json(document_records) as snapshot
    from document_records
   where workspace_id = :workspaceId and id in (select record_id from input)
   order by id
     for update
), checked as (
  select i.*, r.id is not null as record_found, (i.author_id is null or a.id is not null) as author_found,
         coalesce(r.deleted, false) as record_deleted,
         (r.id is not null and not ${stageAgreesCondition('i.named_stage_id', 'r.stage_id')}) as stage_mismatch, r.stage_id as record_stage_id,
         r.template_suite_id, r.document_record_type_id, r.snapshot
    from input i
    left join locked_records r on r.id = i.record_id
    left join users a on a.id = i.author_id and a.workspace_id = :workspaceId
), numbered as (
  select c.*, nextval(pg_get_serial_sequence('document_record_events', 'id')) as event_id
    from checked c
   where not exists (select 1 from checked where not record_found or not author_found or record_deleted or stage_mismatch)
   order by c.ord
), new_messages as (
  select docpush_new_message_id() as id, c.workspace_id, c.id as connection_id, n.event_id, n.idempotency_key is not null as event_has_key
    from numbered n
    join push_connections c on ${triggeredConnectionCondition('n.template_suite_id', 'n.document_record_type_id', 'n.type')}
), message_ids_of_keyed_events as (
  select event_id, array_agg(id order by connection_id) as ids
    from new_messages
   where event_has_key
   group by event_id
), inserted_events as (
  insert into document_record_events (id, workspace_id, document_record_id, type, author_id, parameters, created_at, record_snapshot, idempotency_key, push_message_ids)
  select n.event_id, :workspaceId, n.record_id, cast(n.type as document_record_event_type), n.author_id, cast(n.parameters as jsonb), clock_timestamp(), n.snapshot,
         n.idempotency_key, case when n.idempotency_key is not null then coalesce(k.ids, '{}') end
    from numbered n
    left join message_ids_of_keyed_events k on k.event_id = n.event_id
   order by n.ord
  returning id, created_at
), inserted_messages as (
  insert into push_messages (id, workspace_id, connection_id, event_id, state, attempts, next_attempt_at, is_test, created_at, updated_at)
  select m.id, m.workspace_id, m.connection_id, e.id, 'PENDING', 0, e.created_at, false, e.created_at, e.created_at
    from inserted_events e
    join new_messages m on m.event_id = e.id
   order by e.id, m.connection_id
  returning id, event_id, connection_id
)
select c.record_found, c.author_found, c.record_deleted, c.stage_mismatch, c.record_stage_id, n.event_id, e.created_at,
       coalesce((select json_agg(m.id order by m.connection_id) from inserted_messages m where m.event_id = n.event_id), '[]'::json) as message_ids
  from checked c
  left join numbered n on n.ord = c.ord
  left join inserted_events e on e.id = n.event_id
 order by c.ord`;

const INSERT_EVENTS_STATEMENT = namedPreparedStatement('docpush_insert_events_with_messages', INSERT_EVENTS_WITH_MESSAGES);

/** One event for `insertEventsWithMessages`; `authorId` as for `insertEventWithMessages`. */
export interface PlainEventRow {
  recordId: number;
  authorId: number | null;
  type: DocumentRecordEventType;
  parameters: Record<string, unknown>;
  idempotencyKey: string | null;
  /**
   * The workflow stage id that the event names, which must be its record's stage id: null names
   * no stage, and undefined leaves the stage unchecked.
   */
  namedStageId?: number | null;
}

/**
 * Records events that change nothing on their records with `INSERT_EVENTS_WITH_MESSAGES`: one
 * result per event, in order. When any result has `event` null, no event was stored. Enqueue the
 * messages when this resolves outside a transaction, else after the caller's commit.
 */
export async function insertEventsWithMessages(em: EntityManager, workspaceId: number, events: PlainEventRow[]): Promise<InsertedEvent[]> {
  const params = {
    workspaceId,
    recordIds: events.map((event) => event.recordId),
    authorIds: events.map((event) => event.authorId),
    types: events.map((event) => event.type),
    parameters: events.map((event) => JSON.stringify(event.parameters)),
    idempotencyKeys: events.map((event) => event.idempotencyKey),
    namedStageIds: events.map((event) => namedStageIdJson(event.namedStageId)),
  };
  const rows = await executePrepared<InsertedEventRow>(em, INSERT_EVENTS_STATEMENT, INSERT_EVENTS_STATEMENT.bind(params));
  return rows.map(toInsertedEvent);
}
