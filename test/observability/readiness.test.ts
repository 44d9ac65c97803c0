import net from 'node:net';
import pg from 'pg';
import type { RunningApp } from '../../src/app/app';
import { isConnectionTimeout } from '../../src/database/database-unavailable';
import { MIGRATIONS_TABLE, listMigrationNames, postgresConnectionSettings } from '../../src/database/orm';
import { NOT_CHECKED_WITHOUT_DATABASE, ReadinessProbe } from '../../src/observability/health';
import { READINESS_APPLICATION_NAME } from '../../src/observability/readiness-connection';
import { startAppOnDatabase, startTestApp, type TestApp } from '../support/test-app';
import { countActiveQueries, createTestDatabase, type TestDatabase } from '../support/test-database';
import { rejectionOf, waitFor } from '../support/wait';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { parsePrometheusText, sampleValue } from './prometheus-text';

interface ReadinessAnswer {
  status: number;
  body: { status: string; failed: string[]; checks: Record<string, { status: string; reason?: string }> };
}

async function readiness(app: RunningApp): Promise<ReadinessAnswer> {
  const response = await fetch(`${app.monitoringUrl}/readyz`);
  return { status: response.status, body: (await response.json()) as ReadinessAnswer['body'] };
}

/** Opens a client of its own on the database of `app`, which the test ends. */
async function connectObserver(app: TestApp): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: app.databaseUrl });
  await client.connect();
  return client;
}

/** Returns the process ids of the sessions of the readiness connection on the client's database. */
async function readinessSessions(client: pg.Client): Promise<number[]> {
  await client.query('select pg_stat_clear_snapshot()');
  const result = await client.query<{ pid: number }>(
    'select pid from pg_stat_activity where datname = current_database() and application_name = $1',
    [READINESS_APPLICATION_NAME],
  );
  return result.rows.map((row) => row.pid);
}

interface StartupRecorder {
  port: number;
  /** Names of the parameters in the startup message of the first client. */
  parameterNames: Promise<string[]>;
  close(): Promise<void>;
}

/**
 * Starts a TCP server on 127.0.0.1 that reads the startup message of the first client, which
 * node-postgres sends without TLS when the URL has no sslmode, and then closes the connection.
 */
