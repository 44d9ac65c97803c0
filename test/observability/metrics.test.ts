import { print } from 'graphql';
import pg from 'pg';
import { countActiveQueries } from '../support/test-database';
import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { startListener, type TestListener } from '../support/listener';
import { seedWorkspace, seedRecord, recordEvent, type SeededWorkspace } from '../support/fixtures';
import { waitFor } from '../support/wait';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { CreatePushConnectionDocument, DisablePushConnectionDocument, EnablePushConnectionDocument, DeliveryLogDocument } from '../generated/graphql';
import { parsePrometheusText, sampleValue, type Sample } from './prometheus-text';

let app: TestApp;
let seeded: SeededWorkspace;

beforeAll(async () => {
  app = await startTestApp();
  seeded = await seedWorkspace(app);
});

afterAll(async () => {
  await app?.stop();
});

async function scrape(target: TestApp = app): Promise<Sample[]> {
  const response = await fetch(`${target.app.monitoringUrl}/metrics`);
  expect(response.status).toBe(200);
  return parsePrometheusText(await response.text());
}

async function createEnabledConnection(target: TestApp, url: string): Promise<string> {
  const created = dataOf(
    await target.request(CreatePushConnectionDocument, { input: { name: 'Metrics listener', url, eventTypes: ['DocumentRecordUpdated'] } }),
  ).createPushConnection;
  dataOf(await target.request(EnablePushConnectionDocument, { id: created.id }));
  return created.id;
}

async function recordUpdates(target: TestApp, seededWorkspace: SeededWorkspace, count: number): Promise<void> {
  const record = await seedRecord(target, seededWorkspace);
  for (let i = 0; i < count; i += 1) {
    await recordEvent(target, record, DocumentRecordEventType.DocumentRecordUpdated, seededWorkspace.author);
  }
}

/** Polls /metrics until `read` reaches `target`, then returns the samples of that scrape. */
async function scrapeUntil(read: (samples: Sample[]) => number, target: number, description: string): Promise<Sample[]> {
  let samples: Sample[] = [];
  await waitFor(
    async () => {
      samples = await scrape();
      return read(samples) >= target;
    },
    { description, timeoutMs: 15_000, intervalMs: 50 },
  );
  return samples;
}

const succeeded2xx = (samples: Sample[]) => sampleValue(samples, 'docpush_deliveries_total', { outcome: 'succeeded', response_class: '2xx' });
const attemptCount = (samples: Sample[]) => sampleValue(samples, 'docpush_delivery_attempt_duration_seconds_count', { outcome: 'succeeded' });

