import pg from 'pg';
import pino from 'pino';
import { ApiKeyCache } from '../../src/workspace/api-key-cache';
import { ApiKeyRevocationListener } from '../../src/workspace/api-key-revocation.listener';
import { PgChannelListener } from '../../src/common/pg-channel-listener';
import { API_KEY_REVOKED_CHANNEL } from '../../src/workspace/auth.service';
import { ApiKeyRole } from '../../src/workspace/api-key.entity';
import type { Caller } from '../../src/graphql/context';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { waitFor } from '../support/wait';
import { findListenBackendPids, terminateBackend } from '../support/listen-backends';

const silent = pino({ level: 'silent' });
const TTL_MS = 30_000;

function callerOf(apiKeyId: number): Caller {
  return { apiKeyId, workspaceId: 1, role: ApiKeyRole.MEMBER };
}

async function notify(databaseUrl: string, payload: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('select pg_notify($1, $2)', [API_KEY_REVOKED_CHANNEL, payload]);
  } finally {
    await client.end();
  }
}

/** Stores `hash` for `apiKeyId` and reports whether the cache then serves it. */
function storeAndFind(cache: ApiKeyCache, hash: string, apiKeyId: number): boolean {
  const now = Date.now();
  cache.store(cache.beginLookup(), hash, callerOf(apiKeyId), null, now);
  return cache.find(hash, now) !== undefined;
}

let database: TestDatabase;
const listeners: Array<{ revocations: ApiKeyRevocationListener; channelListener: PgChannelListener }> = [];

type CacheOptions = { ttlMs?: number; maxEntries?: number };

/**
 * Starts one revocation listener that feeds `caches`, on a channel listener of its own that
 * connects to `url` (the test database by default).
 */
async function startListener(caches: ApiKeyCache[], url = database.url): Promise<ApiKeyRevocationListener> {
  const channelListener = new PgChannelListener({ connectionString: url, logger: silent });
  const revocations = new ApiKeyRevocationListener({ listener: channelListener, consumers: caches, logger: silent });
  listeners.push({ revocations, channelListener });
  await channelListener.start();
  await revocations.start();
  return revocations;
}

function newCache(options: CacheOptions = {}): ApiKeyCache {
  return new ApiKeyCache({ ttlMs: options.ttlMs ?? TTL_MS, maxEntries: options.maxEntries ?? 100 });
}

async function startCache(options: CacheOptions & { url?: string } = {}): Promise<ApiKeyCache> {
  const cache = newCache(options);
  await startListener([cache], options.url);
  return cache;
}

/** Returns the backend of the one LISTEN connection that `start` opens on the revocation channel. */
async function backendOpenedBy(start: () => Promise<unknown>): Promise<number> {
  const before = await findListenBackendPids(database.url);
  await start();
  const opened = (await findListenBackendPids(database.url)).filter((pid) => !before.includes(pid));
  expect(opened).toHaveLength(1);
  return opened[0];
}

beforeAll(async () => {
  database = await createTestDatabase();
});

afterEach(async () => {
  for (const { revocations, channelListener } of listeners.splice(0)) {
    await revocations.stop();
    await channelListener.stop();
  }
});

afterAll(async () => {
  await database?.drop();
});

