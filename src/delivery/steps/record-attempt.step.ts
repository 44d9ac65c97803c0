import type { EntityManager } from '@mikro-orm/postgresql';
import { PushMessageState, type PushMessage } from '../push-message.entity';
import { ATTEMPT_ROW_INDEX, DeliveryOutcome } from '../push-log.entity';
import { describeDroppedHeaders, type DeliveryRequest } from './build-request.step';
import type { AttemptResult } from '../http-sender';
import { decideRetry, type RetryDecision, type RetryPolicyConfig } from '../retry-policy';
import { DELIVERY_LOG_CHANNEL, deliveryLogNotifications } from '../delivery-log.feed';
import { updateConnectionHealth, type ConnectionDisabled } from './connection-health.step';
import { executePrepared, executeWithBindings, numberPlaceholders, type PreparedStatement } from '../../database/raw-sql';
import { isUniqueViolationOf } from '../../database/unique-violation';
import { redactEchoedFileData, redactEchoedFileDataInBase64 } from '../echoed-file-data';
import { redactEchoedSecrets, redactEchoedSecretsInBase64 } from '../echoed-secrets';
import { PUSH_LOG_COLUMNS } from '../push-log-columns';

export interface AttemptRecord {
  /** Id of the push log row written for the attempt. */
  logId: number;
  /** When the next attempt is due, or null when the message is finished. */
  retryAt: Date | null;
  decision: RetryDecision | { kind: 'succeeded' };
  /** Set when this attempt made docpush disable the connection (410 Gone, or failing too long). */
  connectionDisabled: ConnectionDisabled | null;
  /**
   * True when a later attempt of the message was claimed while this one ran (its worker seemed
   * gone). The log row is written, but the message state is left to the later attempt.
   */
  superseded: boolean;
}

export interface AttemptInput {
  message: PushMessage;
  request: DeliveryRequest;
  result: AttemptResult;
  retryPolicy: RetryPolicyConfig;
  now: Date;
  random?: () => number;
  /** Fails the message for good with this reason instead of asking the retry policy, for a failure that every retry would repeat. */
  giveUpReason?: string;
  /** DOCPUSH_DISABLE_AFTER. Without it, only a 410 Gone response disables a failing connection. */
  disableAfterMs?: number;
}

/** Records one attempt in a transaction of its own; see writeAttempts. */
export async function recordAttempt(em: EntityManager, input: AttemptInput): Promise<AttemptRecord> {
  const [record] = await writeAttemptBatch(em, [input]);
  return record;
}

/**
 * Largest batch written as one statement. Its NOTIFY payload lists every push log id (up to 20
 * characters each), and PostgreSQL rejects payloads of 8000 bytes or more.
 */
const MAX_SINGLE_STATEMENT_BATCH = 300;

/**
 * Writes a batch of attempts atomically, as writeAttempts describes: as one statement when every
 * attempt succeeded, which is the common case of a busy worker and needs no transaction around
 * it, and otherwise in a transaction of its own.
 */
export async function writeAttemptBatch(em: EntityManager, inputs: AttemptInput[]): Promise<AttemptRecord[]> {
  if (inputs.length <= MAX_SINGLE_STATEMENT_BATCH && inputs.every((input) => isSuccess(input.result))) {
    return writeSucceededAttempts(em, inputs);
  }
  return em.transactional((tx) => writeAttempts(tx, inputs));
}

/**
 * Writes the log rows, message states and streak resets of successful attempts and sends their
 * NOTIFY in one prepared statement (data-modifying CTEs), in the payload format of
 * deliveryLogNotifications.
 */
async function writeSucceededAttempts(em: EntityManager, inputs: AttemptInput[]): Promise<AttemptRecord[]> {
  const decisions = inputs.map(decide);
  const connectionIds = [...new Set(inputs.map((input) => input.message.connection.id))].sort((a, b) => a - b);
  const params = [...logRowParams(inputs), ...messageStateParams(inputs, decisions), connectionIds, DELIVERY_LOG_CHANNEL];
  const rows = await executePrepared<{ kind: 'log' | 'written'; id: string; message_id: string | null; attempt: number | null }>(em, WRITE_SUCCEEDED_ATTEMPTS, params);

  const logIds = logIdsInInputOrder(inputs, rows.filter((row) => row.kind === 'log') as LogIdRow[]);
  const written = new Set(rows.filter((row) => row.kind === 'written').map((row) => row.id));
  return inputs.map((input, index) => ({
    logId: logIds[index],
    decision: decisions[index],
    retryAt: null,
    connectionDisabled: null,
    superseded: !written.has(input.message.id),
  }));
}

