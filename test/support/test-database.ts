import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** Creates an empty database on the run's PostgreSQL server, so each test file starts clean. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = adminDatabaseUrl();
  const name = `docpush_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await runAdminQuery(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => runAdminQuery(`drop database if exists ${name} with (force)`),
  };
}

function adminDatabaseUrl(): string {
  const adminUrl = process.env.TEST_ADMIN_DATABASE_URL;
  if (!adminUrl) throw new Error('TEST_ADMIN_DATABASE_URL is not set: run the tests through Jest, whose global setup sets it.');
  return adminUrl;
}

/** Runs `sql` on the run's admin database, which stays reachable while a test database is closed to sessions. */
export async function runAdminQuery(sql: string, values: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    await client.query(sql, values);
  } finally {
    await client.end();
  }
}

/**
 * Closes the database of `databaseUrl` to new sessions and ends its open ones, except those whose
 * application_name is `keepApplication`: an outage of that database alone. Returns its name for
 * reopenDatabase.
 */
export async function closeDatabase(databaseUrl: string, keepApplication?: string): Promise<string> {
  const name = new URL(databaseUrl).pathname.slice(1);
  await runAdminQuery(`alter database ${name} allow_connections false`);
  await runAdminQuery('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and application_name is distinct from $2', [
    name,
    keepApplication ?? null,
  ]);
  return name;
}

/** Opens the database named `name` to new sessions again. */
export async function reopenDatabase(name: string): Promise<void> {
  await runAdminQuery(`alter database ${name} allow_connections true`);
}

/**
 * Counts the sessions of the client's database, other than its own, that run a statement whose
 * text contains `fragment`, waiting for a lock included. It clears the statistics snapshot first,
 * because a client inside a transaction would otherwise read the snapshot of its first query again.
 */
export async function countActiveQueries(client: pg.Client, fragment: string): Promise<number> {
  await client.query('select pg_stat_clear_snapshot()');
  const result = await client.query<{ running: number }>(
    `select count(*)::int as running from pg_stat_activity
      where datname = current_database() and state = 'active' and pid <> pg_backend_pid() and strpos(query, $1) > 0`,
    [fragment],
  );
  return result.rows[0].running;
}

/** Counts the sessions of the test database that wait for a lock, such as a row lock. */
export async function countLockWaits(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ waiting: number }>(
    `select count(*)::int as waiting from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
  );
  return rows[0].waiting;
}
