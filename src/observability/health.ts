import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../common/logger';
import { withTimeout } from './timeout';
import type { SecretBox } from '../security/secret-box';
import { SERVER_KEY_MISMATCH_REASON, serverKeyMatchesDatabase } from '../security/server-key';
import { withStatementTimeout } from '../database/statement-timeout';
import { isConnectionTimeout } from '../database/database-unavailable';

export type ReadinessCheckName = 'database' | 'migrations' | 'secrets' | 'jobs';

export interface CheckResult {
  status: 'ok' | 'failed';
  /** Reason for the failure, without addresses or credentials. */
  reason?: string;
}

export interface ReadinessReport {
  status: 'ready' | 'unavailable';
  /** Names of the failed checks, in check order. */
  failed: ReadinessCheckName[];
  checks: Partial<Record<ReadinessCheckName, CheckResult>>;
}

/** Maximum wait for one check, because a probe that hangs would itself time out in the orchestrator. */
const CHECK_TIMEOUT_MS = 2000;

export const NOT_CHECKED_WITHOUT_DATABASE = 'not checked, because the database check failed';

export interface ReadinessSources {
  orm: MikroORM;
  /** The server key, checked against a stored signing secret. */
  secretBox: SecretBox;
  /** Reports whether the job processor runs; null in a process without the worker role. */
  jobProcessorRunning: (() => boolean) | null;
  logger: Logger;
}

/**
 * Decides whether this process can do its work: `select 1` succeeds on the database, no
 * migration is pending, the server key opens the stored signing secrets, and in a process with
 * the worker role the job processor runs.
 */
export class ReadinessProbe {
  private lastStatus: ReadinessReport['status'] | null = null;

  constructor(private readonly sources: ReadinessSources) {}

  async check(): Promise<ReadinessReport> {
    const errors: Partial<Record<ReadinessCheckName, unknown>> = {};
    const checks: ReadinessReport['checks'] = {};
    checks.database = await this.run(() => this.checkDatabase(), (error) => (errors.database = error));
    if (checks.database.status === 'ok') {
      checks.migrations = await this.run(() => this.checkMigrations(), (error) => (errors.migrations = error));
      checks.secrets = await this.run(() => this.checkServerKey(), (error) => (errors.secrets = error));
    } else {
      checks.migrations = { status: 'failed', reason: NOT_CHECKED_WITHOUT_DATABASE };
      checks.secrets = { status: 'failed', reason: NOT_CHECKED_WITHOUT_DATABASE };
    }
    if (this.sources.jobProcessorRunning) checks.jobs = this.checkJobs(this.sources.jobProcessorRunning);

    const failed = (Object.keys(checks) as ReadinessCheckName[]).filter((name) => checks[name]?.status === 'failed');
    const report: ReadinessReport = { status: failed.length === 0 ? 'ready' : 'unavailable', failed, checks };
    this.logTransition(report, errors);
    return report;
  }

  private async checkDatabase(): Promise<CheckResult> {
    await this.sources.orm.em.fork().execute('select 1');
    return { status: 'ok' };
  }

  /**
   * NOTE: unlike checkServerKey, this cannot have PostgreSQL cancel its queries at the check's
   * time-out, because MikroORM's migrator runs them outside any transaction of ours that could set
   * statement_timeout. `run` bounds the probe's response, but a query that waits for a lock keeps its pool
   * connection until the lock ends.
   */
  private async checkMigrations(): Promise<CheckResult> {
    const pending = await this.sources.orm.getMigrator().getPendingMigrations();
    if (pending.length === 0) return { status: 'ok' };
    return { status: 'failed', reason: `${pending.length} pending migration(s): ${pending.map((migration) => migration.name).join(', ')}` };
  }

  /**
   * Checks that the server key decrypts the stored signing secrets. A process started with
   * another DOCPUSH_SECRET_KEY (or secret.key) than the one that sealed them could sign nothing.
   * The API rejects changes to secrets on the same condition.
   */
  private async checkServerKey(): Promise<CheckResult> {
    // A migration's lock on push_connections makes the query wait. PostgreSQL cancels it at the
    // check's time-out, so probes do not each keep a pool connection until the lock ends.
    const matches = await withStatementTimeout(this.sources.orm.em, CHECK_TIMEOUT_MS, (tx) => serverKeyMatchesDatabase(tx, this.sources.secretBox));
    if (matches) return { status: 'ok' };
    return { status: 'failed', reason: SERVER_KEY_MISMATCH_REASON };
  }

  private checkJobs(jobProcessorRunning: () => boolean): CheckResult {
    if (jobProcessorRunning()) return { status: 'ok' };
    return { status: 'failed', reason: 'the job processor is not running, so no delivery starts in this process' };
  }

  private async run(check: () => Promise<CheckResult>, onError: (error: unknown) => void): Promise<CheckResult> {
    try {
      return await withTimeout(check(), CHECK_TIMEOUT_MS, 'the check');
    } catch (error) {
      onError(error);
      return { status: 'failed', reason: describeCheckError(error) };
    }
  }

  /** Logs changes of readiness only, because orchestrators probe every few seconds. */
  private logTransition(report: ReadinessReport, errors: Partial<Record<ReadinessCheckName, unknown>>): void {
    if (report.status === this.lastStatus) return;
    const previous = this.lastStatus;
    this.lastStatus = report.status;
    if (report.status === 'unavailable') {
      this.sources.logger.warn({ failed: report.failed, checks: report.checks, err: errors.database ?? errors.migrations ?? errors.secrets }, 'readiness check failed');
    } else if (previous !== null) {
      this.sources.logger.info('readiness checks pass again');
    }
  }
}

/**
 * Describes a failure by its kind and error code only, because the probe needs no authentication
 * and driver messages can carry host names and SQL.
 */
function describeCheckError(error: unknown): string {
  if (!(error instanceof Error)) return 'failed';
  if (error.message.startsWith('Timed out')) return `no answer within ${CHECK_TIMEOUT_MS} ms`;
  if (isConnectionTimeout(error)) return 'no database connection within DOCPUSH_DB_CONNECT_TIMEOUT or DOCPUSH_DB_ACQUIRE_TIMEOUT';
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return `failed with error code ${code}`;
  // A driver error without an SQLSTATE comes from the connection, not from `select 1`, such as
  // "Connection terminated unexpectedly".
  if (error.name.endsWith('Exception') || error.name === 'Error') return `the database connection failed (${error.name})`;
  return `failed with ${error.name}`;
}
