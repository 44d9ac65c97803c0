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
}

/**
 * Writes the push log row, the message's new state and the connection's failure streak in one
 * transaction, and notifies `deliveryLog` subscribers in every process through PostgreSQL NOTIFY
 * when it commits. An attempt that sent nothing (a file failed to render, the message was too
 * large) says nothing about the listener, so it leaves the failure streak alone.
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
    /** DOCPUSH_DISABLE_AFTER; without it a failing connection is disabled only by a 410 Gone answer. */
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
    applyDecision(message, decision, result);
    await tx.flush();
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
    return { log, decision, retryAt: decision.kind === 'retry' ? decision.retryAt : null, connectionDisabled };
  });
}

function buildLogRow(message: PushMessage, request: DeliveryRequest, result: AttemptResult, succeeded: boolean) {
  const dropped = request.droppedHeaders.length > 0 ? ` Headers not sent because their value contained a line break: ${request.droppedHeaders.join(', ')}.` : '';
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
    responseError: succeeded ? dropped.trim() : `${result.error ?? `HTTP ${result.statusCode}`}${dropped}`,
    durationMs: Math.round(result.durationMs),
    outcome: succeeded ? DeliveryOutcome.SUCCEEDED : DeliveryOutcome.FAILED,
    isTest: message.isTest,
  };
}

function applyDecision(message: PushMessage, decision: AttemptRecord['decision'], result: AttemptResult): void {
  message.lastResponseCode = result.statusCode;
  message.lastError = result.error;
  switch (decision.kind) {
    case 'succeeded':
      message.state = PushMessageState.SUCCEEDED;
      message.nextAttemptAt = null;
      break;
    case 'retry':
      message.state = PushMessageState.RETRY_SCHEDULED;
      message.nextAttemptAt = decision.retryAt;
      break;
    case 'give_up':
    case 'disable_connection':
      message.state = PushMessageState.FAILED;
      message.nextAttemptAt = null;
      message.lastError = `${result.error ?? ''} ${decision.reason}`.trim();
      break;
  }
}
