import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../common/logger';
import { redactUrl, redactUrlsInText } from '../common/redact-url';
import { SecretBoxError, type SecretBox } from '../security/secret-box';
import type { DeliveryQueue } from './delivery-queue';
import type { AttemptResult } from './http-sender';
import type { RetryPolicyConfig } from './retry-policy';
import type { DeliveryMetrics } from '../observability/metrics';
import { claimMessage } from './steps/claim-message.step';
import { buildPayload, buildRequest, type DeliveryRequest } from './steps/build-request.step';
import { loggedError, recordAttempt, type AttemptRecord } from './steps/record-attempt.step';
import { attachFiles, recordNotSentAttempt } from './steps/attach-files.step';
import { deferBusyMessage } from './steps/defer-busy.step';
import { abandonedWriteTimeoutMs, recordAbandonedAttempts } from './steps/record-abandoned.step';
import type { PushMessage } from './push-message.entity';
import type { PushPayload } from './push-payload';
import type { RenderCache } from '../rendering/render-cache';
import type { RenderPool } from '../rendering/render-pool';
import type { AttemptBatcher } from './attempt-batcher';
import type { ClaimRenewer } from './claim-renewer';

/** Collaborators the pipeline needs from the process. It depends on neither GraphQL nor Agenda. */
export interface DeliveryDeps {
  orm: MikroORM;
  secretBox: SecretBox;
  queue: DeliveryQueue;
  logger: Logger;
  retryPolicy: RetryPolicyConfig;
  /** A DELIVERING message untouched for this long was left by a crashed worker. */
  staleAfterMs: number;
  /** Largest number of attempts in flight to one connection; more wait `connectionBusyDelayMs`. */
  connectionConcurrency: number;
  connectionBusyDelayMs: number;
  /** A connection whose every attempt has failed for this long is disabled. */
  disableAfterMs: number;
  /** Largest JSON body in bytes, files included; a larger message is failed without being sent. */
  messageSizeLimitBytes: number;
  /** Absolute URL that each pushed record's detailLink starts with; null pushes the relative path. */
  detailLinkBaseUrl: string | null;
  send(request: DeliveryRequest): Promise<AttemptResult>;
  /** Writes the attempts of concurrent deliveries in shared transactions; absent, each attempt commits alone. */
  attemptBatcher?: AttemptBatcher;
  /** Serves rendered files of a document version to every message and retry; absent, every attempt renders. */
  renderCache?: RenderCache;
  /** Renders generated files in worker threads; absent, they render on the calling event loop. */
  renderPool?: RenderPool;
  /**
   * Ids of the connections whose undecryptable grace-period signing secrets this process has
   * logged, so that the warning comes once per connection and not on every attempt.
   */
  connectionsWithUnreadableSecretsLogged: Set<number>;
  /** Counts attempts and render times for /metrics; absent in tests that do not read them. */
  metrics?: DeliveryMetrics;
  /** Renews the claim of a resend's attempt while it runs. Without it, the claim goes stale `staleAfterMs` after it was made. */
  claimRenewer?: ClaimRenewer;
  now?: () => Date;
}

export type DeliveryOutcomeSummary =
  | { kind: 'skipped'; reason: string }
  | { kind: 'deferred'; reason: string; retryAt: Date }
  | ({ kind: 'attempted' } & AttemptRecord);

/**
 * Delivers one attempt of a push message that a job names: claim it, then run the claimed
 * attempt. The dispatcher claims due messages in batches instead; this path serves operator
 * resends (`force`), which may attempt a finished message.
 */
