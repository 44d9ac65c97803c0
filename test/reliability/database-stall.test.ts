import { Writable } from 'node:stream';
import pg from 'pg';
import pino from 'pino';
import type { JobId, JobNotification } from 'agenda';
import type { RunningApp } from '../../src/app/app';
import { PgChannelListener } from '../../src/common/pg-channel-listener';
import { JobNotificationChannel, parseJobNotification, serializeJobNotification } from '../../src/jobs/job-notification.channel';
import { NO_DATABASE_CONNECTION_MESSAGE, isConnectionTimeout, isDatabaseUnavailable } from '../../src/database/database-unavailable';
import { bearer, postGraphQL, type RawResponse } from '../security/security-support';
import type { ReadinessReport } from '../../src/observability/health';
import { startAppOnDatabase } from '../support/test-app';
import { countLockWaits, createTestDatabase, type TestDatabase } from '../support/test-database';
import { startTestApp, type TestApp } from '../support/test-app';
import { seedRecord, seedWorkspace } from '../support/fixtures';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { rejectionOf, waitFor } from '../support/wait';

const silent = pino({ level: 'silent' });

/** Returns the database URL with its host and port replaced by the proxy's. */
function throughProxy(databaseUrl: string, proxy: TcpProxy): string {
  const proxied = new URL(databaseUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(proxy.port);
  return proxied.toString();
}

async function startProxyTo(databaseUrl: string): Promise<TcpProxy> {
  const direct = new URL(databaseUrl);
  return startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
}

async function notify(databaseUrl: string, channel: string, payload: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('select pg_notify($1, $2)', [channel, payload]);
  } finally {
    await client.end();
  }
}

async function sessionCount(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query<{ count: number }>('select count(*)::int as count from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
    return result.rows[0].count;
  } finally {
    await client.end();
  }
}

describe('PgChannelListener through a failing network', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;

  beforeEach(async () => {
    database = await createTestDatabase();
    proxy = await startProxyTo(database.url);
  });

  afterEach(async () => {
    await proxy?.close();
    await database?.drop();
  });

  it('receives notifications again after a cut', async () => {
    const payloads: string[] = [];
    const listener = new PgChannelListener({ connectionString: throughProxy(database.url, proxy), logger: silent });
    await listener.subscribe('stall_test', { onPayload: (payload) => payloads.push(payload) });
    await listener.start();

    await proxy.cut();
    await proxy.restore();
    // Notifications sent while the listener reconnects are lost, so this sends until one arrives.
    await waitFor(
      async () => {
        await notify(database.url, 'stall_test', 'after the cut');
        return payloads.includes('after the cut');
      },
      { description: 'a notification after the reconnect', intervalMs: 50 },
    );
    await listener.stop();

    expect(payloads).toContain('after the cut');
  });

  it('fails a start after its connect time-out', async () => {
    await proxy.stall();
    // The default connect time-out of 10 s would outlast this test's limit.
    const listener = new PgChannelListener({ connectionString: throughProxy(database.url, proxy), logger: silent, connectTimeoutMs: 200 });

    const error = await rejectionOf(listener.start());

    expect(error.message).toBe('timeout expired');
    expect(listener.connected).toBe(false);
  }, 5_000);

  it('closes a connection that opens after its stop', async () => {
    const listener = new PgChannelListener({ connectionString: throughProxy(database.url, proxy), logger: silent });
    await listener.start();
    // Two channels, so the late connection has two LISTENs to run before its stop check.
    await listener.subscribe('stall_test', { onPayload: () => undefined });
    await listener.subscribe('stall_other', { onPayload: () => undefined });
    await proxy.cut();
    await proxy.stall();
    await waitFor(() => proxy.stalledConnections >= 1, { description: 'a reconnect attempt held by the stalled network' });

    await listener.stop();
    await proxy.restore();

    await waitFor(() => proxy.openConnections === 0, { description: 'the late connection to be closed', timeoutMs: 15_000 });
    expect(await sessionCount(database.url)).toBe(0);
  });
});

describe('PgChannelListener restarted during a reconnect', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;

  beforeAll(async () => {
    database = await createTestDatabase();
    proxy = await startProxyTo(database.url);
  });

  afterAll(async () => {
    await proxy?.close();
    await database?.drop();
  });

  it('keeps one connection when the old attempt fails', async () => {
    const payloads: string[] = [];
    const listener = new PgChannelListener({ connectionString: throughProxy(database.url, proxy), logger: silent });
    await listener.subscribe('restart_test', { onPayload: (payload) => payloads.push(payload) });
    await listener.start();
    await proxy.cut();
    await proxy.stall();
    await waitFor(() => proxy.stalledConnections >= 1, { description: 'a reconnect attempt held by the stalled network' });

    await listener.stop();
    await proxy.restore({ held: 'keep' });
    await listener.start();
    proxy.dropHeld();
    // Longer than the listener's reconnect delay after a failed attempt (100 ms, doubled once),
    // so a reconnect scheduled by the failed attempt would have opened a second connection.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await notify(database.url, 'restart_test', 'once');
    await waitFor(() => payloads.includes('once'), { description: 'the notification' });
    await listener.stop();

    expect(payloads).toEqual(['once']);
    await waitFor(() => proxy.openConnections === 0, { description: 'every connection of the stopped listener to be closed', timeoutMs: 15_000 });
    expect(await sessionCount(database.url)).toBe(0);
  });
});

