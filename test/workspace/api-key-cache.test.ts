import pg from 'pg';
import pino from 'pino';
import { ApiKeyCache } from '../../src/workspace/api-key-cache';
import { API_KEY_REVOKED_CHANNEL } from '../../src/workspace/auth.service';
import { ApiKeyRole } from '../../src/workspace/api-key.entity';
import type { Caller } from '../../src/graphql/context';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { waitFor } from '../support/wait';

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
const caches: ApiKeyCache[] = [];

async function startCache(options: { ttlMs?: number; maxEntries?: number; url?: string } = {}): Promise<ApiKeyCache> {
  const cache = new ApiKeyCache({ ttlMs: options.ttlMs ?? TTL_MS, maxEntries: options.maxEntries ?? 100 });
  caches.push(cache);
  await cache.start(options.url ?? database.url, silent);
  return cache;
}

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  for (const cache of caches) await cache.stop();
  await database?.drop();
});

describe('ApiKeyCache', () => {
  it('caches nothing before it listens', () => {
    const cache = new ApiKeyCache({ ttlMs: TTL_MS, maxEntries: 100 });

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

  it('stops caching after stop', async () => {
    const cache = await startCache();
    storeAndFind(cache, 'hash-a', 7);

    await cache.stop();

    expect(cache.size).toBe(0);
    expect(storeAndFind(cache, 'hash-b', 8)).toBe(false);
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
