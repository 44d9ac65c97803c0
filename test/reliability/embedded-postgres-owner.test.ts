import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import pg from 'pg';
import { findFreePort } from '../../src/database/embedded-postgres';
import { startPostgresProcess, type PostgresProcess } from './docpush-process';
import { rejectionOf } from '../support/wait';

// A second start on the data folder of a running docpush must leave that docpush its database,
// while a server whose docpush was killed is stopped so that the next start can run.

let dataDir: string;
const started: PostgresProcess[] = [];

beforeEach(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'docpush-owner-'));
});

afterEach(async () => {
  for (const server of started.splice(0)) await server.stop().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

async function selectOne(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ one: number }>('select 1 as one')).rows[0].one;
  } finally {
    await client.end();
  }
}

function postmasterPid(): number {
  return Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
}

describe('embedded PostgreSQL on a data folder in use', () => {
  it('rejects a second start', async () => {
    const first = await startPostgresProcess(dataDir, await findFreePort());
    started.push(first);

    const error = await rejectionOf(startPostgresProcess(dataDir, await findFreePort()));

    expect(error.message).toContain(`Another process (PID ${first.pid}) is running the embedded PostgreSQL in ${dataDir}`);
    expect(await selectOne(first.url)).toBe(1);
  });

  it('replaces an orphaned server', async () => {
    const killed = await startPostgresProcess(dataDir, await findFreePort());
    const orphanPid = postmasterPid();
    await killed.killHelper();

    const next = await startPostgresProcess(dataDir, await findFreePort());
    started.push(next);

    expect(postmasterPid()).not.toBe(orphanPid);
    expect(await selectOne(next.url)).toBe(1);
  });
});
