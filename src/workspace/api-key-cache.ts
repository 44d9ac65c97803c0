import type { Caller } from '../graphql/context';
import type { ApiKeyRevocationConsumer } from './api-key-revocation.listener';

/** A key found active in the database, as the cache keeps it. */
export interface CachedApiKey {
  caller: Caller;
  /** Epoch milliseconds of the last `lastUsedAt` written for the key, or null when none was. */
  lastUsedAt: number | null;
  /** Epoch milliseconds after which the entry is looked up in the database again. */
  expiresAt: number;
}

export interface ApiKeyCacheOptions {
  /** How long an entry is trusted; 0 turns the cache off. */
  ttlMs: number;
  /** Largest number of keys kept; the oldest entry makes room for a new one. */
  maxEntries: number;
}

/**
 * Active API keys of this process by key hash, so that a request need not look its key up in the
 * database. Revocations reach every process as a PostgreSQL NOTIFY on API_KEY_REVOKED_CHANNEL,
 * which the process's ApiKeyRevocationListener passes on to evict the key. The revoking process
 * evicts it itself before it returns.
 *
 * The cache serves entries only while that LISTEN connection is up, because notifications sent
 * while it is down are lost. Each change of the connection empties the cache, and it fills again
 * only while the connection is up, so nothing is cached before the listener first connects.
 * A look-up that began before an eviction or a reconnect is not stored, so a key read as active
 * just before its revocation notice is not cached after it.
 * Entries also expire after `ttlMs`, which bounds the effect of a notice that is lost without
 * the connection being seen to drop.
 */
export class ApiKeyCache implements ApiKeyRevocationConsumer {
  private readonly entries = new Map<string, CachedApiKey>();
  /** True while the LISTEN connection is up. */
  private listening = false;
  /** Incremented by every eviction and every change of the LISTEN connection. */
  private generation = 0;

  constructor(private readonly options: ApiKeyCacheOptions) {}

  get size(): number {
    return this.entries.size;
  }

  /** Returns the entry of a key hash while it is trusted, or undefined. */
  find(hash: string, now: number): CachedApiKey | undefined {
    if (!this.listening) return undefined;
    const entry = this.entries.get(hash);
    if (entry && entry.expiresAt <= now) {
      this.entries.delete(hash);
      return undefined;
    }
    return entry;
  }

  /** Marks the start of a database look-up; pass the returned token to `store`. */
  beginLookup(): number {
    return this.generation;
  }

  /** Caches a key read as active, unless an eviction or a reconnect happened since `beginLookup`. */
  store(token: number, hash: string, caller: Caller, lastUsedAt: number | null, now: number): void {
    if (this.options.ttlMs === 0 || !this.listening || token !== this.generation) return;
    if (!this.entries.has(hash) && this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(hash, { caller, lastUsedAt, expiresAt: now + this.options.ttlMs });
  }

  /** Removes every entry of the key. */
  evictKey(apiKeyId: number): void {
    this.generation += 1;
    for (const [hash, entry] of this.entries) {
      if (entry.caller.apiKeyId === apiKeyId) this.entries.delete(hash);
    }
  }

  onListenerConnectionChange(connected: boolean): void {
    this.generation += 1;
    this.listening = connected;
    this.entries.clear();
  }

  onKeyRevoked(apiKeyId: number | null): void {
    if (apiKeyId !== null) {
      this.evictKey(apiKeyId);
      return;
    }
    // A notice that names no key may still have meant one, so nothing cached can be trusted.
    this.generation += 1;
    this.entries.clear();
  }
}