describe('monitoring endpoints', () => {
  it('answers /healthz with status ok', async () => {
    const response = await fetch(`${app.app.monitoringUrl}/healthz`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz with every check passing', async () => {
    const response = await fetch(`${app.app.monitoringUrl}/readyz`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ready',
      failed: [],
      checks: { database: { status: 'ok' }, migrations: { status: 'ok' }, secrets: { status: 'ok' }, jobs: { status: 'ok' } },
    });
  });

  it('serves /metrics without an API key, in the Prometheus format', async () => {
    const response = await fetch(`${app.app.monitoringUrl}/metrics`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parsePrometheusText(await response.text());
    expect(sampleValue(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sampleValue(samples, 'docpush_deliveries_total', { outcome: 'failed', response_class: 'none' })).toBe(0);
  });

  it('still serves GraphQL behind the monitoring routes', async () => {
    const response = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${app.adminKey}` },
      body: JSON.stringify({ query: '{ __typename }' }),
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('delivery metrics', () => {
  let listener: TestListener;

  beforeAll(async () => {
    listener = await startListener();
  });

  afterAll(async () => {
    await listener?.close();
  });

  it('count each 2xx delivery exactly once', async () => {
    await createEnabledConnection(app, listener.url);
    const before = await scrape();

    await recordUpdates(app, seeded, 3);
    await listener.waitForRequests(3);
    const after = await scrapeUntil((samples) => succeeded2xx(samples), succeeded2xx(before) + 3, 'three more 2xx deliveries');

    expect(succeeded2xx(after) - succeeded2xx(before)).toBe(3);
    expect(attemptCount(after) - attemptCount(before)).toBe(3);
    expect(sampleValue(after, 'docpush_delivery_attempt_duration_seconds_sum', { outcome: 'succeeded' })).toBeGreaterThan(0);
    expect(sampleValue(after, 'docpush_delivery_retries_scheduled_total')).toBe(sampleValue(before, 'docpush_delivery_retries_scheduled_total'));
  });

  it('count a 5xx failure and its scheduled retry', async () => {
    const failing = await startListener((_request, response) => {
      response.writeHead(503, { 'content-type': 'text/plain' });
      response.end('maintenance');
    });
    try {
      const before = await scrape();
      await createEnabledConnection(app, failing.url);
      await recordUpdates(app, seeded, 1);

      const failed5xx = (samples: Sample[]) => sampleValue(samples, 'docpush_deliveries_total', { outcome: 'failed', response_class: '5xx' });
      const after = await scrapeUntil((samples) => sampleValue(samples, 'docpush_delivery_retries_scheduled_total'), 1, 'a scheduled retry');

      expect(failed5xx(after) - failed5xx(before)).toBeGreaterThanOrEqual(1);
      expect(sampleValue(after, 'docpush_delivery_attempt_duration_seconds_count', { outcome: 'failed' })).toBeGreaterThanOrEqual(1);
    } finally {
      await failing.close();
    }
  });

  it('count a connection that a 410 answer disabled', async () => {
    const gone = await startListener((_request, response) => {
      response.writeHead(410);
      response.end();
    });
    try {
      const before = await scrape();
      const connectionId = await createEnabledConnection(app, gone.url);
      await recordUpdates(app, seeded, 1);

      const disabledGone = (samples: Sample[]) => sampleValue(samples, 'docpush_push_connections_auto_disabled_total', { reason: 'gone' });
      const after = await scrapeUntil(disabledGone, disabledGone(before) + 1, `connection ${connectionId} disabled by a 410 answer`);

      expect(disabledGone(after) - disabledGone(before)).toBe(1);
      expect(sampleValue(after, 'docpush_deliveries_total', { outcome: 'failed', response_class: '4xx' })).toBeGreaterThanOrEqual(1);
      expect(sampleValue(after, 'docpush_push_connections_disabled', { cause: 'automatic' })).toBe(1);
    } finally {
      await gone.close();
    }
  });

  it('count manual disables but not never-enabled connections', async () => {
    const disabled = (samples: Sample[], cause: string) => sampleValue(samples, 'docpush_push_connections_disabled', { cause });
    const before = await scrape();

    const neverEnabled = dataOf(
      await app.request(CreatePushConnectionDocument, { input: { name: 'Never enabled', url: listener.url, eventTypes: ['DocumentRecordUpdated'] } }),
    ).createPushConnection;
    dataOf(await app.request(DisablePushConnectionDocument, { id: neverEnabled.id }));
    const enabledOnce = await createEnabledConnection(app, listener.url);
    dataOf(await app.request(DisablePushConnectionDocument, { id: enabledOnce }));
    const after = await scrape();

    expect(disabled(after, 'manual') - disabled(before, 'manual')).toBe(1);
    expect(disabled(after, 'automatic')).toBe(disabled(before, 'automatic'));
  });

  it('report open deliveryLog subscriptions', async () => {
    const client = app.wsClient();
    const unsubscribe = client.subscribe({ query: print(DeliveryLogDocument), variables: {} }, { next: () => undefined, error: () => undefined, complete: () => undefined });

    const samples = await scrapeUntil((current) => sampleValue(current, 'docpush_delivery_log_subscribers'), 1, 'one deliveryLog subscriber');
    expect(sampleValue(samples, 'docpush_delivery_log_subscribers')).toBe(1);

    unsubscribe();
    await waitFor(async () => sampleValue(await scrape(), 'docpush_delivery_log_subscribers') === 0, { description: 'the subscriber gauge to drop to 0' });
  });
});

describe('backlog gauges of an API-only process', () => {
  let apiOnly: TestApp;
  let apiSeeded: SeededWorkspace;
  let listener: TestListener;

  beforeAll(async () => {
    apiOnly = await startTestApp({ DOCPUSH_ROLE: 'api' });
    apiSeeded = await seedWorkspace(apiOnly);
    listener = await startListener();
  });

  afterAll(async () => {
    await listener?.close();
    await apiOnly?.stop();
  });

  it('count messages that no worker takes', async () => {
    await createEnabledConnection(apiOnly, listener.url);
    await recordUpdates(apiOnly, apiSeeded, 4);

    const samples = await scrape(apiOnly);

    expect(sampleValue(samples, 'docpush_push_messages_pending')).toBe(4);
    expect(sampleValue(samples, 'docpush_push_messages_due')).toBe(4);
    expect(sampleValue(samples, 'docpush_push_messages_oldest_due_age_seconds')).toBeGreaterThan(0);
    expect(listener.requests).toHaveLength(0);
  });

  it('keeps its counters apart from the other app in this process', async () => {
    const samples = await scrape(apiOnly);

    expect(sampleValue(samples, 'docpush_deliveries_total', { outcome: 'succeeded', response_class: '2xx' })).toBe(0);
    expect(succeeded2xx(await scrape(app))).toBeGreaterThanOrEqual(3);
  });

  it('answers /readyz without a jobs check', async () => {
    const response = await fetch(`${apiOnly.app.monitoringUrl}/readyz`);

    expect(response.status).toBe(200);
    expect(((await response.json()) as { checks: unknown }).checks).toEqual({ database: { status: 'ok' }, migrations: { status: 'ok' }, secrets: { status: 'ok' } });
  });
});

describe('backlog gauges while push_messages is locked', () => {
  it('ends a timed-out backlog query', async () => {
    const blocker = new pg.Client({ connectionString: app.databaseUrl });
    await blocker.connect();
    try {
      await blocker.query('begin');
      await blocker.query('lock table push_messages in access exclusive mode');
      const runningQueries = () => countActiveQueries(blocker, 'with due as (');

      const scraping = scrape();
      await waitFor(async () => (await runningQueries()) > 0, { description: 'the backlog query to wait for the lock' });
      const samples = await scraping;

      expect(sampleValue(samples, 'docpush_push_messages_pending')).toBeNaN();
      // The scrape has given up on the query, which must not keep a pool connection while the lock lasts.
      await waitFor(async () => (await runningQueries()) === 0, { description: 'the timed-out backlog query to end' });
    } finally {
      await blocker.query('rollback');
      await blocker.end();
    }
  });
});

describe('concurrent scrapes while push_messages is locked', () => {
  let smallPool: TestApp;

  beforeAll(async () => {
    smallPool = await startTestApp({ DOCPUSH_ROLE: 'api', DOCPUSH_DB_POOL_SIZE: '2' });
  });

  afterAll(async () => {
    await smallPool?.stop();
  });

  it('share one backlog query', async () => {
    const blocker = new pg.Client({ connectionString: smallPool.databaseUrl });
    await blocker.connect();
    let scrapes: Array<Promise<Sample[]>> = [];
    try {
      await blocker.query('begin');
      await blocker.query('lock table push_messages in access exclusive mode');
      scrapes = Array.from({ length: 10 }, () => scrape(smallPool));
      await waitFor(async () => (await countActiveQueries(blocker, 'with due as (')) > 0, { description: 'the backlog query to wait for the lock' });

      // A query of one scrape per pool connection would leave none free until the acquire time-out.
      const rows = await smallPool.app.services.orm.em.fork().execute('select 1 as one');

      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await blocker.query('rollback');
      await blocker.end();
    }
    await Promise.all(scrapes);
  });
});
