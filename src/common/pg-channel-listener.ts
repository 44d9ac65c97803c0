import pg from 'pg';
import type { Logger } from './logger';

const RECONNECT_DELAY_MS = { first: 100, max: 5000 };

/**
 * Holds one dedicated PostgreSQL connection that LISTENs on a channel and passes each
 * notification's payload to `onPayload`. After a lost connection it reconnects with doubling
 * delays; notifications sent while it was away are lost, so users need a periodic fallback.
 */
export class PgChannelListener {
  private client: pg.Client | null = null;
  private stopped = false;
  private reconnectDelay = RECONNECT_DELAY_MS.first;
  private reconnectTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly options: {
      connectionString: string;
      channel: string;
      onPayload: (payload: string) => void;
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

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.connectionString });
    client.on('notification', (notification) => {
      if (notification.payload !== undefined) this.options.onPayload(notification.payload);
    });
    client.on('error', (error) => this.onConnectionLost(client, error));
    client.on('end', () => this.onConnectionLost(client, new Error('connection ended')));
    await client.connect();
    await client.query(`LISTEN ${this.options.channel}`);
    this.client = client;
    this.reconnectDelay = RECONNECT_DELAY_MS.first;
  }

  private onConnectionLost(client: pg.Client, error: Error): void {
    if (this.stopped || this.client !== client) return;
    this.client = null;
    this.options.logger.warn({ err: error, channel: this.options.channel, retryInMs: this.reconnectDelay }, 'channel listener lost its database connection');
    client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.reconnectTimer = setTimeout(async () => {
      try {
        await this.connect();
        this.options.logger.info({ channel: this.options.channel }, 'channel listener reconnected');
      } catch (error) {
        this.reconnectDelay = Math.min(this.reconnectDelay * 2, RECONNECT_DELAY_MS.max);
        this.options.logger.warn({ err: error, channel: this.options.channel, retryInMs: this.reconnectDelay }, 'channel listener failed to reconnect');
        if (!this.stopped) this.scheduleReconnect();
      }
    }, this.reconnectDelay);
  }
}