export async function deliverMessage(
  messageId: string,
  deps: DeliveryDeps,
  options: { force?: boolean; resendJobId?: string } = {},
): Promise<DeliveryOutcomeSummary> {
  const now = deps.now ?? (() => new Date());
  const em = deps.orm.em.fork();

  const force = options.force ?? false;
  const claimedAt = now();
  const claim = await claimMessage(em, messageId, {
    force,
    resendJobId: options.resendJobId,
    staleAfterMs: deps.staleAfterMs,
    connectionConcurrency: deps.connectionConcurrency,
    now: claimedAt,
  });
  if (claim.kind === 'busy') {
    const deferred = await deferBusyMessage(em, { messageId, force, delayMs: deps.connectionBusyDelayMs, now: now(), queue: deps.queue });
    deps.logger.debug({ messageId, ...deferred }, 'delivery deferred; the connection is busy');
    return deferred;
  }
  if (claim.kind === 'skipped') {
    deps.logger.debug({ messageId, reason: claim.reason }, 'delivery skipped');
    return claim;
  }
  const heldClaim = deps.claimRenewer?.hold(messageId, claim.message.attempts, claimedAt);
  try {
    await recordAbandonedAttempt(em, claim.message, deps, now());
    return await deliverClaimedMessage(em, claim.message, deps);
  } finally {
    if (heldClaim) deps.claimRenewer?.release(heldClaim);
  }
}

/** Writes the push log row of the abandoned attempt that a claimed message may carry, logging a failure instead of raising it. */
async function recordAbandonedAttempt(em: EntityManager, message: PushMessage, deps: DeliveryDeps, now: Date): Promise<void> {
  try {
    const logIds = await recordAbandonedAttempts(em, [message], now, abandonedWriteTimeoutMs(deps.staleAfterMs));
    deps.metrics?.recordAbandonedAttempts(logIds.length);
  } catch (error) {
    // The attempt runs anyway, because failing the job would keep the message DELIVERING until it is stale.
    deps.logger.error({ messageId: message.id, attempt: message.attempts - 1, err: error }, 'failed to write the push log row of an abandoned attempt, so that attempt stays unlogged');
  }
}

/**
 * Runs one claimed attempt: build the payload, attach its files, sign and send the request,
 * record the attempt, and schedule the next one when the retry policy returns one. When a file
 * fails to render or the message is over the size limit, the attempt is recorded without
 * sending anything. `message` must be loaded with DELIVERY_RELATIONS.
 */
export async function deliverClaimedMessage(em: EntityManager, message: PushMessage, deps: DeliveryDeps): Promise<DeliveryOutcomeSummary> {
  const now = deps.now ?? (() => new Date());
  const ids = {
    messageId: message.id,
    connectionId: message.connection.id,
    workspaceId: message.workspace.id,
    eventId: message.event.id,
    attempt: message.attempts,
    url: redactUrl(message.connection.url),
  };

  try {
    const payload = buildPayload(message, { detailLinkBaseUrl: deps.detailLinkBaseUrl });
    const attached = await attachFiles(em, message, payload, {
      messageSizeLimitBytes: deps.messageSizeLimitBytes,
      metrics: deps.metrics,
      renderCache: deps.renderCache,
      renderPool: deps.renderPool,
    });
    const { result, record } = attached.kind === 'ready'
      ? await sendAndRecord(em, message, attached, deps, now, ids)
      : await recordNotSentAttempt(em, { message, payload, failure: attached, retryPolicy: deps.retryPolicy, now: now() });
    deps.metrics?.recordAttempt(result, record.decision);

    logAttempt(deps.logger, ids, result, record);
    if (record.retryAt) await deps.queue.enqueue([message.id], record.retryAt);
    return { kind: 'attempted', ...record };
  } catch (error) {
    // Re-raised so the caller marks the job failed; logged here because only here are the ids known.
    deps.logger.error({ ...ids, err: error }, 'delivery attempt raised an error');
    throw error;
  }
}

/**
 * Signs and sends the request, then records the attempt. Custom headers left out of the request
 * are logged as a warning here, because the push log names them only when the attempt fails.
 */
