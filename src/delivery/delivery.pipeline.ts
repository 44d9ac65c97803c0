import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../common/logger';
import type { SecretBox } from '../security/secret-box';
import type { DeliveryQueue } from './delivery-queue';
import type { AttemptResult } from './http-sender';
import type { RetryPolicyConfig } from './retry-policy';
import { claimMessage } from './steps/claim-message.step';
import { buildPayload, buildRequest, type DeliveryRequest } from './steps/build-request.step';
import { recordAttempt, type AttemptRecord } from './steps/record-attempt.step';

/** What the pipeline needs from the process; it knows nothing of GraphQL or Agenda. */
export interface DeliveryDeps {
  orm: MikroORM;
  secretBox: SecretBox;
  queue: DeliveryQueue;
  logger: Logger;
  retryPolicy: RetryPolicyConfig;
  /** A DELIVERING message untouched for this long was left by a crashed worker. */
  staleAfterMs: number;
  send(request: DeliveryRequest): Promise<AttemptResult>;
  now?: () => Date;
}

export type DeliveryOutcomeSummary = { kind: 'skipped'; reason: string } | ({ kind: 'attempted' } & AttemptRecord);

/**
 * Delivers one attempt of a push message: claim it, build and sign the request, send it,
 * record the attempt, and schedule the next one when the retry policy asks for it.
 */
export async function deliverMessage(messageId: string, deps: DeliveryDeps, options: { force?: boolean } = {}): Promise<DeliveryOutcomeSummary> {
  const now = deps.now ?? (() => new Date());
  const em = deps.orm.em.fork();

  const claim = await claimMessage(em, messageId, { force: options.force ?? false, staleAfterMs: deps.staleAfterMs, now: now() });
  if (claim.kind === 'skipped') {
    deps.logger.debug({ messageId, reason: claim.reason }, 'delivery skipped');
    return claim;
  }
  const { message } = claim;
  const ids = { messageId, connectionId: message.connection.id, workspaceId: message.workspace.id, attempt: message.attempts };

  const payload = buildPayload(message);
  const request = buildRequest(message, payload, deps.secretBox, now());
  const result = await deps.send(request);
  const record = await recordAttempt(em, { message, request, result, retryPolicy: deps.retryPolicy, now: now() });

  logAttempt(deps.logger, ids, result, record);
  if (record.retryAt) await deps.queue.enqueue([messageId], record.retryAt);
  return { kind: 'attempted', ...record };
}

function logAttempt(logger: Logger, ids: Record<string, unknown>, result: AttemptResult, record: AttemptRecord): void {
  const fields = { ...ids, statusCode: result.statusCode, durationMs: Math.round(result.durationMs) };
  switch (record.decision.kind) {
    case 'succeeded':
      logger.debug(fields, 'delivery succeeded');
      break;
    case 'retry':
      logger.warn({ ...fields, error: result.error, retryAt: record.retryAt }, 'delivery failed; retry scheduled');
      break;
    case 'give_up':
      logger.warn({ ...fields, error: result.error, reason: record.decision.reason }, 'delivery failed for good');
      break;
    case 'disable_connection':
      logger.warn({ ...fields, reason: record.decision.reason }, 'push connection disabled by the listener');
      break;
  }
}
