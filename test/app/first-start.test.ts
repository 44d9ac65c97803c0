import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import type { MikroORM } from '@mikro-orm/postgresql';
import { openDatabase } from '../../src/database/orm';
import { ensureFirstWorkspace } from '../../src/workspace/workspace.service';
import { startAppOnDatabase } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { captureLogs } from '../security/security-support';
import { rejectionOf, waitFor } from '../support/wait';

async function countWorkspaces(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: string }>('select count(*) from workspaces');
    return Number(rows[0].count);
  } finally {
    await client.end();
  }
}

/** Counts the sessions on the database, leaving out the session that counts them. */
async function countOtherSessions(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: string }>('select count(*) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
    return Number(rows[0].count);
  } finally {
    await client.end();
  }
}

describe('first start that fails on a taken port', () => {
  let database: TestDatabase;
  let portHolder: net.Server;

  beforeAll(async () => {
    database = await createTestDatabase();
    portHolder = net.createServer();
    await new Promise<void>((resolve) => portHolder.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => portHolder.close(() => resolve()));
    await database.drop();
  });

  it('logs the taken port once', async () => {
    const takenPort = (portHolder.address() as net.AddressInfo).port;
    const logs = captureLogs();

    await rejectionOf(startAppOnDatabase(database.url, { PORT: String(takenPort) }, { logger: logs.logger }));

    // The start-up error names the port; the WebSocket server attached to the HTTP server must not report it again as its own failure.
    const entries = logs.text().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(entries.filter((entry) => entry.msg.includes('graphql-ws'))).toEqual([]);
  });

  it('names the taken port of a worker', async () => {
    const takenPort = (portHolder.address() as net.AddressInfo).port;

    const error = await rejectionOf(startAppOnDatabase(database.url, { DOCPUSH_ROLE: 'worker', PORT: String(takenPort) }));

    expect(error.message).toBe(`Port ${takenPort} on 127.0.0.1 is already in use: stop the other process or set PORT to a free port.`);
    expect(await countOtherSessions(database.url)).toBe(0);
  });

  it('names a HOST of another machine', async () => {
    const logs = captureLogs();

    // 192.0.2.1 is a documentation address (TEST-NET-1): binding to it fails locally, and no packet is sent.
    const error = await rejectionOf(startAppOnDatabase(database.url, { HOST: '192.0.2.1', PORT: '0' }, { logger: logs.logger }));

    expect(error.message).toContain('HOST="192.0.2.1" is not an address of this machine (EADDRNOTAVAIL)');
    expect(error.message).toContain('set HOST to an address of this machine, such as 127.0.0.1');
    const entries = logs.text().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(entries.filter((entry) => entry.msg.includes('graphql-ws'))).toEqual([]);
  });

  it('creates no workspace, so the next start shows the admin key', async () => {
    const takenPort = (portHolder.address() as net.AddressInfo).port;

    const failedStart = startAppOnDatabase(database.url, { PORT: String(takenPort) });
    const error = await rejectionOf(failedStart);

    expect(error.message).toContain(`Port ${takenPort} on 127.0.0.1 is already in use`);
    expect(await countWorkspaces(database.url)).toBe(0);
    // The worker, the job queue, the LISTEN connection and the pool were stopped with it.
    expect(await countOtherSessions(database.url)).toBe(0);

    const app = await startAppOnDatabase(database.url);
    try {
      expect(app.firstAdminKey).toMatch(/^dpk_/);
      const response = await fetch(app.url!, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${app.firstAdminKey}` },
        body: JSON.stringify({ query: '{ pushConnections(first: 1) { totalCount } }' }),
      });
      expect(await response.json()).toEqual({ data: { pushConnections: { totalCount: 0 } } });
    } finally {
      await app.stop();
    }
  });
});

describe('start with a data directory that is a file', () => {
  let database: TestDatabase;
  let folder: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    folder = mkdtempSync(path.join(os.tmpdir(), 'docpush-data-file-'));
  });

  afterAll(async () => {
    rmSync(folder, { recursive: true, force: true });
    await database.drop();
  });

  it('names DOCPUSH_DATA_DIR and the fix', async () => {
    const dataDir = path.join(folder, 'data');
    writeFileSync(dataDir, 'not a directory');

    const error = await rejectionOf(startAppOnDatabase(database.url, { DOCPUSH_DATA_DIR: dataDir }));

    expect(error.message).toContain(`DOCPUSH_DATA_DIR=${JSON.stringify(dataDir)} cannot be used: ENOTDIR`);
    expect(error.message).toContain('Set DOCPUSH_DATA_DIR to a directory that this process may create and write');
  });
});

describe('first workspace with processes starting together', () => {
  let database: TestDatabase;
  let orm: MikroORM;

  beforeAll(async () => {
    database = await createTestDatabase();
    orm = await openDatabase(database.url);
  });

  afterAll(async () => {
    await orm?.close(true);
    await database.drop();
  });

  it('creates one workspace and one admin key', async () => {
    // Every process creates the first workspace once all its parts have started, so processes
    // started together reach this call at about the same time, each with its own connection.
    const created = await Promise.all([1, 2, 3, 4].map(() => ensureFirstWorkspace(orm.em.fork())));

    expect(created.filter((workspace) => workspace !== null).length).toBe(1);
    expect(await countWorkspaces(database.url)).toBe(1);
  });
});

describe('processes starting together', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database.drop();
  });

  /** Starts an API process and a worker on the test database at the same moment, stops both and returns how they started. */
  async function startTogether(): Promise<Array<PromiseSettledResult<unknown>>> {
    const started = await Promise.allSettled([
      startAppOnDatabase(database.url, { DOCPUSH_ROLE: 'api' }),
      startAppOnDatabase(database.url, { DOCPUSH_ROLE: 'worker' }),
    ]);
    for (const result of started) {
      if (result.status === 'fulfilled') await result.value.stop();
    }
    return started.map((result) => (result.status === 'fulfilled' ? { status: 'fulfilled', value: null } : result));
  }

  it('both start on an empty database', async () => {
    const started = await startTogether();

    expect(started).toEqual([
      { status: 'fulfilled', value: null },
      { status: 'fulfilled', value: null },
    ]);
    expect(await countWorkspaces(database.url)).toBe(1);
  });

  // Agenda's schema creation raced only now and then on an existing schema, so this check can
  // pass without the lock. The empty-database case above fails without it every time.
  it('both start again once the schema exists', async () => {
    const started = await startTogether();

    expect(started).toEqual([
      { status: 'fulfilled', value: null },
      { status: 'fulfilled', value: null },
    ]);
  });
});

describe('start while another process sets up the schema', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database.drop();
  });

  it('logs that it waits, then starts once the lock is free', async () => {
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    // The key of the schema set-up lock ("dpss"), held here as another starting process would.
    await holder.query('select pg_advisory_lock($1)', [0x64707373]);
    const logs = captureLogs();
    const starting = startAppOnDatabase(database.url, { DOCPUSH_ROLE: 'api' }, { logger: logs.logger });

    await waitFor(() => logs.text().includes('waiting for another docpush process to finish setting up the database schema'), {
      description: 'the warning about the held lock',
    });
    await holder.end();
    const app = await starting;
    await app.stop();

    expect(app.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
  });
});

/**
 * Returns whether this machine can listen on the IPv6 loopback address, which containers started
 * without IPv6 lack. Jest decides which tests to skip before any hook runs, so the probe is a
 * synchronous child process.
 */
function hasIpv6Loopback(): boolean {
  const probe = "require('node:net').createServer().listen(0, '::1', () => process.exit(0)).on('error', () => process.exit(1))";
  return spawnSync(process.execPath, ['-e', probe], { timeout: 10_000 }).status === 0;
}

describe('start on an IPv6 HOST', () => {
  // NOTE: Jest lists the test as skipped on a machine without IPv6 loopback.
  const itWithIpv6 = hasIpv6Loopback() ? it : it.skip;

  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database.drop();
  });

  itWithIpv6('brackets the address in its URLs', async () => {
    const logs = captureLogs();
    const app = await startAppOnDatabase(database.url, { HOST: '::1' }, { logger: logs.logger });
    try {
      expect(new URL(app.url!).hostname).toBe('[::1]');
      expect(new URL(app.monitoringUrl).hostname).toBe('[::1]');
      expect((await fetch(app.url!, { method: 'POST' })).status).toBe(401);
      expect((await fetch(`${app.monitoringUrl}/healthz`)).status).toBe(200);
      const ready = logs
        .text()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { msg: string; url?: string })
        .find((line) => line.msg === 'docpush is ready');
      expect(ready?.url).toBe(app.url);
    } finally {
      await app.stop();
    }
  });
});
