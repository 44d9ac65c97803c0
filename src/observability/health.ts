import type pg from 'pg';
import type { Logger } from '../common/logger';
import { withTimeout } from './timeout';
import { ReadinessConnection } from './readiness-connection';
import type { SecretBox } from '../security/secret-box';
import { SERVER_KEY_MISMATCH_REASON, checkServerKeyWithQuery } from '../security/server-key';
import { isConnectionTimeout } from '../database/database-unavailable';
import { MIGRATIONS_TABLE } from '../database/orm';

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
  /**
   * node-postgres settings of the main pool (postgresConnectionSettings), from which the checks
   * open a connection of their own.
   */
  connectionSettings: pg.ClientConfig;
  /** Names of the migrations that this process applies at start (listMigrationNames). */
  migrationNames: readonly string[];
  /** The server key, checked against a stored signing secret. */
  secretBox: SecretBox;
  /** Reports whether the job processor runs; null in a process without the worker role. */
  jobProcessorRunning: (() => boolean) | null;
  logger: Logger;
}

/**
 * Decides whether this process can do its work: `select 1` succeeds on the database, no
 * migration is pending, the server key opens the stored signing secrets, and in a process with
 * the worker role the job processor runs. The database checks run on a connection of their own
 * (ReadinessConnection), whose statements PostgreSQL cancels after CHECK_TIMEOUT_MS.
 */
export class ReadinessProbe {
  private lastStatus: ReadinessReport['status'] | null = null;
  private readonly connection: ReadinessConnection;
  /** The checks that are running, whose report every call of `check` meanwhile returns. */
  private running: Promise<ReadinessReport> | null = null;

  constructor(private readonly sources: ReadinessSources) {
    const configuredMs = sources.connectionSettings.connectionTimeoutMillis;
    // An attempt to connect that outlives its check would make the next check wait for it instead of trying again.
    const connectTimeoutMs = configuredMs ? Math.min(configuredMs, CHECK_TIMEOUT_MS) : CHECK_TIMEOUT_MS;
    this.connection = new ReadinessConnection({
      settings: { ...sources.connectionSettings, connectionTimeoutMillis: connectTimeoutMs },
      statementTimeoutMs: CHECK_TIMEOUT_MS,
      logger: sources.logger,
    });
  }

  /**
   * Runs the checks and returns their report. A call while checks run returns the report of those,
   * so that probes that arrive together do not queue statements on the one connection.
   */
  check(): Promise<ReadinessReport> {
    this.running ??= this.runChecks().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Closes the checks' database connection. A later check reports the database as failed. */
  async close(): Promise<void> {
    await this.connection.close();
  }

  private async runChecks(): Promise<ReadinessReport> {
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
    await this.connection.query('select 1');
    return { status: 'ok' };
  }

  /** Compares the migrations of this process (migrationNames) with the names recorded as applied, with or without a file extension. */
  private async checkMigrations(): Promise<CheckResult> {
    const rows = await this.connection.query<{ name: string }>(`select regexp_replace(name, '\\.(js|ts)$', '') as name from ${MIGRATIONS_TABLE}`);
    const applied = new Set(rows.map((row) => row.name));
    const pending = this.sources.migrationNames.filter((name) => !applied.has(name));
    if (pending.length === 0) return { status: 'ok' };
    return { status: 'failed', reason: `${pending.length} pending migration(s): ${pending.join(', ')}` };
  }

  /**
   * Checks that the server key decrypts the stored signing secrets. A process started with
   * another DOCPUSH_SECRET_KEY (or secret.key) than the one that sealed them could sign nothing.
   * The API rejects changes to secrets on the same condition.
   */
  private async checkServerKey(): Promise<CheckResult> {
    const result = await checkServerKeyWithQuery((sql) => this.connection.query(sql), this.sources.secretBox);
    if (result !== 'mismatch') return { status: 'ok' };
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
      // The statement may still wait for a lock, or for a database that stopped responding.
      if (isCheckTimeout(error)) this.connection.reset();
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
  if (isCheckTimeout(error)) return `no answer within ${CHECK_TIMEOUT_MS} ms`;
  if (isConnectionTimeout(error)) return `no database connection within DOCPUSH_DB_CONNECT_TIMEOUT (at most ${CHECK_TIMEOUT_MS} ms for this check)`;
  // Read as properties, because errors from Node's own modules, such as a refused connection, come from another realm under Jest.
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  if (typeof code === 'string') return `failed with error code ${code}`;
  if (typeof name !== 'string') return 'failed';
  // A driver error without an SQLSTATE comes from the connection, not from `select 1`, such as
  // "Connection terminated unexpectedly".
  if (name.endsWith('Exception') || name === 'Error') return `the database connection failed (${name})`;
  return `failed with ${name}`;
}

/** Tells whether `error` is the time-out of `run`, from withTimeout. */
function isCheckTimeout(error: unknown): boolean {
  const { message } = (error ?? {}) as { message?: unknown };
  return typeof message === 'string' && message.startsWith('Timed out');
}
