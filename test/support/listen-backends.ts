import pg from 'pg';

async function query<Row extends pg.QueryResultRow>(databaseUrl: string, sql: string, values: unknown[]): Promise<Row[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<Row>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/** A backend whose last statement was a LISTEN. */
export interface ListenBackend {
  pid: number;
  applicationName: string;
  /** The last statement, such as `LISTEN a; LISTEN b;` after a reconnect. */
  query: string;
}

/**
 * Returns the backends on the database of `databaseUrl` whose last statement was a LISTEN, in pid
 * order, whatever their application_name. A listener connection runs only LISTEN and UNLISTEN
 * after it connects, so each such backend is one listener. A listener whose last statement was an
 * UNLISTEN is not found.
 */
export async function findListenBackends(databaseUrl: string): Promise<ListenBackend[]> {
  return query<ListenBackend>(
    databaseUrl,
    `select pid, application_name as "applicationName", query from pg_stat_activity
      where datname = current_database() and query like 'LISTEN %' order by pid`,
    [],
  );
}

/** Returns the process ids of the backends that `findListenBackends` finds. */
export async function findListenBackendPids(databaseUrl: string): Promise<number[]> {
  return (await findListenBackends(databaseUrl)).map((backend) => backend.pid);
}

/** Ends a backend with pg_terminate_backend, as a database restart or an operator would. */
export async function terminateBackend(databaseUrl: string, pid: number): Promise<void> {
  const rows = await query<{ terminated: boolean }>(databaseUrl, 'select pg_terminate_backend($1) as terminated', [pid]);
  if (!rows[0]?.terminated) throw new Error(`Backend ${pid} could not be terminated: it may have exited already.`);
}