async function sendAndRecord(
  em: EntityManager,
  message: PushMessage,
  attached: { payload: PushPayload; body: string | null },
  deps: DeliveryDeps,
  now: () => Date,
  ids: Record<string, unknown>,
) {
  const { payload } = attached;
  let request: DeliveryRequest;
  try {
    request = buildRequest(message, payload, deps.secretBox, now(), attached.body);
  } catch (error) {
    // A stored secret of this connection that the server key cannot decrypt, although the key
    // decrypts other connections' secrets, because a worker whose key decrypts none claims nothing.
    // The attempt is recorded and retried on the retry schedule, so the push log shows why. A message
    // whose schedule runs out first fails for good, and recoverFailedMessages queues it again.
    if (!(error instanceof SecretBoxError)) throw error;
    const failure = { kind: 'secret_unreadable' as const, reason: error.message, durationMs: 0 };
    return recordNotSentAttempt(em, { message, payload, failure, retryPolicy: deps.retryPolicy, now: now() });
  }
  if (request.droppedHeaders.length > 0) {
    deps.logger.warn({ ...ids, droppedHeaders: request.droppedHeaders }, 'custom headers not sent');
  }
  if (request.unreadableGraceSecrets.length > 0) warnOfUnreadableSecrets(deps, message, request);
  const sending = deps.send(request);
  const result = deps.attemptBatcher ? await deps.attemptBatcher.whileSending(sending) : await sending;
  const input = { message, request, result, retryPolicy: deps.retryPolicy, disableAfterMs: deps.disableAfterMs, now: now() };
  const record = deps.attemptBatcher ? await deps.attemptBatcher.record(input) : await recordAttempt(em, input);
  // The server log quotes the error as the push log stores it, with echoed secret header values
  // masked, because redacting the URLs in it leaves a short secret in a redirect's path.
  return { result: { ...result, error: loggedError(result, request) }, record };
}

/**
 * Logs, once per connection in this process, that requests are signed without previous secrets
 * that the server key cannot decrypt. Listeners that verify with only such a secret reject them.
 */
function warnOfUnreadableSecrets(deps: DeliveryDeps, message: PushMessage, request: DeliveryRequest): void {
  const connectionId = message.connection.id;
  if (deps.connectionsWithUnreadableSecretsLogged.has(connectionId)) return;
  deps.connectionsWithUnreadableSecretsLogged.add(connectionId);
  deps.logger.warn(
    { connectionId, workspaceId: message.workspace.id, messageId: message.id, unreadableSecrets: request.unreadableGraceSecrets },
    'signing without previous signing secrets that the server key cannot decrypt, so listeners that verify only with those secrets reject the requests',
  );
}

function logAttempt(logger: Logger, ids: Record<string, unknown>, result: AttemptResult, record: AttemptRecord): void {
  const fields = { ...ids, statusCode: result.statusCode, durationMs: Math.round(result.durationMs) };
  // The server log gets the error of the push log with any quoted URL redacted as well.
  const error = result.error === null ? null : redactUrlsInText(result.error);
  switch (record.decision.kind) {
    case 'succeeded':
      if (result.responseBodyIncomplete) logger.info({ ...fields, error }, 'delivery succeeded, but the response body ended early');
      else logger.debug(fields, 'delivery succeeded');
      break;
    case 'retry':
      logger.warn({ ...fields, error, retryAt: record.retryAt }, 'delivery failed; retry scheduled');
      break;
    case 'give_up':
      logger.warn({ ...fields, error, reason: record.decision.reason }, 'delivery failed for good');
      break;
    case 'disable_connection':
      logger.warn({ ...fields, reason: record.decision.reason }, 'push connection disabled by the listener');
      break;
  }
  if (record.superseded) {
    logger.info(ids, 'a later attempt of the message was claimed meanwhile; this attempt was logged but leaves the message state alone');
  }
  if (record.connectionDisabled?.cause === 'failing') {
    logger.warn({ ...ids, reason: record.connectionDisabled.reason }, 'push connection disabled after failing too long');
  }
}