/**
 * Writes a batch of attempts again after their earlier write failed in a way that may have
 * committed, such as a connection that broke during the commit. Returns the records of the
 * earlier write when it has committed, as findWrittenAttempts reads them, and otherwise writes the
 * attempts as writeAttemptBatch does. An earlier write that is still committing has entries in
 * ATTEMPT_ROW_INDEX, so the insert here waits for it. When it commits, the insert fails with a
 * unique violation and the committed rows are read back. When it rolls back, the insert goes on.
 */
export async function writeAttemptBatchAgain(em: EntityManager, inputs: AttemptInput[]): Promise<AttemptRecord[]> {
  const committed = await findWrittenAttempts(em, inputs);
  if (committed !== null) return committed;
  try {
    return await writeAttemptBatch(em, inputs);
  } catch (error) {
    if (!isUniqueViolationOf(error, ATTEMPT_ROW_INDEX)) throw error;
    // A batch commits all of its rows or none, so a violation found the whole earlier write.
    const written = await findWrittenAttempts(em, inputs);
    if (written === null) throw error;
    return written;
  }
}

/**
 * Returns the records of attempts whose write has committed already, read from the rows that
 * write stored, or null when any of them has no push log row. A row counts when its time is the
 * attempt's `now`, which every write of the attempt stores, so the abandoned row of a takeover
 * does not count. A write whose connection failed during its commit may have committed, and
 * writing it again would log those attempts twice.
 *
 * The retry time is the message's stored `next_attempt_at`, not a second draw of its jitter. An
 * attempt counts as superseded unless its message row still has its attempt number and `now` as
 * its update time, and it disabled its connection when the connection's `disabled_at` is its `now`.
 *
 * NOTE: a message claimed again, resent or made due between the commit and this read has another
 * update time, so its attempt is reported as superseded, without a retry time.
 */
export async function findWrittenAttempts(em: EntityManager, inputs: AttemptInput[]): Promise<AttemptRecord[] | null> {
  const rows = await executeWithBindings<WrittenAttemptRow>(em, FIND_WRITTEN_ATTEMPTS_SQL, [
    inputs.map((input) => input.message.id),
    inputs.map((input) => input.message.attempts),
    inputs.map((input) => input.now.toISOString()),
  ]);
  const rowByAttempt = new Map(rows.map((row) => [`${row.message_id}:${row.attempt}`, row]));
  const found = inputs.map((input) => rowByAttempt.get(`${input.message.id}:${input.message.attempts}`));
  if (found.some((row) => row === undefined)) return null;

  const writtenRows = found as WrittenAttemptRow[];
  const decisions = inputs.map(decide);
  const disabled = findDisablingAttempts(inputs, decisions, writtenRows);
  return inputs.map((input, index) => {
    const row = writtenRows[index];
    const storedRetryAt = row.state_written && row.next_attempt_at !== null ? new Date(row.next_attempt_at) : null;
    return {
      logId: Number(row.id),
      decision: withStoredRetryTime(decisions[index], input.now, storedRetryAt),
      retryAt: storedRetryAt,
      connectionDisabled: disabled.get(index) ?? null,
      superseded: !row.state_written,
    };
  });
}

/** One attempt's push log row, with what its write stored in the message and connection rows. */
interface WrittenAttemptRow {
  id: string | number;
  message_id: string;
  attempt: number;
  /** Whether the write updated the message row, which then carries the attempt's number and time. */
  state_written: boolean;
  next_attempt_at: Date | string | null;
  connection_id: number;
  /** The connection's reason when a write at the attempt's time disabled it, else null. */
  disabled_reason: string | null;
}

/**
 * Selects the push log rows of attempts written at their `now`, from arrays of message ids,
 * attempt numbers and times, with the state of their message and connection rows. A message row
 * that was deleted joins as null, as its write found no row to update.
 */
