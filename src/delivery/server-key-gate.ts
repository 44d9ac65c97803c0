import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../common/logger';
import { throttledLogLine } from '../common/throttled-log';
import { SECRET_KEY_ENV, type SecretBox } from '../security/secret-box';
import { checkServerKeyOfDatabase, SERVER_KEY_MISMATCH_REASON, type ServerKeyCheck } from '../security/server-key';

/** How long a worker trusts the last result of a server key check that found signing secrets. */
export const SERVER_KEY_RECHECK_MS = 30_000;

/** Shortest time between two error lines about a worker that claims nothing because of its server key. */
const REJECTION_LOG_INTERVAL_MS = 5 * 60_000;

export const CLAIMS_REJECTED_MESSAGE =
  `this worker claims no push messages, because its server key cannot decrypt the stored signing secrets and every attempt would be logged as not sent. ` +
  `Set ${SECRET_KEY_ENV} (or secret.key in DOCPUSH_DATA_DIR) to the key that the API processes use, and restart the worker`;

export interface ServerKeyGateOptions {
  orm: MikroORM;
  secretBox: SecretBox;
  logger: Logger;
  /** Defaults to SERVER_KEY_RECHECK_MS. */
  recheckIntervalMs?: number;
}

/**
 * Decides whether a worker may claim push messages: only while its server key decrypts the
 * stored signing secrets. A worker with another key could sign nothing, so each attempt it
 * claimed would use up one step of the message's retry schedule.
 *
 * A result that found secrets is kept for `recheckIntervalMs`. A database without signing
 * secrets is checked again on every call, so that a worker started before the first connection
 * was created stops claiming as soon as an API process with another key creates it.
 *
 * NOTE: a connection created between a check that found no secrets and the claim that follows
 * it can still get one not-sent attempt. A check that found matching secrets is trusted for up
 * to `recheckIntervalMs` after they were replaced by secrets under another key.
 */
export class ServerKeyGate {
  private lastCheck: ServerKeyCheck | null = null;
  private checkedAt = Number.NEGATIVE_INFINITY;
  private running: Promise<boolean> | null = null;
  private readonly logRejection: (fields: Record<string, unknown>) => void;
  private readonly logCheckFailure: (fields: Record<string, unknown>) => void;

  constructor(private readonly options: ServerKeyGateOptions) {
    this.logRejection = throttledLogLine(options.logger, CLAIMS_REJECTED_MESSAGE, REJECTION_LOG_INTERVAL_MS, 'error');
    this.logCheckFailure = throttledLogLine(
      options.logger,
      'could not check the server key against the stored signing secrets; the worker keeps its last decision and checks again before its next claim',
      REJECTION_LOG_INTERVAL_MS,
    );
  }

  get recheckIntervalMs(): number {
    return this.options.recheckIntervalMs ?? SERVER_KEY_RECHECK_MS;
  }

  /** Returns whether claims may run; concurrent callers share one check. Logs each rejection, throttled. */
  async allowsClaims(): Promise<boolean> {
    this.running ??= this.decide().finally(() => {
      this.running = null;
    });
    const allowed = await this.running;
    if (!allowed) this.logRejection({ reason: SERVER_KEY_MISMATCH_REASON });
    return allowed;
  }

  private async decide(): Promise<boolean> {
    const cached = this.lastCheck !== null && this.lastCheck !== 'no-secrets' && Date.now() - this.checkedAt < this.recheckIntervalMs;
    if (!cached) await this.check();
    return this.lastCheck !== 'mismatch';
  }

  /**
   * Runs the check and stores its result. A failed check keeps the previous result, which
   * starts as allowing claims: a database that fails this check most likely fails the claim too.
   */
  private async check(): Promise<void> {
    let result: ServerKeyCheck;
    try {
      result = await checkServerKeyOfDatabase(this.options.orm.em.fork(), this.options.secretBox);
    } catch (error) {
      this.logCheckFailure({ err: error });
      return;
    }
    if (this.lastCheck === 'mismatch' && result !== 'mismatch') {
      this.options.logger.info('the server key decrypts the stored signing secrets now, so this worker claims push messages again');
    }
    this.lastCheck = result;
    this.checkedAt = Date.now();
  }
}
