import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiKey } from './api-key.entity';
import { hashApiKey, isApiKeyFormat, parseBearer } from '../security/api-key';
import { UnauthenticatedError } from '../common/errors';
import type { Caller } from '../graphql/context';

/** `lastUsedAt` is written at most once per this interval per key, to keep reads cheap. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Returns the caller behind an `Authorization` header value, null when there is none, or raises
 * UNAUTHENTICATED for a malformed, unknown or revoked key. The message never repeats the key.
 */
export async function authenticate(em: EntityManager, authorization: string | undefined): Promise<Caller | null> {
  if (authorization === undefined || authorization === '') return null;

  const key = parseBearer(authorization);
  if (!key || !isApiKeyFormat(key)) {
    throw new UnauthenticatedError('The Authorization header is invalid: send "Authorization: Bearer dpk_..." with an API key of this server.');
  }
  const apiKey = await em.findOne(ApiKey, { hash: hashApiKey(key), revokedAt: null });
  if (!apiKey) throw new UnauthenticatedError('The API key is unknown or revoked; create a new key with an admin key.');

  const now = Date.now();
  if (!apiKey.lastUsedAt || now - apiKey.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await em.nativeUpdate(ApiKey, { id: apiKey.id }, { lastUsedAt: new Date(now) });
  }
  return { apiKeyId: apiKey.id, workspaceId: apiKey.workspace.id, role: apiKey.role };
}

/** True while the key exists and is not revoked; open subscriptions check it periodically. */
export async function isKeyActive(em: EntityManager, apiKeyId: number): Promise<boolean> {
  return (await em.count(ApiKey, { id: apiKeyId, revokedAt: null })) > 0;
}