const FIND_WRITTEN_ATTEMPTS_SQL = `select l.id, l.message_id, l.attempt, l.connection_id,
         coalesce(m.attempts = w.attempt and m.updated_at = w.created_at, false) as state_written,
         m.next_attempt_at,
         case when not c.enabled and c.disabled_at = w.created_at then c.disabled_reason end as disabled_reason
    from unnest(?::text[], ?::int[], ?::timestamptz[]) as w(message_id, attempt, created_at)
    join push_logs l on l.message_id = w.message_id and l.attempt = w.attempt and l.created_at = w.created_at
    join push_connections c on c.id = l.connection_id
    left join push_messages m on m.id = w.message_id`;

/** Puts the stored retry time into a retry decision, whose own time came from a jitter drawn again. */
function withStoredRetryTime(decision: AttemptRecord['decision'], now: Date, storedRetryAt: Date | null): AttemptRecord['decision'] {
  if (decision.kind !== 'retry' || storedRetryAt === null) return decision;
  return { kind: 'retry', retryAt: storedRetryAt, delayMs: storedRetryAt.getTime() - now.getTime() };
}

/**
 * Returns, by input index, the attempt that disabled each connection whose `disabled_at` is the
 * time of an attempt of the batch. A 410 Gone attempt did when the stored reason is its decision's
 * reason. Otherwise the first failed attempt at that time that reached the listener did, because
 * the rule for a failure streak gives one result for every attempt at one time.
 */
function findDisablingAttempts(inputs: AttemptInput[], decisions: Array<AttemptRecord['decision']>, rows: WrittenAttemptRow[]): Map<number, ConnectionDisabled> {
  const candidatesByConnection = new Map<number, number[]>();
  inputs.forEach((input, index) => {
    if (rows[index].disabled_reason === null || !sentSomething(input) || isSuccess(input.result)) return;
    const connectionId = rows[index].connection_id;
    candidatesByConnection.set(connectionId, [...(candidatesByConnection.get(connectionId) ?? []), index]);
  });

  const disabled = new Map<number, ConnectionDisabled>();
  for (const candidates of candidatesByConnection.values()) {
    const reason = rows[candidates[0]].disabled_reason!;
    const goneIndex = candidates.find((index) => {
      const decision = decisions[index];
      return decision.kind === 'disable_connection' && decision.reason === reason;
    });
    if (goneIndex !== undefined) disabled.set(goneIndex, { cause: 'gone', reason });
    else disabled.set(candidates[0], { cause: 'failing', reason });
  }
  return disabled;
}

/**
 * Sends the NOTIFY that streams the push log rows `logIds` to `deliveryLog` subscribers in every
 * process. Call it in the transaction that writes the rows, so PostgreSQL delivers it on commit.
 */
export async function notifyDeliveryLog(tx: EntityManager, logIds: readonly number[]): Promise<void> {
  for (const payload of deliveryLogNotifications(logIds)) {
    await executeWithBindings(tx, `select pg_notify(?, ?)`, [DELIVERY_LOG_CHANNEL, payload]);
  }
}

/**
 * Writes the push log rows of a batch of attempts, their messages' new states and their
 * connections' failure streaks, inside the caller's transaction, and notifies `deliveryLog`
 * subscribers in every process through PostgreSQL NOTIFY when it commits. An attempt that sent
 * nothing (a file failed to render, the message was too large) shows nothing about the listener,
 * so it leaves the failure streak alone. Returns one record per input, in input order.
 *
 * A message row is updated only while it is DELIVERING at this attempt's number. A later claim,
 * a resend, the sweeper or a stopping worker may have made the message due or taken it over in
 * the meantime, and a slow attempt then writes only its log row, not the message state.
 */
export async function writeAttempts(tx: EntityManager, inputs: AttemptInput[]): Promise<AttemptRecord[]> {
  const decisions = inputs.map(decide);
  const logIds = await insertLogRows(tx, inputs);
  const written = await writeMessageStates(tx, inputs, decisions);
  const disabled = await updateHealthOfBatch(tx, inputs, decisions);
  await notifyDeliveryLog(tx, logIds);
  return inputs.map((input, index) => {
    const decision = decisions[index];
    const retryScheduled = written.get(input.message.id);
    return {
      logId: logIds[index],
      decision,
      // A retry of a connection deleted during the attempt was cancelled instead, so none is due.
      retryAt: decision.kind === 'retry' && retryScheduled === true ? decision.retryAt : null,
      connectionDisabled: disabled.get(index) ?? null,
      superseded: retryScheduled === undefined,
    };
  });
}

