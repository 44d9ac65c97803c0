import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { Pool } from 'undici';
import type { CapturedRequest } from './bench-listener';

export interface CeilingResult {
  concurrency: number;
  operationsPerSecond: number;
  bodyBytes: number;
  logRowBytes: number;
}

// The same pool size as docpush's MikroORM pool (src/database/orm.ts), so both wait on as many connections.
const DATABASE_POOL_SIZE = 20;

const CREATE_TABLE = `
  create table if not exists bench_ceiling_log (
    id bigserial primary key,
    message_id varchar(40) not null,
    request_url text not null,
    request_headers jsonb not null,
    request_body text not null,
    response_code int not null,
    response_headers jsonb not null,
    response_body text not null,
    duration_ms int not null,
    created_at timestamptz not null default now()
  )`;

const INSERT_ROW = `
  insert into bench_ceiling_log (message_id, request_url, request_headers, request_body, response_code, response_headers, response_body, duration_ms)
  values ($1, $2, $3, $4, $5, $6, $7, $8)`;

/**
 * Measures the raw ceiling of one delivery on this machine. `concurrency` loops each POST the
 * captured webhook body to the listener with undici and then INSERT one row of the size of a push
 * log row. Nothing else runs: no job queue, no claim, no ORM and no NOTIFY.
 */
export async function measureCeiling(options: {
  databaseUrl: string;
  listenerUrl: string;
  request: CapturedRequest;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  log: (line: string) => void;
}): Promise<CeilingResult> {
  const database = new pg.Pool({ connectionString: options.databaseUrl, max: DATABASE_POOL_SIZE });
  // pool.end() resolves before its clients' sockets close, so the next ceiling's DROP DATABASE …
  // WITH (FORCE) can terminate them. Without a listener, that error event ended the benchmark.
  database.on('error', (error) => options.log(`raw ceiling: a closed database connection reported: ${error.message}`));
  const http = new Pool(options.listenerUrl, { connections: options.concurrency, pipelining: 1 });
  const headers = withoutHopHeaders(options.request.headers);
  const url = `${options.listenerUrl}${options.request.path}`;
  await database.query(CREATE_TABLE);

  const windowStart = performance.now() + options.warmupMs;
  const windowEnd = windowStart + options.durationMs;
  let completed = 0;
  let rowBytes = 0;
  options.log(`raw ceiling: ${options.concurrency} loops of POST + INSERT for ${options.durationMs / 1000} s`);

  const loop = async (loopIndex: number) => {
    for (let i = 0; performance.now() < windowEnd; i += 1) {
      const started = performance.now();
      const response = await http.request({ path: options.request.path, method: 'POST', headers, body: options.request.body });
      const responseBody = await response.body.text();
      const row = [`msg_bench_${loopIndex}_${i}`, url, JSON.stringify(headers), options.request.body, response.statusCode, JSON.stringify(response.headers), responseBody, Math.round(performance.now() - started)];
      await database.query(INSERT_ROW, row);
      rowBytes = row.reduce<number>((sum, value) => sum + String(value).length, 0);
      if (performance.now() >= windowStart && performance.now() < windowEnd) completed += 1;
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, (_unused, index) => loop(index)));
  } finally {
    await http.close();
    await database.end();
  }
  return { concurrency: options.concurrency, operationsPerSecond: completed / (options.durationMs / 1000), bodyBytes: Buffer.byteLength(options.request.body), logRowBytes: rowBytes };
}

/** Drops the headers that undici sets itself for each request. */
function withoutHopHeaders(headers: Record<string, string>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive'].includes(name)) kept[name] = value;
  }
  return kept;
}
