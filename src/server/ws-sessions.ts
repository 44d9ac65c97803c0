import type { WebSocket } from 'ws';
import { CloseCode } from 'graphql-ws';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../common/logger';
import { findActiveKeyIds } from '../workspace/auth.service';
import type { ApiKeyRevocationConsumer } from '../workspace/api-key-revocation.listener';

/**
 * The open graphql-ws connections of this process, by API key. A revoked key loses its
 * connections at once: the revoking process sends a PostgreSQL NOTIFY that every API process
 * receives through its ApiKeyRevocationListener. Notices sent while that LISTEN connection is
 * down are lost, so all keys with open connections are re-checked in the database as soon as
 * the connection is back. A periodic re-check also catches a notice lost without the
 * connection being seen to drop.
 *
 * Connections are closed with graphql-ws code 4401 (Unauthorized), which the graphql-ws
 * client treats as fatal: it does not reconnect with the same key.
 */
export class WsSessions implements ApiKeyRevocationConsumer {
  private readonly socketsByKey = new Map<number, Set<WebSocket>>();
  private recheckTimer: NodeJS.Timeout | null = null;
  /** Re-checks started in the background and not finished yet, which `stop` waits for. */
  private readonly runningRechecks = new Set<Promise<void>>();

  constructor(
    private readonly options: {
      orm: MikroORM;
      logger: Logger;
      recheckIntervalMs: number;
    },
  ) {}

  /** Starts the periodic re-check. */
  start(): void {
    this.recheckTimer = setInterval(() => this.recheckInBackground('periodic re-check'), this.options.recheckIntervalMs);
    this.recheckTimer.unref();
  }

  /** Ends the periodic re-check and waits for re-checks still running. */
  async stop(): Promise<void> {
    if (this.recheckTimer) clearInterval(this.recheckTimer);
    this.recheckTimer = null;
    await Promise.all(this.runningRechecks);
  }

  get size(): number {
    let count = 0;
    for (const sockets of this.socketsByKey.values()) count += sockets.size;
    return count;
  }

  /** Number of open connections of the key. */
  countOf(apiKeyId: number): number {
    return this.socketsByKey.get(apiKeyId)?.size ?? 0;
  }

  /**
   * Registers an authenticated connection; it is forgotten when it closes. A socket that is
   * closed already is not registered, because its 'close' event has passed and nothing would
   * remove it. That happens when the client leaves while connection_init is being authenticated.
   */
  add(apiKeyId: number, socket: WebSocket): void {
    if (socket.readyState === socket.CLOSED) return;
    let sockets = this.socketsByKey.get(apiKeyId);
    if (!sockets) {
      sockets = new Set();
      this.socketsByKey.set(apiKeyId, sockets);
    }
    sockets.add(socket);
    socket.once('close', () => this.remove(apiKeyId, socket));
  }

  /** Closes every open connection of the key with code 4401 and returns how many there were. */
  closeKey(apiKeyId: number, reason: string): number {
    const sockets = [...(this.socketsByKey.get(apiKeyId) ?? [])];
    this.socketsByKey.delete(apiKeyId);
    for (const socket of sockets) socket.close(CloseCode.Unauthorized, reason);
    return sockets.length;
  }

  /** Closes the connections of every registered key that is no longer active. */
  async recheck(detectedBy = 'periodic re-check'): Promise<void> {
    const apiKeyIds = [...this.socketsByKey.keys()];
    if (apiKeyIds.length === 0) return;
    const active = await findActiveKeyIds(this.options.orm.em.fork(), apiKeyIds);
    for (const apiKeyId of apiKeyIds) {
      if (!active.has(apiKeyId)) this.closeRevoked(apiKeyId, detectedBy);
    }
  }

  /** Closes the connections of the revoked key. A notice that names no key re-checks every key, since it may have meant one. */
  onKeyRevoked(apiKeyId: number | null): void {
    if (apiKeyId === null) this.recheckInBackground('re-check after a revocation notice without a key id');
    else this.closeRevoked(apiKeyId, 'revocation notice');
  }

  /**
   * Re-checks every key as soon as the LISTEN connection comes up, because notices sent while it
   * was down are lost. A listener that connects before graphql-ws accepts connections finds no
   * key to check on its first connect, so that re-check reads nothing.
   */
  onListenerConnectionChange(connected: boolean): void {
    if (connected) this.recheckInBackground('re-check after the LISTEN connection came back');
  }

  private recheckInBackground(detectedBy: string): void {
    const run = this.recheck(detectedBy)
      .catch((error: unknown) => this.options.logger.error({ err: error, detectedBy }, 'API key re-check of graphql-ws connections failed'))
      .finally(() => this.runningRechecks.delete(run));
    this.runningRechecks.add(run);
  }

  private closeRevoked(apiKeyId: number, detectedBy: string): void {
    const closed = this.closeKey(apiKeyId, revokedReason(apiKeyId));
    if (closed > 0) this.options.logger.info({ apiKeyId, connections: closed, detectedBy }, 'closed graphql-ws connections of a revoked API key');
  }

  private remove(apiKeyId: number, socket: WebSocket): void {
    const sockets = this.socketsByKey.get(apiKeyId);
    if (!sockets) return;
    sockets.delete(socket);
    if (sockets.size === 0) this.socketsByKey.delete(apiKeyId);
  }
}

/** Returns the close reason for a revoked key, within the 123-byte limit of WebSocket close reasons. */
export function revokedReason(apiKeyId: number): string {
  return `Unauthorized: API key ${apiKeyId} was revoked; connect again with an active key.`;
}