function decide(input: AttemptInput): AttemptRecord['decision'] {
  const { message, result } = input;
  if (isSuccess(result)) return { kind: 'succeeded' };
  if (input.giveUpReason !== undefined) return { kind: 'give_up', reason: input.giveUpReason };
  return decideRetry({
    attempt: message.attempts,
    statusCode: result.statusCode === 0 ? null : result.statusCode,
    retryAfter: result.responseHeaders['retry-after'],
    timedOut: result.errorKind === 'timeout',
    now: input.now,
    random: input.random ?? Math.random,
    config: input.retryPolicy,
  });
}

function isSuccess(result: AttemptResult): boolean {
  return result.statusCode >= 200 && result.statusCode < 300;
}

/** Appended to the error of a message whose connection was deleted while its attempt ran. */
const CANCELLED_NOTE = 'Push connection was deleted, so no retry follows.';

/** The columns that an attempt write fills: every push_logs column but the generated id. */
const LOG_COLUMNS = PUSH_LOG_COLUMNS.filter((column) => column !== 'id');

/** Inserts one push log row per attempt with one statement; returns their ids in input order. */
async function insertLogRows(tx: EntityManager, inputs: AttemptInput[]): Promise<number[]> {
  return logIdsInInputOrder(inputs, await executeWithBindings<LogIdRow>(tx, INSERT_LOG_ROWS_SQL, logRowParams(inputs)));
}

interface LogIdRow {
  id: string | number;
  message_id: string;
  attempt: number;
}

/**
 * Inserts push log rows from one JSON array of row objects (the parameter of logRowParams), so
 * the statement's text is the same for every batch size and can be prepared. JSON costs less to
 * build than PostgreSQL array literals, which node-postgres escapes character by character, and
 * request bodies are the largest values. Returns `id, message_id, attempt` per row.
 */
const INSERT_LOG_ROWS_SQL = `insert into push_logs (${LOG_COLUMNS.join(', ')})
  select ${LOG_COLUMNS.join(', ')}
    from json_to_recordset(?::json) as v(
           workspace_id int, connection_id int, connection_name text, event_id int, event_type document_record_event_type,
           message_id text, attempt int, request_url text, request_headers jsonb, request_body text, response_code int,
           response_headers jsonb, response_body text, response_body_encoding text, response_body_truncated boolean,
           response_body_incomplete boolean, response_error text, duration_ms int, outcome delivery_outcome, is_test boolean, created_at timestamptz)
  returning id, message_id, attempt`;

/** Returns the parameter of INSERT_LOG_ROWS_SQL: the attempts' push log rows as one JSON array. */
function logRowParams(inputs: AttemptInput[]): [string] {
  const rows = inputs.map((input) => {
    const row = buildLogRow(input.message, input.request, input.result, isSuccess(input.result));
    return {
      workspace_id: row.workspaceId,
      connection_id: row.connectionId,
      connection_name: row.connectionName,
      event_id: row.eventId,
      event_type: row.eventType,
      message_id: row.messageId,
      attempt: row.attempt,
      request_url: row.requestUrl,
      request_headers: row.requestHeaders,
      request_body: row.requestBody,
      response_code: row.responseCode,
      response_headers: row.responseHeaders,
      response_body: row.responseBody,
      response_body_encoding: row.responseBodyEncoding,
      response_body_truncated: row.responseBodyTruncated,
      response_body_incomplete: row.responseBodyIncomplete,
      response_error: row.responseError,
      duration_ms: row.durationMs,
      outcome: row.outcome,
      is_test: row.isTest,
      created_at: input.now.toISOString(),
    };
  });
  return [JSON.stringify(rows)];
}

function logIdsInInputOrder(inputs: AttemptInput[], rows: LogIdRow[]): number[] {
  const idByAttempt = new Map(rows.map((row) => [`${row.message_id}:${row.attempt}`, Number(row.id)]));
  return inputs.map((input) => idByAttempt.get(`${input.message.id}:${input.message.attempts}`)!);
}

/**
 * Writes each message's state unless a later attempt was claimed since. Returns, by the id of
 * each message it wrote, whether the message now waits for a retry.
 */
