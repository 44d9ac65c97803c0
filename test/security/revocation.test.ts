import os from 'node:os';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import pino from 'pino';
import { startTestApp, TEST_ENV, type TestApp } from '../support/test-app';
import { waitFor } from '../support/wait';
import { subscribeAttached } from '../support/feed-subscribers';
import { loadConfig } from '../../src/config/config';
import { startApp, type RunningApp } from '../../src/app/app';
import { ApiKey } from '../../src/workspace/api-key.entity';
import { API_KEY_REVOKED_CHANNEL } from '../../src/workspace/auth.service';
import { findListenBackends, findListenBackendPids, terminateBackend } from '../support/listen-backends';
import { LISTENER_APPLICATION_NAME } from '../../src/common/pg-channel-listener';
import { bearer, captureLogs, collect, okData, openWs, postGraphQL, waitForFeedSubscribers, type WsProbe } from './security-support';

const DELIVERY_LOG = 'subscription { deliveryLog { id } }';
const WORKSPACE = 'query { workspace { id } }';

/** A process that re-checks keys only every hour, so anything faster came from the revocation notice. */
let app: TestApp;
/** A second API process on the same database. */
let secondProcess: RunningApp;
/** A process that re-checks the keys of open connections every 200 ms. */
let recheckingApp: TestApp;
const probes: WsProbe[] = [];

beforeAll(async () => {
  app = await startTestApp({ DOCPUSH_AUTH_RECHECK_INTERVAL: '1h' });
  const config = loadConfig({
    ...TEST_ENV,
    DATABASE_URL: app.databaseUrl,
    DOCPUSH_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'docpush-second-')),
    DOCPUSH_ROLE: 'api',
    DOCPUSH_AUTH_RECHECK_INTERVAL: '1h',
  });
  secondProcess = await startApp(config, { logger: pino({ level: 'silent' }) });
  recheckingApp = await startTestApp({ DOCPUSH_AUTH_RECHECK_INTERVAL: '200ms' });
}, 60_000);

afterAll(async () => {
  for (const probe of probes) await probe.client.dispose();
  await secondProcess?.stop();
  await recheckingApp?.stop();
  await app?.stop();
});

async function createKey(target: TestApp, role: 'ADMIN' | 'MEMBER'): Promise<{ id: string; key: string }> {
  const data = okData(
    await postGraphQL(target.url, 'mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { id } } }', { input: { name: `${role} to revoke`, role } }, bearer(target.adminKey)),
  );
  return { id: data.createApiKey.apiKey.id, key: data.createApiKey.key };
}

async function revoke(target: TestApp, id: string): Promise<void> {
  okData(await postGraphQL(target.url, 'mutation ($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }', { id }, bearer(target.adminKey)));
}

/** Opens an authenticated subscription on `url` and waits until the server acknowledged the connection. */
async function subscribe(url: string, key: string) {
  const probe = openWs(url, { authorization: bearer(key) });
  probes.push(probe);
  const stream = collect(probe.client, DELIVERY_LOG);
  await probe.connected;
  return { probe, stream };
}