describe('JobNotificationChannel', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('passes a published job to subscribers', async () => {
    const listener = new PgChannelListener({ connectionString: database.url, logger: silent });
    await listener.start();
    const channel = new JobNotificationChannel({ listener, notify: (name, payload) => notify(database.url, name, payload) });
    await channel.connect();
    const received = new Promise<JobNotification>((resolve) => channel.subscribe(resolve));
    const nextRunAt = new Date('2026-12-05T10:00:00.000Z');

    await channel.publish({ jobId: 'job-1' as JobId, jobName: 'deliver-push-message', nextRunAt, priority: 10, timestamp: new Date(), source: 'test' });
    const notification = await received;
    await channel.disconnect();
    const listenerConnected = listener.connected;
    await listener.stop();

    expect(notification.jobId).toBe('job-1');
    expect(notification.jobName).toBe('deliver-push-message');
    expect(notification.nextRunAt).toEqual(nextRunAt);
    expect(notification.priority).toBe(10);
    expect(notification.source).toBe('test');
    expect(channel.state).toBe('disconnected');
    // The channel's disconnect leaves the shared connection to the process's other channels.
    expect(listenerConnected).toBe(true);
  });

  it('round-trips a notification without a run time', () => {
    const timestamp = new Date('2026-12-05T09:00:00.000Z');
    const payload = serializeJobNotification({ jobId: 'job-2' as JobId, jobName: 'sweep', nextRunAt: null, priority: 0, timestamp });

    expect(parseJobNotification(payload)).toEqual({ jobId: 'job-2', jobName: 'sweep', nextRunAt: null, priority: 0, timestamp, source: undefined });
  });

  it('rejects a payload without a job id', () => {
    expect(() => parseJobNotification('{"jobName":"sweep","timestamp":"2026-12-05T09:00:00.000Z"}')).toThrow(/is missing jobId, jobName or timestamp/);
  });
});

describe('app stop while the database stalls', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let app: RunningApp;
  let httpStopped: Promise<void>;

  beforeAll(async () => {
    database = await createTestDatabase();
    proxy = await startProxyTo(database.url);
    // The stop logs this line just before the worker's parts end their subscriptions and the channel listener stops.
    let onHttpStopped: () => void = () => undefined;
    httpStopped = new Promise((resolve) => (onHttpStopped = resolve));
    const logLines = new Writable({
      write(line: Buffer, _encoding, done) {
        if (line.toString().includes('"msg":"HTTP server stopped"')) onHttpStopped();
        done();
      },
    });
    app = await startAppOnDatabase(throughProxy(database.url, proxy), {}, { logger: pino({ level: 'debug' }, logLines) });
  });

  afterAll(async () => {
    await proxy?.close();
    await database?.drop();
  });

  it('leaves no database connection open', async () => {
    await proxy.cut();
    await proxy.stall();
    // The app's one channel listener retries after 100 ms, and the ORM's and Agenda's pools open
    // connections for their next polls within a second, so the listener's attempt is among these.
    await waitFor(() => proxy.stalledConnections >= 3, { description: 'reconnect attempts held by the stalled network' });

    // The network returns once the listeners have stopped, so their held attempts connect late.
    const stopped = app.stop();
    await httpStopped;
    await proxy.restore();
    await stopped;

    await waitFor(() => proxy.openConnections === 0, { description: 'every connection of the stopped app to be closed', timeoutMs: 15_000 });
    expect(await sessionCount(database.url)).toBe(0);
  });
});

