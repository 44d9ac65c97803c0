import type { EntityManager } from '@mikro-orm/postgresql';
import { executeWithBindings } from '../../database/raw-sql';
import { DeliveryOutcome } from '../push-log.entity';
import type { PushMessage } from '../push-message.entity';
import { requestUrlOf } from './build-request.step';
import { notifyDeliveryLog } from './record-attempt.step';
import { ABANDONED_NOTE } from './claim-batch.step';
import { withStatementTimeout } from '../../database/statement-timeout';
import { serializeTargetUrl } from '../../security/target-guard';

/**
 * Returns the claimed messages whose previous attempt was abandoned: a claim took the message
 * over from a worker that seemed gone, or the sweeper made it due again with that attempt
 * counted. The sweeper also moves such a message of a disabled connection to wait, and logs the
 * attempt then. Each of these sets `lastError` to ABANDONED_NOTE, and only the end of a later
 * attempt replaces it. A release of a never-started claim leaves `lastError` as it was, so it marks
 * nothing by itself. Neither does a stopping worker's release (RELEASED_AT_STOP_NOTE), because
 * that worker writes the attempt's own row.
 */
export function withAbandonedAttempt(messages: readonly PushMessage[]): PushMessage[] {
  return messages.filter((message) => message.lastError === ABANDONED_NOTE && message.attempts > 1);
}

/** Returns the time-out of the abandoned-attempt write for claims that go stale after `staleAfterMs`: a quarter of it. */
export function abandonedWriteTimeoutMs(staleAfterMs: number): number {
  return Math.max(1, Math.floor(staleAfterMs / 4));
}

/**
 * Writes a push log row for the abandoned previous attempt of each claimed message that
 * withAbandonedAttempt selects, and notifies `deliveryLog` subscribers of the rows when they
 * commit, as the attempt writer does. Call it after the claim and before the new attempt
 * starts, so the abandoned attempt's row comes first. Returns the ids of the rows written.
 *
 * The row has response code 0, outcome FAILED and ABANDONED_NOTE as its error, because nothing
 * shows whether the request reached the listener. Its duration is 0 and its request and
 * response bodies are empty, since the attempt's request was never stored. No row is written
 * for an attempt that already has one, such as a slow attempt that wrote its row after a claim
 * had taken its message over, or one that the sweeper logged while the connection was disabled.
 * The rows leave the connection's failure streak alone, because a worker that stopped is no
 * failure of the listener.
 *
 * Each statement may take up to `timeoutMs`, which callers keep well below the stale period of a
 * claim, so the claimed messages cannot go stale while the write waits.
 *
 * NOTE: an attempt taken over while it still ran writes its own row after this one, so that
 * attempt has two rows. Its worker renews the claim while the attempt runs (ClaimRenewer). This
 * therefore happens only when the renewals stop for about half the stale period. Causes are a
 * long synchronous task that blocks the worker's event loop, a database out of reach, or worker
 * clocks that differ by that much. A crash between the claim and this write, or a write that
 * times out, loses the row, because the next claim marks only the attempt it takes over.
 */
export async function recordAbandonedAttempts(em: EntityManager, messages: readonly PushMessage[], now: Date, timeoutMs: number): Promise<number[]> {
  const abandoned = withAbandonedAttempt(messages);
  if (abandoned.length === 0) return [];

  const rows: AbandonedAttemptRow[] = abandoned.map((message) => ({
    workspace_id: message.workspace.id,
    connection_id: message.connection.id,
    connection_name: message.connection.name,
    event_id: message.event.id,
    event_type: message.event.type,
    message_id: message.id,
    attempt: message.attempts - 1,
    request_url: requestUrlOf(message.connection),
    is_test: message.isTest,
  }));
  // The new attempts wait for this write. Waiting until their claims went stale would let another
  // worker take the messages over and send them again, so a stalled write gives up instead.
  return withStatementTimeout(em, timeoutMs, (tx) => insertAbandonedRows(tx, rows, now));
}

/** Push log columns of one abandoned attempt, in the shape that INSERT_ABANDONED_ROWS_SQL reads. */
interface AbandonedAttemptRow {
  workspace_id: number;
  connection_id: number;
  connection_name: string;
  event_id: number;
  event_type: string;
  message_id: string;
  attempt: number;
  request_url: string;
  is_test: boolean;
}

/**
 * The last attempt of a message that a statement took out of the claims' reach: a cancellation,
 * or a sweep that moved a stale DELIVERING message of a disabled connection to wait for the
 * connection. selectLastAttempts returns rows of this shape.
 */