describe('revoked key over HTTP', () => {
  it('is rejected on the next request', async () => {
    const { id, key } = await createKey(app, 'MEMBER');
    expect(okData(await postGraphQL(app.url, WORKSPACE, {}, bearer(key))).workspace.id).toBeTruthy();

    await revoke(app, id);
    const response = await postGraphQL(app.url, WORKSPACE, {}, bearer(key));

    expect(response.status).toBe(401);
    expect(response.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(response.body.errors?.[0].message).toMatch(/unknown or revoked/);
    expect(JSON.stringify(response.body)).not.toContain(key);
  });
});

describe('revoked key over graphql-ws', () => {
  it('closes its open subscriptions in every process at once', async () => {
    const { id, key } = await createKey(app, 'ADMIN');
    const inFirst = await subscribe(app.url, key);
    const inSecond = await subscribe(secondProcess.url!, key);
    const bystander = await subscribe(app.url, app.adminKey);

    const revokedAt = Date.now();
    await revoke(app, id);
    const [closedInFirst, closedInSecond] = await Promise.all([inFirst.probe.closed, inSecond.probe.closed]);

    expect(Date.now() - revokedAt).toBeLessThan(2000);
    for (const closed of [closedInFirst, closedInSecond]) {
      expect(closed.code).toBe(4401);
      expect(closed.reason).toBe(`Unauthorized: API key ${id} was revoked; connect again with an active key.`);
    }
    await Promise.all([inFirst.stream.ended, inSecond.stream.ended]);
    expect((inFirst.stream.error as { code?: number }).code).toBe(4401);

    const stillOpen = collect(bystander.probe.client, WORKSPACE);
    await stillOpen.ended;
    expect(stillOpen.results[0].data?.workspace.id).toBeTruthy();
  });

  it('rejects a new connection with the revoked key', async () => {
    const { id, key } = await createKey(app, 'ADMIN');
    await revoke(app, id);

    const probe = openWs(app.url, { authorization: bearer(key) });
    probes.push(probe);
    collect(probe.client, DELIVERY_LOG);

    expect((await probe.closed).code).toBe(4401);
  });

  it('rejects the next operation of a key revoked without a notice', async () => {
    const { id, key } = await createKey(app, 'ADMIN');
    const open = await subscribe(app.url, key);
    await app.app.services.orm.em.fork().nativeUpdate(ApiKey, { id: Number(id) }, { revokedAt: new Date() });

    const next = collect(open.probe.client, WORKSPACE);
    const closed = await open.probe.closed;
    await next.ended;

    expect(closed.code).toBe(4401);
    expect(next.results.filter((result) => result.data)).toEqual([]);
  });

  it('is found by the periodic re-check when no notice came', async () => {
    const { id, key } = await createKey(recheckingApp, 'ADMIN');
    const open = await subscribe(recheckingApp.url, key);

    // A direct update sends no notice, as after a lost LISTEN connection.
    await recheckingApp.app.services.orm.em.fork().nativeUpdate(ApiKey, { id: Number(id) }, { revokedAt: new Date() });
    const closed = await open.probe.closed;

    expect(closed.code).toBe(4401);
    expect(closed.reason).toContain(`API key ${id} was revoked`);
  });

  it('keeps connections whose key stays active through re-checks', async () => {
    const { key } = await createKey(recheckingApp, 'ADMIN');
    const open = await subscribe(recheckingApp.url, key);
    let closed = false;
    void open.probe.closed.then(() => (closed = true));

    const checksBefore = Date.now();
    await waitFor(() => Date.now() - checksBefore > 700, { description: 'three re-check intervals', intervalMs: 50 });

    expect(closed).toBe(false);
    const query = collect(open.probe.client, WORKSPACE);
    await query.ended;
    expect(query.results[0].data?.workspace.id).toBeTruthy();
  });
});

describe('cached key over HTTP', () => {
  it('is rejected by another process once the notice arrives', async () => {
    const { id, key } = await createKey(app, 'MEMBER');
    // The second process looks the key up once and then serves it from its cache.
    expect(okData(await postGraphQL(secondProcess.url!, WORKSPACE, {}, bearer(key))).workspace.id).toBeTruthy();
    expect(okData(await postGraphQL(secondProcess.url!, WORKSPACE, {}, bearer(key))).workspace.id).toBeTruthy();

    await revoke(app, id);

    await waitFor(async () => (await postGraphQL(secondProcess.url!, WORKSPACE, {}, bearer(key))).status === 401, {
      description: 'the second process to reject the revoked key',
      timeoutMs: 2000,
      intervalMs: 50,
    });
  });

  it('stays accepted until its TTL when revoked without a notice', async () => {
    const { id, key } = await createKey(app, 'MEMBER');
    expect(okData(await postGraphQL(app.url, WORKSPACE, {}, bearer(key))).workspace.id).toBeTruthy();

    // A direct update sends no notice, as when the notice is lost with the LISTEN connection up.
    await app.app.services.orm.em.fork().nativeUpdate(ApiKey, { id: Number(id) }, { revokedAt: new Date() });

    expect((await postGraphQL(app.url, WORKSPACE, {}, bearer(key))).status).toBe(200);
    app.app.services.apiKeyCache.evictKey(Number(id));
    expect((await postGraphQL(app.url, WORKSPACE, {}, bearer(key))).status).toBe(401);
  });

  it('is looked up on every request when the cache is off', async () => {
    const uncached = await startTestApp({ DOCPUSH_API_KEY_CACHE_TTL: '0' });
    try {
      const { id, key } = await createKey(uncached, 'MEMBER');
      expect(okData(await postGraphQL(uncached.url, WORKSPACE, {}, bearer(key))).workspace.id).toBeTruthy();

      await uncached.app.services.orm.em.fork().nativeUpdate(ApiKey, { id: Number(id) }, { revokedAt: new Date() });

      expect((await postGraphQL(uncached.url, WORKSPACE, {}, bearer(key))).status).toBe(401);
    } finally {
      await uncached.stop();
    }
  });
});

describe('revocation listener of one API process', () => {
  /** A process alone on its database that re-checks keys only every hour. */
  let alone: TestApp;
  const logs = captureLogs();

  beforeAll(async () => {
    alone = await startTestApp({ DOCPUSH_AUTH_RECHECK_INTERVAL: '1h' }, { logger: logs.logger });
  }, 30_000);

  afterAll(async () => {
    await alone?.stop();
  });

  /** Returns the process's one LISTEN backend, which serves every notification channel of the process. */
  async function listenBackend(): Promise<number> {
    const backends = await findListenBackendPids(alone.databaseUrl);
    expect(backends).toHaveLength(1);
    return backends[0];
  }

  /** Waits until a LISTEN backend other than `terminated` is up, which means the listener reconnected. */
  async function waitForReconnect(terminated: number): Promise<void> {
    await waitFor(async () => (await findListenBackendPids(alone.databaseUrl)).some((pid) => pid !== terminated), {
      description: 'the channel listener to reconnect',
    });
  }

  it('holds one LISTEN backend for the cache, subscriptions and other channels', async () => {
    const backends = await findListenBackends(alone.databaseUrl);

    expect(backends).toHaveLength(1);
    expect(backends[0].applicationName).toBe(LISTENER_APPLICATION_NAME);
  });

  it('empties the key cache when that backend is terminated', async () => {
    const { key } = await createKey(alone, 'MEMBER');
    okData(await postGraphQL(alone.url, WORKSPACE, {}, bearer(key)));
    const cache = alone.app.services.apiKeyCache;
    expect(cache.size).toBeGreaterThan(0);

    const backend = await listenBackend();
    await terminateBackend(alone.databaseUrl, backend);

    await waitFor(() => cache.size === 0, { description: 'the key cache to be emptied' });
    await waitForReconnect(backend);
    expect(await listenBackend()).not.toBe(backend);
  });

  it('re-checks open subscriptions as soon as it reconnects', async () => {
    const { id, key } = await createKey(alone, 'ADMIN');
    const open = await subscribe(alone.url, key);
    // Until the subscription runs, its own key check could find the revocation first.
    await waitForFeedSubscribers(alone, 1);
    let closed = false;
    void open.probe.closed.then(() => (closed = true));

    // A direct update sends no notice, as for a revocation whose notice was sent while the listener was down.
    await alone.app.services.orm.em.fork().nativeUpdate(ApiKey, { id: Number(id) }, { revokedAt: new Date() });
    expect(closed).toBe(false);
    await terminateBackend(alone.databaseUrl, await listenBackend());

    await waitFor(() => closed, { description: 'the subscription of the revoked key to close after the reconnect' });
    const event = await open.probe.closed;
    expect(event.code).toBe(4401);
    expect(event.reason).toContain(`API key ${id} was revoked`);
    expect(logs.text()).toContain('re-check after the LISTEN connection came back');
  });

  it('re-checks open subscriptions after a notice without a key id', async () => {
    const { id, key } = await createKey(alone, 'ADMIN');
    // Until the server has handled the close of the test before, its subscription still counts.
    const open = await subscribeAttached(alone.app.services.deliveryLogFeed, () => subscribe(alone.url, key), { name: 'deliveryLog' });
    await alone.app.services.orm.em.fork().nativeUpdate(ApiKey, { id: Number(id) }, { revokedAt: new Date() });

    await alone.app.services.orm.em.fork().execute('select pg_notify(?, ?)', [API_KEY_REVOKED_CHANNEL, 'not json']);

    const event = await open.probe.closed;
    expect(event.code).toBe(4401);
    expect(logs.text()).toContain('re-check after a revocation notice without a key id');
  });
});
