import type { WebSocket } from 'ws';
import { CloseCode } from 'graphql-ws';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../common/logger';
import { PgChannelListener } from '../common/pg-channel-listener';
import { API_KEY_REVOKED_CHANNEL, findActiveKeyIds, parseApiKeyRevoked } from '../workspace/auth.service';

/**
 * The open graphql-ws connections of this process, by API key. A revoked key loses its
 * connections at once: the revoking process sends a PostgreSQL NOTIFY that every API process
 * receives. A periodic re-check of all keys with open connections catches revocations whose
 * notification was missed while the LISTEN connection was down.
 *
 * Connections are closed with graphql-ws code 4401 (Unauthorized), which the graphql-ws
 * client treats as fatal: it does not reconnect with the same key.
 */
export class WsSessions {
  private readonly socketsByKey = new Map<number, Set<WebSocket>>();
  private readonly listener: PgChannelListener;
  private recheckTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly options: {
      orm: MikroORM;
      logger: Logger;
      connectionString: string;
      recheckIntervalMs: number;
    },
  ) {
    this.listener = new PgChannelListener({
      connectionString: options.connectionString,
      channel: API_KEY_REVOKED_CHANNEL,
      onPayload: (payload) => this.onRevocation(payload),
      logger: options.logger,
    });
  }

  async start(): Promise<void> {
    await this.listener.start();
    this.recheckTimer = setInterval(() => {
      this.recheck().catch((error: unknown) => this.options.logger.error({ err: error }, 'API key re-check of graphql-ws connections failed'));
    }, this.options.recheckIntervalMs);
    this.recheckTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.recheckTimer) clearInterval(this.recheckTimer);
    this.recheckTimer = null;
    await this.listener.stop();
  }

  get size(): number {
    let count = 0;
    for (const sockets of this.socketsByKey.values()) count += sockets.size;
    return count;
  }

  /** Registers an authenticated connection; it is forgotten when it closes. */
  add(apiKeyId: number, socket: WebSocket): void {
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
  async recheck(): Promise<void> {
    const apiKeyIds = [...this.socketsByKey.keys()];
    if (apiKeyIds.length === 0) return;
    const active = await findActiveKeyIds(this.options.orm.em.fork(), apiKeyIds);
    for (const apiKeyId of apiKeyIds) {
      if (!active.has(apiKeyId)) this.closeRevoked(apiKeyId, 'periodic re-check');
    }
  }

  private onRevocation(payload: string): void {
    const apiKeyId = parseApiKeyRevoked(payload);
    if (apiKeyId === null) {
      this.options.logger.warn({ channel: API_KEY_REVOKED_CHANNEL }, 'ignored a key revocation notice without a numeric apiKeyId');
      return;
    }
    this.closeRevoked(apiKeyId, 'revocation notice');
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