async function startStartupRecorder(): Promise<StartupRecorder> {
  let resolveNames!: (names: string[]) => void;
  const parameterNames = new Promise<string[]>((resolve) => (resolveNames = resolve));
  const server = net.createServer((socket) => {
    let received = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      // The message: its length (Int32, itself included), the protocol version (Int32), then
      // null-terminated names and values, ending with an empty name.
      if (received.length < 4 || received.length < received.readInt32BE(0)) return;
      const fields = received.subarray(8, received.readInt32BE(0)).toString('utf8').split('\0');
      resolveNames(fields.filter((_field, index) => index % 2 === 0 && fields[index] !== ''));
      socket.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    parameterNames,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface AnswerlessProxy {
  port: number;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/**
 * Starts a proxy on 127.0.0.1 to `target` that passes the server's bytes of each connection only up
 * to its first ReadyForQuery message, so that the connection opens and no statement gets a response.
 */
async function startAnswerlessProxy(target: { host: string; port: number }): Promise<AnswerlessProxy> {
  // ReadyForQuery: the type byte 'Z' and its length, 5, as an Int32.
  const readyForQuery = Buffer.from([0x5a, 0, 0, 0, 5]);
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((client) => {
    accepted += 1;
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    let opened = Buffer.alloc(0);
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => {
      if (opened.includes(readyForQuery)) return;
      opened = Buffer.concat([opened, chunk]);
      client.write(chunk);
    });
    for (const socket of [client, upstream]) {
      socket.on('error', () => undefined);
      socket.on('close', () => {
        client.destroy();
        upstream.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => accepted,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Starts `count` transactions on the main pool of `app` and keeps them open, each on a connection
 * of its own, until `release` is called.
 */
async function holdPoolConnections(app: RunningApp, count: number): Promise<{ release(): Promise<void> }> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const begun: Array<Promise<void>> = [];
  const transactions = Array.from({ length: count }, () => {
    let markBegun!: () => void;
    begun.push(new Promise<void>((resolve) => (markBegun = resolve)));
    return app.services.orm.em.fork().transactional(async () => {
      markBegun();
      await released;
    });
  });
  await Promise.all(begun);
  return {
    release: async () => {
      release();
      await Promise.all(transactions);
    },
  };
}

describe('readiness with the database behind a proxy', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let app: RunningApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    const direct = new URL(database.url);
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    const proxied = new URL(database.url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    app = await startAppOnDatabase(proxied.toString());
  });

  afterAll(async () => {
    await proxy?.restore().catch(() => undefined);
    await app?.stop();
    await proxy?.close();
    await database?.drop();
  });

  it('answers 503 naming the database while it is unreachable', async () => {
    expect((await readiness(app)).status).toBe(200);

    await proxy.cut();
    const outage = await readiness(app);

    expect(outage.status).toBe(503);
    expect(outage.body.status).toBe('unavailable');
    expect(outage.body.failed).toEqual(['database', 'migrations', 'secrets']);
    expect(outage.body.checks.database.status).toBe('failed');
    expect(outage.body.checks.database.reason).toMatch(/error code|no answer|connection failed/);
    expect(outage.body.checks.migrations.reason).toBe(NOT_CHECKED_WITHOUT_DATABASE);
    expect(outage.body.checks.secrets.reason).toBe(NOT_CHECKED_WITHOUT_DATABASE);
    expect(outage.body.checks.jobs).toEqual({ status: 'ok' });
    expect(JSON.stringify(outage.body)).not.toContain(String(proxy.port));
  });

  it('reads NaN backlog gauges while the database is unreachable', async () => {
    const response = await fetch(`${app.monitoringUrl}/metrics`);

    expect(response.status).toBe(200);
    const samples = parsePrometheusText(await response.text());
    expect(sampleValue(samples, 'docpush_push_messages_pending')).toBeNaN();
    expect(sampleValue(samples, 'docpush_push_messages_due')).toBeNaN();
    expect(sampleValue(samples, 'docpush_deliveries_total', { outcome: 'succeeded', response_class: '2xx' })).toBe(0);
  });

  it('answers /healthz while the database is unreachable', async () => {
    const response = await fetch(`${app.monitoringUrl}/healthz`);

    expect(response.status).toBe(200);
  });

  it('answers 200 again once the database is back', async () => {
    await proxy.restore();

    await waitFor(async () => (await readiness(app)).status === 200, { description: '/readyz to answer 200 after the database returned', timeoutMs: 15_000, intervalMs: 100 });
    expect((await readiness(app)).body.failed).toEqual([]);
  });
});

describe('readiness with a frozen connection', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let app: RunningApp;
  let appStopped = false;

  beforeAll(async () => {
    database = await createTestDatabase();
    const direct = new URL(database.url);
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    const proxied = new URL(database.url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    // With one pool connection, a check that stayed stuck on it would leave none for the next.
    app = await startAppOnDatabase(proxied.toString(), { DOCPUSH_ROLE: 'api', DOCPUSH_DB_POOL_SIZE: '1' });
  });

  afterAll(async () => {
    await proxy?.close();
    if (!appStopped) await app?.stop();
    await database?.drop();
  });

  it('opens a new connection after a check timed out', async () => {
    expect((await readiness(app)).status).toBe(200);

    // Every connection open now stops passing bytes, as after a silent network failure. New ones work.
    proxy.freeze();
    const frozen = await readiness(app);
    const next = await readiness(app);

    expect(frozen.status).toBe(503);
    expect(frozen.body.failed).toEqual(['database', 'migrations', 'secrets']);
    expect(frozen.body.checks.database.reason).toBe('no answer within 2000 ms');
    expect(next.status).toBe(200);
    expect(next.body.failed).toEqual([]);
  });

  it('stops while its connection is frozen', async () => {
    expect((await readiness(app)).status).toBe(200);

    proxy.freeze();
    // A stop that waited for the frozen connection to close would exceed the test's time-out.
    await app.stop();
    appStopped = true;
  });
});

describe('readiness with a pending migration', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('answers 503 naming the migration until it is recorded as applied', async () => {
    const em = app.app.services.orm.em.fork();
    const [applied] = await em.execute<Array<{ name: string; executed_at: Date }>>('select name, executed_at from mikro_orm_migrations order by id desc limit 1');
    await em.execute('delete from mikro_orm_migrations where name = ?', [applied.name]);

    const pending = await readiness(app.app);
    expect(pending.status).toBe(503);
    expect(pending.body.failed).toEqual(['migrations']);
    expect(pending.body.checks.migrations.reason).toContain(applied.name.replace(/\.(ts|js)$/, ''));

    await em.execute('insert into mikro_orm_migrations (name, executed_at) values (?, ?)', [applied.name, applied.executed_at]);
    expect((await readiness(app.app)).status).toBe(200);
  });
});

describe('readiness with every main pool connection busy', () => {
  const POOL_SIZE = 2;
  let app: TestApp;
  let observer: pg.Client;
  let heldConnections: { release(): Promise<void> };

  beforeAll(async () => {
    // Short pool time-outs make a query of the busy pool fail fast, which shows that it is busy.
    app = await startTestApp({
      DOCPUSH_ROLE: 'api',
      DOCPUSH_DB_POOL_SIZE: String(POOL_SIZE),
      DOCPUSH_DB_CONNECT_TIMEOUT: '500ms',
      DOCPUSH_DB_ACQUIRE_TIMEOUT: '500ms',
    });
    observer = await connectObserver(app);
  });

  beforeEach(async () => {
    heldConnections = await holdPoolConnections(app.app, POOL_SIZE);
    const poolQuery = await rejectionOf(app.app.services.orm.em.fork().execute('select 1'));
    expect(isConnectionTimeout(poolQuery)).toBe(true);
  });

  afterEach(async () => {
    await heldConnections.release();
  });

  afterAll(async () => {
    await observer?.end();
    await app?.stop();
  });

  it('answers 200 while the pool is busy', async () => {
    const answer = await readiness(app.app);

    expect(answer.status).toBe(200);
    expect(answer.body.failed).toEqual([]);
    expect(answer.body.checks.database).toEqual({ status: 'ok' });
  });

  it('names a pending migration while the pool is busy', async () => {
    const { rows } = await observer.query<{ name: string }>(`delete from ${MIGRATIONS_TABLE} where id = (select max(id) from ${MIGRATIONS_TABLE}) returning name`);
    const removed = rows[0].name;

    const pending = await readiness(app.app);
    await observer.query(`insert into ${MIGRATIONS_TABLE} (name) values ($1)`, [removed]);

    expect(pending.status).toBe(503);
    expect(pending.body.failed).toEqual(['migrations']);
    expect(pending.body.checks.migrations.reason).toBe(`1 pending migration(s): ${removed}`);
    expect((await readiness(app.app)).status).toBe(200);
  });
});

describe('readiness connection', () => {
  let app: TestApp;
  let observer: pg.Client;

  beforeAll(async () => {
    app = await startTestApp({ DOCPUSH_ROLE: 'api' });
    observer = await connectObserver(app);
  });

  afterAll(async () => {
    await observer?.end();
    await app?.stop();
  });

  it('reconnects after its session is terminated', async () => {
    expect((await readiness(app.app)).status).toBe(200);
    const [terminated, ...others] = await readinessSessions(observer);
    expect(terminated).toEqual(expect.any(Number));
    expect(others).toEqual([]);

    await observer.query('select pg_terminate_backend($1)', [terminated]);
    await waitFor(async () => !(await readinessSessions(observer)).includes(terminated), { description: 'the terminated session to end' });
    const answer = await readiness(app.app);

    expect(answer.status).toBe(200);
    expect(answer.body.failed).toEqual([]);
    const sessions = await readinessSessions(observer);
    expect(sessions).toHaveLength(1);
    expect(sessions).not.toContain(terminated);
  });

  it('shares one run among concurrent checks', async () => {
    let jobChecks = 0;
    const probe = new ReadinessProbe({
      connectionSettings: postgresConnectionSettings(app.databaseUrl, 5000),
      migrationNames: listMigrationNames(),
      secretBox: app.app.services.secretBox,
      jobProcessorRunning: () => {
        jobChecks += 1;
        return true;
      },
      logger: app.app.services.logger,
    });
    try {
      const reports = await Promise.all([probe.check(), probe.check(), probe.check()]);
      expect(jobChecks).toBe(1);
      expect(reports.map((report) => report.status)).toEqual(['ready', 'ready', 'ready']);

      await probe.check();
      expect(jobChecks).toBe(2);
    } finally {
      await probe.close();
    }
  });

  it('sends only startup parameters that PgBouncer accepts', async () => {
    // PgBouncer 1.18 takes these, which the main pool and the LISTEN connection send too, and by
    // default closes a connection whose startup message has another, such as statement_timeout.
    const acceptedByPgBouncer = ['user', 'database', 'application_name', 'client_encoding'];
    const recorder = await startStartupRecorder();
    const probe = new ReadinessProbe({
      connectionSettings: postgresConnectionSettings(`postgres://docpush@127.0.0.1:${recorder.port}/docpush`, 5000),
      migrationNames: listMigrationNames(),
      secretBox: app.app.services.secretBox,
      jobProcessorRunning: null,
      logger: app.app.services.logger,
    });
    try {
      const report = await probe.check();
      const names = await recorder.parameterNames;

      expect(report.failed).toContain('database');
      expect(names).toContain('application_name');
      expect(names.filter((name) => !acceptedByPgBouncer.includes(name))).toEqual([]);
    } finally {
      await probe.close();
      await recorder.close();
    }
  });

  it('reconnects after its SET timed out', async () => {
    const direct = new URL(app.databaseUrl);
    const proxy = await startAnswerlessProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    const proxied = new URL(app.databaseUrl);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    const probe = new ReadinessProbe({
      connectionSettings: postgresConnectionSettings(proxied.toString(), 5000),
      migrationNames: listMigrationNames(),
      secretBox: app.app.services.secretBox,
      jobProcessorRunning: null,
      logger: app.app.services.logger,
    });
    try {
      const first = await probe.check();
      // Sent before the first connection has closed, so waiting for it would fail at once.
      const second = await probe.check();

      expect(first.checks.database?.reason).toBe('no answer within 2000 ms');
      expect(second.checks.database?.reason).toBe('no answer within 2000 ms');
      expect(proxy.connections()).toBe(2);
    } finally {
      await probe.close();
      await proxy.close();
    }
  });

  it('closes when the app stops', async () => {
    const database = await createTestDatabase();
    const stopping = await startAppOnDatabase(database.url, { DOCPUSH_ROLE: 'api' });
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      expect((await readiness(stopping)).status).toBe(200);
      expect(await readinessSessions(client)).toHaveLength(1);

      await stopping.stop();

      await waitFor(async () => (await readinessSessions(client)).length === 0, { description: 'the readiness session to end' });
    } finally {
      await client.end();
      await database.drop();
    }
  });
});

describe('readiness while a table is locked', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ DOCPUSH_ROLE: 'api' });
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('ends a timed-out server key check', async () => {
    const blocker = new pg.Client({ connectionString: app.databaseUrl });
    await blocker.connect();
    try {
      await blocker.query('begin');
      await blocker.query('lock table push_connections in access exclusive mode');
      const runningQueries = () => countActiveQueries(blocker, 'jsonb_array_elements(newest.signing_secrets)');

      const answering = readiness(app.app);
      await waitFor(async () => (await runningQueries()) > 0, { description: 'the key check to wait for the lock' });
      const answer = await answering;

      expect(answer.status).toBe(503);
      expect(answer.body.failed).toEqual(['secrets']);
      // The probe has given up on the query, which must not keep waiting while the lock lasts.
      await waitFor(async () => (await runningQueries()) === 0, { description: 'the timed-out key check to end' });
    } finally {
      await blocker.query('rollback');
      await blocker.end();
    }
  });

  it('ends a timed-out migrations check', async () => {
    const blocker = new pg.Client({ connectionString: app.databaseUrl });
    await blocker.connect();
    try {
      await blocker.query('begin');
      await blocker.query(`lock table ${MIGRATIONS_TABLE} in access exclusive mode`);
      const runningQueries = () => countActiveQueries(blocker, MIGRATIONS_TABLE);

      const answering = readiness(app.app);
      await waitFor(async () => (await runningQueries()) > 0, { description: 'the migrations check to wait for the lock' });
      const answer = await answering;

      expect(answer.status).toBe(503);
      expect(answer.body.failed).toEqual(['migrations']);
      // The lock lasts, so only a cancelled statement ends.
      await waitFor(async () => (await runningQueries()) === 0, { description: 'the timed-out migrations check to end' });
    } finally {
      await blocker.query('rollback');
      await blocker.end();
    }
  });

  it('keeps its statement time-out when DATABASE_URL sets one', async () => {
    // node-postgres lets the parameters of the URL override the settings passed beside it, and 0 turns the time-out off.
    const url = new URL(app.databaseUrl);
    url.searchParams.set('statement_timeout', '0');
    const probe = new ReadinessProbe({
      connectionSettings: postgresConnectionSettings(url.toString(), 5000),
      migrationNames: listMigrationNames(),
      secretBox: app.app.services.secretBox,
      jobProcessorRunning: null,
      logger: app.app.services.logger,
    });
    const blocker = new pg.Client({ connectionString: app.databaseUrl });
    await blocker.connect();
    try {
      await blocker.query('begin');
      await blocker.query(`lock table ${MIGRATIONS_TABLE} in access exclusive mode`);
      const runningQueries = () => countActiveQueries(blocker, MIGRATIONS_TABLE);

      const report = await probe.check();

      expect(report.failed).toEqual(['migrations']);
      // The lock lasts, so only a statement that PostgreSQL cancels ends.
      await waitFor(async () => (await runningQueries()) === 0, { description: 'the timed-out migrations check to end' });
    } finally {
      await blocker.query('rollback');
      await blocker.end();
      await probe.close();
    }
  });
});

describe('readiness of a worker-only process', () => {
  let database: TestDatabase;
  let worker: RunningApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    worker = await startAppOnDatabase(database.url, { DOCPUSH_ROLE: 'worker' });
  });

  afterAll(async () => {
    await worker?.stop();
    await database?.drop();
  });

  it('serves the monitoring routes but not GraphQL', async () => {
    expect(worker.url).toBeNull();

    expect((await fetch(`${worker.monitoringUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${worker.monitoringUrl}/metrics`)).status).toBe(200);
    expect((await fetch(`${worker.monitoringUrl}/graphql`, { method: 'POST' })).status).toBe(404);
  });

  it('answers 503 naming the jobs check once the job processor stops', async () => {
    expect((await readiness(worker)).body.checks.jobs).toEqual({ status: 'ok' });

    await worker.queue.agenda.stop(false);
    const stopped = await readiness(worker);

    expect(stopped.status).toBe(503);
    expect(stopped.body.failed).toEqual(['jobs']);
    expect(stopped.body.checks.jobs.status).toBe('failed');
  });
});
