import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiKey } from './api-key.entity';
import { hashApiKey, isApiKeyFormat, parseBearer } from '../security/api-key';
import { UnauthenticatedError } from '../common/errors';
import type { Caller } from '../graphql/context';
import type { ApiKeyCache } from './api-key-cache';

/** `lastUsedAt` is written at most once per this interval per key, to keep reads cheap. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** PostgreSQL NOTIFY channel that carries `{ apiKeyId }` of each revoked key to every API process. */
export const API_KEY_REVOKED_CHANNEL = 'docpush_api_key_revoked';

export const MALFORMED_KEY_MESSAGE =
  'The API key is malformed or not sent as a bearer token: send "Authorization: Bearer dpk_..." over HTTP, ' +
  'or {"authorization": "Bearer dpk_..."} as the graphql-ws connection_init payload.';
export const MISSING_KEY_MESSAGE = 'An API key is required: send it as "Authorization: Bearer <key>".';
export const UNKNOWN_KEY_MESSAGE = 'The API key is unknown or revoked; create a new key with an admin key.';

/**
 * Returns the caller behind an `Authorization` header value, null when there is none, or raises
 * UNAUTHENTICATED for a malformed, unknown or revoked key. The message never repeats the key.
 * With a cache, a key found active recently is not looked up again (see ApiKeyCache).
 */
export async function authenticate(em: EntityManager, authorization: string | undefined, cache?: ApiKeyCache): Promise<Caller | null> {
  if (authorization === undefined || authorization === '') return null;

  const key = parseBearer(authorization);
  if (!key || !isApiKeyFormat(key)) throw new UnauthenticatedError(MALFORMED_KEY_MESSAGE);
  const hash = hashApiKey(key);
  const now = Date.now();
  const cached = cache?.find(hash, now);
  if (cached) {
    if (isLastUsedStale(cached.lastUsedAt, now)) {
      // Set before the write, so that concurrent requests of the key do not all write it.
      cached.lastUsedAt = now;
      await em.nativeUpdate(ApiKey, { id: cached.caller.apiKeyId }, { lastUsedAt: new Date(now) });
    }
    return cached.caller;
  }

  const lookup = cache?.beginLookup();
  const apiKey = await em.findOne(ApiKey, { hash, revokedAt: null });
  if (!apiKey) throw new UnauthenticatedError(UNKNOWN_KEY_MESSAGE);

  let lastUsedAt = apiKey.lastUsedAt?.getTime() ?? null;
  if (isLastUsedStale(lastUsedAt, now)) {
    await em.nativeUpdate(ApiKey, { id: apiKey.id }, { lastUsedAt: new Date(now) });
    lastUsedAt = now;
  }
  const caller: Caller = { apiKeyId: apiKey.id, workspaceId: apiKey.workspace.id, role: apiKey.role };
  if (cache && lookup !== undefined) cache.store(lookup, hash, caller, lastUsedAt, now);
  return caller;
}

function isLastUsedStale(lastUsedAt: number | null, now: number): boolean {
  return lastUsedAt === null || now - lastUsedAt > LAST_USED_RESOLUTION_MS;
}

/** True while the key exists and is not revoked; open subscriptions check it periodically. */
export async function isKeyActive(em: EntityManager, apiKeyId: number): Promise<boolean> {
  return (await em.count(ApiKey, { id: apiKeyId, revokedAt: null })) > 0;
}

/** Returns the ids among `apiKeyIds` whose keys still exist and are not revoked, in one query. */
export async function findActiveKeyIds(em: EntityManager, apiKeyIds: readonly number[]): Promise<Set<number>> {
  if (apiKeyIds.length === 0) return new Set();
  const active = await em.find(ApiKey, { id: { $in: [...apiKeyIds] }, revokedAt: null }, { fields: ['id'] });
  return new Set(active.map((apiKey) => apiKey.id));
}

/** Returns the key id of a revocation notice from publishApiKeyRevoked, or null for any other payload. */
export function parseApiKeyRevoked(payload: string): number | null {
  try {
    const apiKeyId = (JSON.parse(payload) as { apiKeyId?: unknown } | null)?.apiKeyId;
    return typeof apiKeyId === 'number' ? apiKeyId : null;
  } catch {
    return null;
  }
}

/**
 * Tells every API process that a key was revoked, so they close its open graphql-ws
 * connections and evict it from their key caches. Called inside the revoking transaction, PostgreSQL delivers the notification
 * only when that transaction commits, and drops it on a rollback.
 */
export async function publishApiKeyRevoked(em: EntityManager, apiKeyId: number): Promise<void> {
  await em.execute('select pg_notify(?, ?)', [API_KEY_REVOKED_CHANNEL, JSON.stringify({ apiKeyId })]);
}
