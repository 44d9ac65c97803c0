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

/**
 * Returns the process ids of the backends on the database of `databaseUrl` whose last statement
 * was `LISTEN channel`. A dedicated listener connection runs nothing after its LISTEN, so each
 * such backend is one listener.
 */
export async function findListenBackends(databaseUrl: string, channel: string): Promise<number[]> {
  const rows = await query<{ pid: number }>(
    databaseUrl,
    'select pid from pg_stat_activity where datname = current_database() and query = $1 order by pid',
    [`LISTEN ${channel}`],
  );
  return rows.map((row) => row.pid);
}

/** Ends a backend with pg_terminate_backend, as a database restart or an operator would. */
export async function terminateBackend(databaseUrl: string, pid: number): Promise<void> {
  const rows = await query<{ terminated: boolean }>(databaseUrl, 'select pg_terminate_backend($1) as terminated', [pid]);
  if (!rows[0]?.terminated) throw new Error(`Backend ${pid} could not be terminated: it may have exited already.`);
}