describe('ApiKeyCache', () => {
  it('caches nothing before it listens', () => {
    const cache = newCache();

    expect(storeAndFind(cache, 'hash-a', 1)).toBe(false);
    expect(cache.size).toBe(0);
  });

  it('serves a stored key while listening', async () => {
    const cache = await startCache();
    const now = Date.now();

    cache.store(cache.beginLookup(), 'hash-a', callerOf(1), now, now);

    expect(cache.find('hash-a', now)).toEqual({ caller: callerOf(1), lastUsedAt: now, expiresAt: now + TTL_MS });
    expect(cache.find('hash-b', now)).toBeUndefined();
  });

  it('caches nothing when its TTL is zero', async () => {
    const cache = await startCache({ ttlMs: 0 });

    cache.store(cache.beginLookup(), 'hash-a', callerOf(1), null, Date.now());
    expect(cache.size).toBe(0);
    expect(storeAndFind(cache, 'hash-a', 1)).toBe(false);
  });

  it('expires an entry after its TTL', async () => {
    const cache = await startCache({ ttlMs: 1000 });
    const now = Date.now();
    cache.store(cache.beginLookup(), 'hash-a', callerOf(1), null, now);

    expect(cache.find('hash-a', now + 999)).toBeDefined();
    expect(cache.find('hash-a', now + 1000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('drops the oldest entry when full', async () => {
    const cache = await startCache({ maxEntries: 2 });
    const now = Date.now();
    for (const [index, hash] of ['hash-a', 'hash-b', 'hash-c'].entries()) cache.store(cache.beginLookup(), hash, callerOf(index + 1), null, now);

    expect(cache.size).toBe(2);
    expect(cache.find('hash-a', now)).toBeUndefined();
    expect(cache.find('hash-b', now)).toBeDefined();
    expect(cache.find('hash-c', now)).toBeDefined();
  });

  it('evicts every hash of an evicted key', async () => {
    const cache = await startCache();
    storeAndFind(cache, 'hash-a', 7);
    storeAndFind(cache, 'hash-b', 8);

    cache.evictKey(7);

    expect(cache.find('hash-a', Date.now())).toBeUndefined();
    expect(cache.find('hash-b', Date.now())).toBeDefined();
  });

  it('ignores a look-up that began before an eviction', async () => {
    const cache = await startCache();
    const lookup = cache.beginLookup();

    cache.evictKey(7);
    cache.store(lookup, 'hash-a', callerOf(7), null, Date.now());

    expect(cache.find('hash-a', Date.now())).toBeUndefined();
  });

  it('evicts a key named by a revocation notice', async () => {
    const cache = await startCache();
    storeAndFind(cache, 'hash-a', 7);
    storeAndFind(cache, 'hash-b', 8);

    await notify(database.url, JSON.stringify({ apiKeyId: 7 }));
    await waitFor(() => cache.find('hash-a', Date.now()) === undefined, { description: 'the revoked key to be evicted' });

    expect(cache.find('hash-b', Date.now())).toBeDefined();
  });

  it('empties itself on a notice without a key id', async () => {
    const cache = await startCache();
    storeAndFind(cache, 'hash-a', 7);

    await notify(database.url, 'not json');
    await waitFor(() => cache.size === 0, { description: 'the cache to be emptied' });

    expect(storeAndFind(cache, 'hash-b', 8)).toBe(true);
  });

  it('stops caching after its listener stops', async () => {
    const cache = newCache();
    const listener = await startListener([cache]);
    storeAndFind(cache, 'hash-a', 7);

    await listener.stop();

    expect(cache.size).toBe(0);
    expect(storeAndFind(cache, 'hash-b', 8)).toBe(false);
  });
});

describe('ApiKeyRevocationListener', () => {
  it('feeds every consumer from one LISTEN backend', async () => {
    const first = newCache();
    const second = newCache();

    await backendOpenedBy(() => startListener([first, second]));
    expect(storeAndFind(first, 'hash-a', 7)).toBe(true);
    expect(storeAndFind(second, 'hash-b', 7)).toBe(true);
    await notify(database.url, JSON.stringify({ apiKeyId: 7 }));

    await waitFor(() => first.size === 0 && second.size === 0, { description: 'both caches to evict the revoked key' });
  });

  it('empties the cache when its backend is terminated', async () => {
    const cache = newCache();
    const backend = await backendOpenedBy(() => startListener([cache]));
    expect(storeAndFind(cache, 'hash-a', 7)).toBe(true);

    await terminateBackend(database.url, backend);
    await waitFor(() => cache.find('hash-a', Date.now()) === undefined, { description: 'the cache to be emptied when its backend is terminated' });

    await waitFor(() => storeAndFind(cache, 'hash-b', 8), { description: 'caching to resume after the reconnect', timeoutMs: 15_000 });
    expect(await findListenBackendPids(database.url)).not.toContain(backend);
  });
});

describe('ApiKeyCache without its LISTEN connection', () => {
  let proxy: TcpProxy;

  beforeAll(async () => {
    const direct = new URL(database.url);
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
  });

  afterAll(async () => {
    await proxy?.close();
  });

  it('serves nothing until the connection is back', async () => {
    const proxied = new URL(database.url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    const cache = await startCache({ url: proxied.toString() });
    storeAndFind(cache, 'hash-a', 7);

    await proxy.cut();
    await waitFor(() => cache.size === 0, { description: 'the cache to be emptied when the connection is lost' });
    expect(storeAndFind(cache, 'hash-b', 8)).toBe(false);

    await proxy.restore();
    await waitFor(() => storeAndFind(cache, 'hash-c', 9), { description: 'caching to resume after the reconnect', timeoutMs: 15_000 });
    expect(cache.find('hash-a', Date.now())).toBeUndefined();
  });
});