describe('API while the database stalls', () => {
  /** DOCPUSH_DB_CONNECT_TIMEOUT and DOCPUSH_DB_ACQUIRE_TIMEOUT of the app, far below knex's 30 s and 60 s. */
  const POOL_TIMEOUT_MS = 500;
  let database: TestDatabase;
  let proxy: TcpProxy;
  let app: RunningApp;

  async function postQuery(): Promise<{ elapsedMs: number; reply: RawResponse }> {
    const startedAt = Date.now();
    const reply = await postGraphQL(app.url!, '{ workspace { id } }', {}, bearer(app.firstAdminKey!));
    return { elapsedMs: Date.now() - startedAt, reply };
  }

  async function readiness(): Promise<{ elapsedMs: number; status: number; body: ReadinessReport }> {
    const startedAt = Date.now();
    const response = await fetch(`${app.monitoringUrl}/readyz`);
    const body = (await response.json()) as ReadinessReport;
    return { elapsedMs: Date.now() - startedAt, status: response.status, body };
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    proxy = await startProxyTo(database.url);
    // Without the key cache, every request looks its API key up through the pool.
    app = await startAppOnDatabase(throughProxy(database.url, proxy), {
      DOCPUSH_ROLE: 'api',
      DOCPUSH_API_KEY_CACHE_TTL: '0',
      DOCPUSH_DB_CONNECT_TIMEOUT: `${POOL_TIMEOUT_MS}ms`,
      DOCPUSH_DB_ACQUIRE_TIMEOUT: `${POOL_TIMEOUT_MS}ms`,
    });
  });

  beforeEach(async () => {
    expect((await postQuery()).reply.status).toBe(200);
    // cut closes the pool's open connections, on which no pool time-out bounds a query (see
    // ormOptions), and stall then keeps every new connection open without passing a byte.
    await proxy.cut();
    await proxy.stall();
    // A pooled connection whose close the pool has not read yet fails its next query at once with
    // "Connection terminated unexpectedly". Using those up makes the checks below meet the stall.
    await waitFor(async () => isConnectionTimeout(await rejectionOf(app.services.orm.em.fork().execute('select 1'))), {
      description: 'a query to time out waiting for a connection',
    });
  }, 10_000);

  afterEach(async () => {
    await proxy.restore();
  });

  afterAll(async () => {
    await proxy?.restore();
    await app?.stop();
    await proxy?.close();
    await database?.drop();
  });

  it('returns 503 SERVICE_UNAVAILABLE within the time-out', async () => {
    const { elapsedMs, reply } = await postQuery();

    expect(reply.status).toBe(503);
    expect(reply.body.errors?.[0].extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(reply.body.errors?.[0].message).toBe(NO_DATABASE_CONNECTION_MESSAGE);
    expect(proxy.stalledConnections).toBeGreaterThan(0);
    // Generous for a loaded machine, and far below the 30 s that knex waits by default.
    expect(elapsedMs).toBeLessThan(POOL_TIMEOUT_MS + 2_000);
  });

  it('names the connection time-out in /readyz', async () => {
    const { status, body } = await readiness();

    expect(status).toBe(503);
    expect(body.failed).toContain('database');
    // The reason names the connect time-out: without it, the probe's own limit would end the check with "no answer within 2000 ms".
    expect(body.checks.database?.reason).toBe('no database connection within DOCPUSH_DB_CONNECT_TIMEOUT (at most 2000 ms for this check)');
  });

  it('serves requests again once the stall ends', async () => {
    await proxy.restore();

    await waitFor(async () => (await postQuery()).reply.status === 200, { description: 'a request to succeed after the stall' });
    expect((await readiness()).status).toBe(200);
  });
});

describe('isDatabaseUnavailable with a stalled database', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;

  beforeAll(async () => {
    database = await createTestDatabase();
    proxy = await startProxyTo(database.url);
    await proxy.stall();
  });

  afterAll(async () => {
    await proxy?.close();
    await database?.drop();
  });

  it("recognises node-postgres's connect time-out", async () => {
    const client = new pg.Client({ connectionString: throughProxy(database.url, proxy), connectionTimeoutMillis: 200 });

    const error = await rejectionOf(client.connect());

    expect(error.message).toBe('timeout expired');
    expect(isDatabaseUnavailable(error)).toBe(true);
  });
});

describe('API with every pool connection busy', () => {
  const ACQUIRE_TIMEOUT_MS = 500;
  let app: TestApp;
  let locker: pg.Client;

  beforeAll(async () => {
    app = await startTestApp({
      DOCPUSH_ROLE: 'api',
      DOCPUSH_DB_POOL_SIZE: '1',
      DOCPUSH_DB_CONNECT_TIMEOUT: `${ACQUIRE_TIMEOUT_MS}ms`,
      DOCPUSH_DB_ACQUIRE_TIMEOUT: `${ACQUIRE_TIMEOUT_MS}ms`,
    });
    locker = new pg.Client({ connectionString: app.databaseUrl });
    await locker.connect();
  });

  afterAll(async () => {
    await locker?.end();
    await app?.stop();
  });

  it('names the pool settings in SERVICE_UNAVAILABLE', async () => {
    const record = await seedRecord(app, await seedWorkspace(app));
    // Caches the API key, so that the next requests need the pool only in their resolvers.
    expect((await postGraphQL(app.url, '{ workspace { id } }', {}, bearer(app.adminKey))).status).toBe(200);

    // The event statement takes the pool's one connection and waits for the record's row lock.
    await locker.query('begin');
    await locker.query('select id from document_records where id = $1 for update', [record.id]);
    const blocked = postGraphQL(
      app.url,
      'mutation ($input: RecordDocumentEventInput!) { recordDocumentEvent(input: $input) { event { id } } }',
      { input: { documentRecordId: String(record.id), type: 'SignCompleted' } },
      bearer(app.adminKey),
    );
    try {
      await waitFor(async () => (await countLockWaits(locker)) > 0, { description: 'the event statement to wait for the row lock' });

      const reply = await postGraphQL(app.url, '{ pushConnections(first: 1) { totalCount } }', {}, bearer(app.adminKey));

      expect(reply.body.errors?.[0].extensions?.code).toBe('SERVICE_UNAVAILABLE');
      expect(reply.body.errors?.[0].message).toBe(NO_DATABASE_CONNECTION_MESSAGE);
    } finally {
      await locker.query('rollback');
    }
    const stored = await blocked;
    expect(stored.body.errors).toBeUndefined();
  });
});
