import pg from 'pg';
import type { Logger } from './logger';

const RECONNECT_DELAY_MS = { first: 100, max: 5000 };

/**
 * Maximum wait for a new connection. Without it, a database host that accepts TCP connections but
 * never responds would hold a reconnect attempt forever.
 */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Holds one dedicated PostgreSQL connection that LISTENs on a channel and passes each
 * notification's payload to `onPayload`. After a lost connection it reconnects with doubling
 * delays; notifications sent while it was away are lost, so users need a periodic fallback.
 */
export class PgChannelListener {
  private client: pg.Client | null = null;
  /** Incremented by each stop, so a connection that opens after a stop is closed, not kept. */
  private generation = 0;
  private stopped = false;
  private reconnectDelay = RECONNECT_DELAY_MS.first;
  private reconnectTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly options: {
      connectionString: string;
      channel: string;
      onPayload: (payload: string) => void;
      /** Called with true once LISTEN runs and with false when that connection is lost or stopped. */
      onConnectionChange?: (connected: boolean) => void;
      logger: Logger;
    },
  ) {
    if (!/^[a-z_][a-z0-9_]*$/.test(options.channel)) {
      throw new Error(`Channel name ${JSON.stringify(options.channel)} is invalid: use lower-case letters, digits and underscores.`);
    }
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  /** Closes the connection and ends reconnecting, including an attempt that is still opening. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.generation += 1;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const client = this.client;
    this.client = null;
    if (client) this.options.onConnectionChange?.(false);
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const generation = this.generation;
    const client = new pg.Client({ connectionString: this.options.connectionString, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true });
    client.on('notification', (notification) => {
      if (notification.payload !== undefined) this.options.onPayload(notification.payload);
    });
    client.on('error', (error) => this.onConnectionLost(client, error));
    client.on('end', () => this.onConnectionLost(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${this.options.channel}`);
    } catch (error) {
      client.end().catch(() => undefined);
      throw error;
    }
    if (generation !== this.generation) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.reconnectDelay = RECONNECT_DELAY_MS.first;
    this.options.onConnectionChange?.(true);
  }

  private onConnectionLost(client: pg.Client, error: Error): void {
    if (this.stopped || this.client !== client) return;
    this.client = null;
    this.options.onConnectionChange?.(false);
    this.options.logger.warn({ err: error, channel: this.options.channel, retryInMs: this.reconnectDelay }, 'channel listener lost its database connection');
    client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const generation = this.generation;
    this.reconnectTimer = setTimeout(async () => {
      this.reconnectTimer = null;
      try {
        await this.connect();
        if (generation === this.generation) this.options.logger.info({ channel: this.options.channel }, 'channel listener reconnected');
      } catch (error) {
        this.reconnectDelay = Math.min(this.reconnectDelay * 2, RECONNECT_DELAY_MS.max);
        // A stop during this attempt ends its reconnecting, and a start after that stop opened a connection of its own.
        if (generation !== this.generation) return;
        this.options.logger.warn({ err: error, channel: this.options.channel, retryInMs: this.reconnectDelay }, 'channel listener failed to reconnect');
        this.scheduleReconnect();
      }
    }, this.reconnectDelay);
  }
}