async function writeMessageStates(tx: EntityManager, inputs: AttemptInput[], decisions: Array<AttemptRecord['decision']>): Promise<Map<string, boolean>> {
  const sql = `with locked as materialized (${LOCK_MESSAGES_SQL}) ${UPDATE_MESSAGE_STATES_SQL}`;
  const rows = await executeWithBindings<{ id: string; retry_scheduled: boolean }>(tx, sql, messageStateParams(inputs, decisions));
  return new Map(rows.map((row) => [row.id, row.retry_scheduled]));
}

/**
 * Locks the message rows of the attempts in ascending id order, as every statement that updates
 * several push_messages rows does, so that none of them can deadlock with this one. An update
 * alone would lock the rows in the order its plan meets them. Returns each row's state as locked
 * and its new values, taken from one array per column (the parameters of messageStateParams,
 * but the last).
 *
 * Rows are matched on id and attempt only, so a row at this attempt that is no longer
 * DELIVERING is locked too and only the update skips it. Checking the state here let the
 * planner drive the join from an index on state, and the prepared statement's generic plan then
 * read the arrays once per DELIVERING row.
 */
const LOCK_MESSAGES_SQL = `select m.id, m.state as locked_state, v.state, v.next_attempt_at, v.last_response_code, v.last_error, v.updated_at
       from unnest(?::text[], ?::int[], ?::text[], ?::timestamptz[], ?::int[], ?::text[], ?::timestamptz[])
            as v(id, attempts, state, next_attempt_at, last_response_code, last_error, updated_at)
       join push_messages m on m.id = v.id and m.attempts = v.attempts
      order by m.id
      for no key update of m`;

/**
 * Updates the states of the rows in the CTE `locked` (LOCK_MESSAGES_SQL) that are still
 * DELIVERING, returning the id of each row it wrote and whether that message waits for a retry.
 * A retry of a connection deleted during the attempt is cancelled instead, as the deletion
 * cancelled the connection's other unfinished messages, and the cancellation note follows the
 * error as a sentence of its own. Binds the note.
 * chr(63) is the question mark, which the statement cannot contain because it marks parameters.
 */
const UPDATE_MESSAGE_STATES_SQL = `update push_messages m
        set state = case when c.deleted_at is not null and l.state = 'RETRY_SCHEDULED' then 'CANCELLED' else l.state end::push_message_state,
            next_attempt_at = case when c.deleted_at is not null then null else l.next_attempt_at end,
            last_response_code = l.last_response_code,
            last_error = case when c.deleted_at is not null and l.state = 'RETRY_SCHEDULED'
                              then concat_ws(' ', case when right(l.last_error, 1) in ('.', '!', chr(63)) then l.last_error
                                                       else nullif(l.last_error, '') || '.' end, ?::text)
                              else l.last_error end,
            updated_at = l.updated_at
       from locked l, push_connections c
      where m.id = l.id and l.locked_state = 'DELIVERING' and c.id = m.connection_id
     returning m.id, m.next_attempt_at is not null as retry_scheduled`;

/** Returns the parameters of LOCK_MESSAGES_SQL and UPDATE_MESSAGE_STATES_SQL: one array per column, then the cancellation note. */
function messageStateParams(inputs: AttemptInput[], decisions: Array<AttemptRecord['decision']>): unknown[] {
  const columns: unknown[][] = [[], [], [], [], [], [], []];
  inputs.forEach((input, index) => {
    const state = stateAfter(decisions[index], input.result, loggedError(input.result, input.request));
    const values = [input.message.id, input.message.attempts, state.state, state.nextAttemptAt, state.lastResponseCode, state.lastError, input.now];
    values.forEach((value, column) => columns[column].push(value));
  });
  return [...columns, CANCELLED_NOTE];
}

/**
 * Updates the failure streak of each connection in the batch as writing its attempts one by one,
 * in batch order, would. The last success resets the streak, the first failure after it starts a
 * new one, and the last failure checks the disable rule. A 410 Gone disables the connection
 * wherever it is in the batch. Returns, by input index, the attempts that disabled their connection.
 */