export interface LastAttempt {
  message_id: string;
  /** The message's attempt count, which is the number of its last attempt, since the statement claimed no new one. */
  attempt: number;
  workspace_id: number;
  connection_id: number;
  connection_name: string;
  connection_url: string;
  event_id: number;
  event_type: string;
  is_test: boolean;
  /** Whether that last attempt was abandoned by a worker that stopped, so that it has no push log row of its own. */
  abandoned: boolean;
}

/**
 * Returns the select that reads the last attempts of the messages in `source`, a CTE whose rows
 * have the message columns `id`, `attempts`, `workspace_id`, `connection_id`, `event_id` and
 * `is_test`, and a boolean `abandoned`. Each row has the shape of LastAttempt.
 */
export function selectLastAttempts(source: string): string {
  return `select x.id as message_id, x.attempts as attempt, x.workspace_id, x.connection_id, c.name as connection_name,
                 c.url as connection_url, x.event_id, e.type::text as event_type, x.is_test, x.abandoned
            from ${source} x
            join push_connections c on c.id = x.connection_id
            join document_record_events e on e.id = x.event_id`;
}

/**
 * Writes, inside the caller's transaction, the push log rows of the abandoned ones among
 * `lastAttempts`, and notifies `deliveryLog` subscribers of them when it commits. No claim takes
 * a cancelled message again, so no later claim would log these attempts. A message of a disabled
 * connection is claimed again only once the connection is enabled, which may be never. The rows
 * are those of recordAbandonedAttempts, and an attempt that has a row already gets none. Returns
 * the ids of the rows written.
 */
export async function recordAbandonedLastAttempts(tx: EntityManager, lastAttempts: readonly LastAttempt[], now: Date): Promise<number[]> {
  const rows: AbandonedAttemptRow[] = lastAttempts
    .filter((message) => message.abandoned && message.attempt >= 1)
    .map((message) => ({
      workspace_id: message.workspace_id,
      connection_id: message.connection_id,
      connection_name: message.connection_name,
      event_id: message.event_id,
      event_type: message.event_type,
      message_id: message.message_id,
      attempt: message.attempt,
      request_url: serializeTargetUrl(message.connection_url),
      is_test: message.is_test,
    }));
  if (rows.length === 0) return [];
  return insertAbandonedRows(tx, rows, now);
}

/** Inserts the rows that have none yet and notifies `deliveryLog` subscribers of them on commit; returns their ids. */
async function insertAbandonedRows(tx: EntityManager, rows: AbandonedAttemptRow[], now: Date): Promise<number[]> {
  const inserted = await executeWithBindings<{ id: string | number }>(tx, INSERT_ABANDONED_ROWS_SQL, [
    ABANDONED_NOTE,
    DeliveryOutcome.FAILED,
    now,
    JSON.stringify(rows),
  ]);
  const ids = inserted.map((row) => Number(row.id));
  await notifyDeliveryLog(tx, ids);
  return ids;
}

/**
 * Inserts the push log rows of abandoned attempts from one JSON array of row objects, skipping
 * each (message_id, attempt) that has a row already. Binds the error, the outcome, the time and
 * the array. The rows are inserted in message id order, so their ids follow it. Each row's time is
 * one microsecond after the bound time. An attempt's own write stores a JavaScript time, which is
 * a whole millisecond. Its row thus never has the key (message_id, attempt, created_at) of an
 * abandoned row, and the read-back after a lost commit never mistakes one for the other. ON
 * CONFLICT skips a row that a concurrent takeover of the same attempt has written.
 */
const INSERT_ABANDONED_ROWS_SQL = `insert into push_logs (workspace_id, connection_id, connection_name, event_id, event_type, message_id, attempt,
                       request_url, request_headers, request_body, response_code, response_headers, response_body,
                       response_body_encoding, response_body_truncated, response_error, duration_ms, outcome, is_test, created_at)
  select v.workspace_id, v.connection_id, v.connection_name, v.event_id, v.event_type, v.message_id, v.attempt,
         v.request_url, '{}'::jsonb, '', 0, '{}'::jsonb, '',
         'utf8', false, ?::text, 0, ?::delivery_outcome, v.is_test, ?::timestamptz + interval '1 microsecond'
    from json_to_recordset(?::json) as v(
           workspace_id int, connection_id int, connection_name text, event_id int, event_type document_record_event_type,
           message_id text, attempt int, request_url text, is_test boolean)
   where not exists (select 1 from push_logs l where l.message_id = v.message_id and l.attempt = v.attempt)
   order by v.message_id
      on conflict (message_id, attempt, created_at) do nothing
  returning id`;
