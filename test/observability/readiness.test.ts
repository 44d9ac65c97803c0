import pg from 'pg';
import type { RunningApp } from '../../src/app/app';
import { NOT_CHECKED_WITHOUT_DATABASE } from '../../src/observability/health';
import { startAppOnDatabase, startTestApp, type TestApp } from '../support/test-app';
import { countActiveQueries, createTestDatabase, type TestDatabase } from '../support/test-database';
import { waitFor } from '../support/wait';
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

describe('readiness while push_connections is locked', () => {
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
      // The probe has given up on the query, which must not keep a pool connection while the lock lasts.
      await waitFor(async () => (await runningQueries()) === 0, { description: 'the timed-out key check to end' });
    } finally {
      await blocker.query('rollback');
      await blocker.end();
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