async function updateHealthOfBatch(
  tx: EntityManager,
  inputs: AttemptInput[],
  decisions: Array<AttemptRecord['decision']>,
): Promise<Map<number, ConnectionDisabled>> {
  const disabled = new Map<number, ConnectionDisabled>();
  // Connections in ascending id order, so two batches lock their rows in the same order and cannot deadlock.
  const byConnection = [...sentAttemptsByConnection(inputs).entries()].sort(([a], [b]) => a - b);
  const deciding = byConnection.map(([, indexes]) => streakDecidingAttempts(indexes, inputs, decisions));
  if (deciding.every((indexes) => indexes.every((index) => isSuccess(inputs[index].result)))) {
    await resetFailureStreaks(tx, byConnection.map(([connectionId]) => connectionId));
    return disabled;
  }

  for (const indexes of deciding) {
    for (const index of indexes) {
      const input = inputs[index];
      const decision = decisions[index];
      const outcome = await updateConnectionHealth(tx, {
        connectionId: input.message.connection.id,
        succeeded: isSuccess(input.result),
        goneReason: decision.kind === 'disable_connection' ? decision.reason : null,
        disableAfterMs: input.disableAfterMs ?? Number.POSITIVE_INFINITY,
        now: input.now,
      });
      if (outcome) disabled.set(index, outcome);
    }
  }
  return disabled;
}

/**
 * Ends the failure streak of every connection in `connectionIds` with one statement, as a
 * success does one by one. Only rows with a streak are locked, in ascending id order, and in the
 * mode that the update itself takes. FOR UPDATE would also wait for every open transaction that
 * inserted messages of the connection, because their foreign key checks lock its row FOR KEY SHARE.
 */
async function resetFailureStreaks(tx: EntityManager, connectionIds: number[]): Promise<void> {
  if (connectionIds.length === 0) return;
  await executeWithBindings(tx, RESET_STREAKS_SQL, [connectionIds]);
}

/** Ends the failure streaks of the connections whose ids are bound as an int array. */
const RESET_STREAKS_SQL = `update push_connections c set failing_since = null
       from (select id from push_connections where id = any(?::int[]) and failing_since is not null order by id for no key update) failing
      where c.id = failing.id`;

/**
 * The single statement of writeSucceededAttempts. Its CTE `notified` runs because the final
 * select reads it. PostgreSQL (15) runs `reset`, which nothing reads, after the main query has
 * read the others, so the statement locks the message rows before the connection rows, as the
 * transaction of writeAttempts does.
 */
const WRITE_SUCCEEDED_ATTEMPTS: PreparedStatement = {
  name: 'docpush_write_succeeded_attempts',
  text: numberPlaceholders(`with logs as (${INSERT_LOG_ROWS_SQL}),
          locked as materialized (${LOCK_MESSAGES_SQL}),
          written as (${UPDATE_MESSAGE_STATES_SQL}),
          reset as (${RESET_STREAKS_SQL} returning c.id),
          notified as (
            select pg_notify(?, '{"ids":[' || string_agg(id::text, ',' order by id) || ']}') from logs
          )
     select 'log' as kind, id::text as id, message_id, attempt from logs
     union all select 'written', id, null, null from written
     union all select 'notified', null, null, null from notified`),
};

/** Groups the indexes of attempts that reached the listener by connection, in batch order. */
function sentAttemptsByConnection(inputs: AttemptInput[]): Map<number, number[]> {
  const byConnection = new Map<number, number[]>();
  inputs.forEach((input, index) => {
    if (!sentSomething(input)) return;
    const connectionId = input.message.connection.id;
    byConnection.set(connectionId, [...(byConnection.get(connectionId) ?? []), index]);
  });
  return byConnection;
}

/** Returns whether the attempt reached the listener or tried to, so that it counts for the connection's failure streak. */
function sentSomething(input: AttemptInput): boolean {
  return input.result.statusCode !== 0 || input.result.errorKind !== null;
}

/** Picks, in batch order, the attempts of one connection whose health update changes the outcome. */
function streakDecidingAttempts(indexes: number[], inputs: AttemptInput[], decisions: Array<AttemptRecord['decision']>): number[] {
  let lastSuccess = -1;
  indexes.forEach((index, position) => {
    if (isSuccess(inputs[index].result)) lastSuccess = position;
  });
  const failuresAfter = indexes.slice(lastSuccess + 1);
  const chosen = new Set<number>(indexes.filter((index) => decisions[index].kind === 'disable_connection'));
  if (lastSuccess >= 0) chosen.add(indexes[lastSuccess]);
  if (failuresAfter.length > 0) {
    chosen.add(failuresAfter[0]);
    chosen.add(failuresAfter[failuresAfter.length - 1]);
  }
  return [...chosen].sort((a, b) => a - b);
}

