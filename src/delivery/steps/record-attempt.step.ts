import type { EntityManager } from '@mikro-orm/postgresql';
import { PushMessage, PushMessageState } from '../push-message.entity';
import { DeliveryOutcome, PushLog } from '../push-log.entity';
import type { DeliveryRequest } from './build-request.step';
import type { AttemptResult } from '../http-sender';
import { decideRetry, type RetryDecision, type RetryPolicyConfig } from '../retry-policy';
import { DELIVERY_LOG_CHANNEL } from '../delivery-log.feed';
import { updateConnectionHealth, type ConnectionDisabled } from './connection-health.step';

export interface AttemptRecord {
  log: PushLog;
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

/**
 * Writes the push log row, the message's new state and the connection's failure streak in one
 * transaction, and notifies `deliveryLog` subscribers in every process through PostgreSQL NOTIFY
 * when it commits. An attempt that sent nothing (a file failed to render, the message was too
 * large) shows nothing about the listener, so it leaves the failure streak alone.
 *
 * The message row is updated with SQL, not through the loaded entity, and only while its
 * attempt count is still this attempt's number. A slow attempt whose message the sweeper or a
 * resend has meanwhile taken over thus cannot overwrite the newer attempt's state, and every
 * column is written even where the loaded entity already held the same value.
 */
export async function recordAttempt(
  em: EntityManager,
  input: {
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
  },
): Promise<AttemptRecord> {
  const { message, result } = input;
  const succeeded = result.statusCode >= 200 && result.statusCode < 300;
  const decision: AttemptRecord['decision'] = succeeded
    ? { kind: 'succeeded' }
    : input.giveUpReason !== undefined
      ? { kind: 'give_up', reason: input.giveUpReason }
      : decideRetry({
          attempt: message.attempts,
          statusCode: result.statusCode === 0 ? null : result.statusCode,
          retryAfter: result.responseHeaders['retry-after'],
          timedOut: result.errorKind === 'timeout',
          now: input.now,
          random: input.random ?? Math.random,
          config: input.retryPolicy,
        });

  return em.transactional(async (tx) => {
    const log = tx.create(PushLog, buildLogRow(message, input.request, result, succeeded));
    await tx.flush();
    const superseded = !(await writeMessageState(tx, message, stateAfter(decision, result), input.now));
    const sentSomething = result.statusCode !== 0 || result.errorKind !== null;
    const connectionDisabled = sentSomething
      ? await updateConnectionHealth(tx, {
          connectionId: message.connection.id,
          workspaceId: message.workspace.id,
          succeeded,
          goneReason: decision.kind === 'disable_connection' ? decision.reason : null,
          disableAfterMs: input.disableAfterMs ?? Number.POSITIVE_INFINITY,
          now: input.now,
        })
      : null;
    await tx.execute(`select pg_notify(?, ?)`, [DELIVERY_LOG_CHANNEL, JSON.stringify({ id: log.id, workspaceId: message.workspace.id })]);
    const retryAt = decision.kind === 'retry' && !superseded ? decision.retryAt : null;
    return { log, decision, retryAt, connectionDisabled, superseded };
  });
}

function buildLogRow(message: PushMessage, request: DeliveryRequest, result: AttemptResult, succeeded: boolean) {
  const dropped =
    request.droppedHeaders.length > 0
      ? `Headers not sent because their value contained a line break or another control character: ${request.droppedHeaders.join(', ')}.`
      : '';
  return {
    workspace: message.workspace,
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
    responseHeaders: result.responseHeaders,
    responseBody: result.responseBody,
    responseBodyEncoding: result.responseBodyEncoding,
    responseBodyTruncated: result.responseBodyTruncated,
    responseError: succeeded ? dropped : joinSentences(result.error ?? `HTTP ${result.statusCode}`, dropped),
    durationMs: Math.round(result.durationMs),
    outcome: succeeded ? DeliveryOutcome.SUCCEEDED : DeliveryOutcome.FAILED,
    isTest: message.isTest,
  };
}

type MessageState = Pick<PushMessage, 'state' | 'nextAttemptAt' | 'lastResponseCode' | 'lastError'>;

function stateAfter(decision: AttemptRecord['decision'], result: AttemptResult): MessageState {
  const recorded = { lastResponseCode: result.statusCode, lastError: result.error };
  switch (decision.kind) {
    case 'succeeded':
      return { ...recorded, state: PushMessageState.SUCCEEDED, nextAttemptAt: null };
    case 'retry':
      return { ...recorded, state: PushMessageState.RETRY_SCHEDULED, nextAttemptAt: decision.retryAt };
    case 'give_up':
    case 'disable_connection':
      return { ...recorded, state: PushMessageState.FAILED, nextAttemptAt: null, lastError: `${result.error ?? ''} ${decision.reason}`.trim() };
  }
}

/** Writes the state unless a later attempt was claimed since; returns whether it wrote. */
async function writeMessageState(tx: EntityManager, message: PushMessage, state: MessageState, now: Date): Promise<boolean> {
  const written: Array<{ id: string }> = await tx.execute(
    `update push_messages set state = ?::push_message_state, next_attempt_at = ?, last_response_code = ?, last_error = ?, updated_at = ?
      where id = ? and attempts = ? returning id`,
    [state.state, state.nextAttemptAt, state.lastResponseCode, state.lastError, now, message.id, message.attempts],
  );
  return written.length > 0;
}

/** Joins two messages as sentences, adding the full stop the first one may lack. */
function joinSentences(first: string, second: string): string {
  if (!second) return first;
  return `${/[.!?]$/.test(first) ? first : `${first}.`} ${second}`;
}
