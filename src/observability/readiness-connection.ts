import pg from 'pg';
import type { Logger } from '../common/logger';

/** application_name of the readiness connection, so operators can tell it apart in pg_stat_activity. */
export const READINESS_APPLICATION_NAME = 'docpush-readiness';

const CLOSED_MESSAGE = 'The readiness connection is closed, because docpush is stopping.';
const RESET_MESSAGE = 'The readiness connection was reset while it opened.';

export interface ReadinessConnectionOptions {
  /** node-postgres settings, such as those of the main pool (postgresConnectionSettings) with a shorter connect time-out. */
  settings: pg.ClientConfig;
  /** statement_timeout of the session: PostgreSQL cancels each statement, a wait for a lock included, after this long. */
  statementTimeoutMs: number;
  logger: Logger;
}

/**
 * The one PostgreSQL connection of the readiness checks, apart from the main pool, so that a pool
 * whose connections are all busy does not fail the checks, and the checks take none of them.
 * It opens on the first query and again on the query after it was lost or reset.
 */
export class ReadinessConnection {
  private client: pg.Client | null = null;
  /** The connection being opened, which every query sent meanwhile waits for. */
  private opening: Promise<pg.Client> | null = null;
  private closed = false;
  /** Incremented by each `reset`, whose caller no longer waits for the statement that it ends. */
  private resets = 0;

  constructor(private readonly options: ReadinessConnectionOptions) {}

  /**
   * Runs `sql` and returns its rows. When a connection that was already open turns out to be lost,
   * such as one the server ended while it was idle, the statement runs once more on a new one.
   */
  async query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
    const reused = this.client !== null;
    const resets = this.resets;
    const client = await this.connect();
    try {
      return await this.send<T>(client, sql);
    } catch (error) {
      const lost = this.client !== client;
      if (!reused || !lost || this.closed || this.resets !== resets) throw error;
      return this.send<T>(await this.connect(), sql);
    }
  }

  /**
   * Closes the open connection, so that the next query opens a new one. A caller that stopped
   * waiting for a statement resets, because a database that stopped responding never replies to it,
   * and every later statement on the connection would wait behind it.
   */
  reset(): void {
    this.resets += 1;
    // The next query opens a connection of its own instead of waiting for this one to fail.
    this.opening = null;
    if (this.client) this.drop(this.client);
  }

  /**
   * Closes the connection, and makes later queries reject. A connection still opening is closed
   * once it opens or its connect time-out ends the attempt.
   */
  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = null;
    if (client) await this.end(client);
  }

  private async send<T extends pg.QueryResultRow>(client: pg.Client, sql: string): Promise<T[]> {
    try {
      return (await client.query<T>(sql)).rows;
    } catch (error) {
      if (!isStatementError(error)) this.drop(client);
      throw error;
    }
  }

  private connect(): Promise<pg.Client> {
    if (this.closed) return Promise.reject(new Error(CLOSED_MESSAGE));
    if (this.client) return Promise.resolve(this.client);
    if (!this.opening) {
      const opening = this.open().finally(() => {
        if (this.opening === opening) this.opening = null;
      });
      this.opening = opening;
    }
    return this.opening;
  }

  private async open(): Promise<pg.Client> {
    const resets = this.resets;
    const client = new pg.Client({ ...this.options.settings, application_name: READINESS_APPLICATION_NAME });
    client.on('error', (error) => {
      if (this.client === client) this.options.logger.warn({ err: error }, 'readiness connection lost; the next check opens a new one');
      this.drop(client);
    });
    client.on('end', () => this.drop(client));
    try {
      await client.connect();
    } catch (error) {
      client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed || this.resets !== resets) {
      await this.end(client);
      throw new Error(this.closed ? CLOSED_MESSAGE : RESET_MESSAGE);
    }
    // Published before the SET, so that a check that times out waiting for it resets the connection.
    this.client = client;
    await this.setStatementTimeout(client);
    return client;
  }

  /**
   * Sets statement_timeout with SET rather than as a startup parameter. Connection poolers such as
   * PgBouncer close a connection whose startup message has a parameter they do not know, and
   * node-postgres would let a statement_timeout in DATABASE_URL replace the parameter.
   */
  private async setStatementTimeout(client: pg.Client): Promise<void> {
    try {
      await client.query(`set statement_timeout = ${this.options.statementTimeoutMs}`);
    } catch (error) {
      // Without the time-out, a statement that waits for a lock would wait as long as the lock lasts.
      this.drop(client);
      throw error;
    }
  }

  /** Forgets `client` and closes it without waiting. */
  private drop(client: pg.Client): void {
    if (this.client === client) this.client = null;
    void this.end(client);
  }

  /**
   * Ends the session of `client`. node-postgres destroys the socket at once when a statement
   * still runs, and otherwise waits for the server to close it, which a database that stopped
   * responding never does. So the socket is destroyed after statementTimeoutMs at the latest.
   */
  private async end(client: pg.Client): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timed out'>((resolve) => {
      timer = setTimeout(() => resolve('timed out'), this.options.statementTimeoutMs);
    });
    const ended = client.end().then(
      () => 'ended' as const,
      () => 'ended' as const,
    );
    const outcome = await Promise.race([ended, deadline]);
    clearTimeout(timer);
    if (outcome === 'timed out') client.connection.stream.destroy();
  }
}

/**
 * Tells whether `error` is a failed statement after which the session goes on, which PostgreSQL
 * reports with severity ERROR, such as a statement_timeout. Every other error, from the server
 * (FATAL) or from node-postgres (a closed socket), leaves the connection unusable.
 */
function isStatementError(error: unknown): boolean {
  return (error as { severity?: unknown } | null)?.severity === 'ERROR';
}