/**
 * Builds the push log row of an attempt as plain values. The response error stays empty on 2xx,
 * so it names the custom headers left out of the request only when the attempt failed. The
 * pipeline logs them as a warning either way.
 */
function buildLogRow(message: PushMessage, request: DeliveryRequest, result: AttemptResult, succeeded: boolean) {
  return {
    workspaceId: message.workspace.id,
    connectionId: message.connection.id,
    connectionName: message.connection.name,
    eventId: message.event.id,
    eventType: message.event.type,
    messageId: message.id,
    attempt: message.attempts,
    requestUrl: request.url,
    requestHeaders: request.loggedHeaders,
    requestBody: request.loggedBody,
    responseCode: result.statusCode,
    responseHeaders: redactResponseHeaders(result.responseHeaders, request.secretHeaderValues),
    responseBody: redactResponseBody(result, request),
    responseBodyEncoding: result.responseBodyEncoding,
    responseBodyTruncated: result.responseBodyTruncated,
    responseBodyIncomplete: result.responseBodyIncomplete,
    responseError: succeeded ? '' : joinSentences(loggedError(result, request) ?? `HTTP ${result.statusCode}`, describeDroppedHeaders(request.droppedHeaders)),
    durationMs: Math.round(result.durationMs),
    outcome: succeeded ? DeliveryOutcome.SUCCEEDED : DeliveryOutcome.FAILED,
    isTest: message.isTest,
  };
}

/** Returns the response body with the file data and secret header values that the listener echoed replaced, in the body's encoding. */
function redactResponseBody(result: AttemptResult, request: DeliveryRequest): string {
  if (result.responseBodyEncoding === 'base64') {
    const withoutFiles = redactEchoedFileDataInBase64(result.responseBody, request.fileDataAnchors, isCut(result));
    return redactEchoedSecretsInBase64(withoutFiles, request.secretHeaderValues);
  }
  const withoutFiles = redactEchoedFileData(result.responseBody, request.fileDataAnchors, isCut(result));
  return redactEchoedSecrets(withoutFiles, request.secretHeaderValues);
}

/** Returns the response headers with the secret header values that the listener echoed masked. */
function redactResponseHeaders(headers: Record<string, string>, secretHeaderValues: readonly string[]): Record<string, string> {
  if (secretHeaderValues.length === 0) return headers;
  // Without a prototype, a header named __proto__ stays a key, as in the sender's copy.
  const redacted: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(headers)) redacted[name] = redactEchoedSecrets(value, secretHeaderValues);
  return redacted;
}

/** Returns whether the response body ends at an arbitrary byte, possibly inside echoed file data. */
function isCut(result: AttemptResult): boolean {
  return result.responseBodyTruncated || result.responseBodyIncomplete;
}

type MessageState = Pick<PushMessage, 'state' | 'nextAttemptAt' | 'lastResponseCode' | 'lastError'>;

/** Returns the attempt's error with each secret header value that it quotes masked, such as one in a redirect's Location. */
export function loggedError(result: AttemptResult, request: DeliveryRequest): string | null {
  return result.error === null ? null : redactEchoedSecrets(result.error, request.secretHeaderValues);
}

function stateAfter(decision: AttemptRecord['decision'], result: AttemptResult, error: string | null): MessageState {
  const recorded = { lastResponseCode: result.statusCode, lastError: error };
  switch (decision.kind) {
    case 'succeeded':
      // A 2xx whose body broke off or outlasted the time-out keeps that error in the result, but the
      // message's lastError is null after a success, as the push log's responseError is empty. The
      // push log marks such a body with responseBodyIncomplete instead.
      return { ...recorded, state: PushMessageState.SUCCEEDED, nextAttemptAt: null, lastError: null };
    case 'retry':
      return { ...recorded, state: PushMessageState.RETRY_SCHEDULED, nextAttemptAt: decision.retryAt };
    case 'give_up':
    case 'disable_connection':
      return { ...recorded, state: PushMessageState.FAILED, nextAttemptAt: null, lastError: joinSentences(error ?? '', decision.reason) };
  }
}

/** Joins two messages as sentences, adding the full stop the first one may lack; either may be empty. */
function joinSentences(first: string, second: string): string {
  if (!second) return first;
  if (!first) return second;
  return `${/[.!?]$/.test(first) ? first : `${first}.`} ${second}`;
}
