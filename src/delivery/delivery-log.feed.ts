import { EventEmitter } from 'node:events';
import pg from 'pg';
import { Repeater } from '@graphql-yoga/subscription';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../common/logger';
import { PushLog } from './push-log.entity';

/** PostgreSQL NOTIFY channel that carries `{ id, workspaceId }` of each new push log row. */
export const DELIVERY_LOG_CHANNEL = 'docpush_delivery_log';

const RECONNECT_DELAY_MS = { first: 100, max: 5000 };

export interface DeliveryLogFilter {
  workspaceId: number;
  connectionId?: number;
  outcome?: string;
}

/**
 * Streams push log rows to subscribers in this process, whichever process wrote them: a
 * dedicated PostgreSQL connection LISTENs on the channel, each notification loads its row once,
 * and every matching subscriber receives it. The connection is re-established after a failure.
 */
export class DeliveryLogFeed {
  private readonly emitter = new EventEmitter();
  private client: pg.Client | null = null;
  private stopped = false;
  private reconnectDelay = RECONNECT_DELAY_MS.first;
  private reconnectTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly databaseUrl: string,
    private readonly orm: MikroORM,
    private readonly logger: Logger,
  ) {
    this.emitter.setMaxListeners(0);
  }

  get subscriberCount(): number {
    return this.emitter.listenerCount('log');
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
    this.emitter.emit('stop');
  }

  /** Returns an async iterator of the push logs that match the filter; it ends when the feed stops. */
  subscribe(filter: DeliveryLogFilter): AsyncIterableIterator<PushLog> {
    return new Repeater<PushLog>(async (push, stop) => {
      const onLog = (log: PushLog) => {
        if (matches(log, filter)) void push(log);
      };
      const onStop = () => stop();
      this.emitter.on('log', onLog);
      this.emitter.once('stop', onStop);
      await stop;
      this.emitter.off('log', onLog);
      this.emitter.off('stop', onStop);
    });
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on('notification', (notification) => void this.onNotification(notification.payload));
    client.on('error', (error) => this.onConnectionLost(client, error));
    client.on('end', () => this.onConnectionLost(client, new Error('connection ended')));
    await client.connect();
    await client.query(`LISTEN ${DELIVERY_LOG_CHANNEL}`);
    this.client = client;
    this.reconnectDelay = RECONNECT_DELAY_MS.first;
  }

  private onConnectionLost(client: pg.Client, error: Error): void {
    if (this.stopped || this.client !== client) return;
    this.client = null;
    this.logger.warn({ err: error, retryInMs: this.reconnectDelay }, 'delivery log listener lost its database connection');
    client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.reconnectTimer = setTimeout(async () => {
      try {
        await this.connect();
        this.logger.info('delivery log listener reconnected');
      } catch (error) {
        this.reconnectDelay = Math.min(this.reconnectDelay * 2, RECONNECT_DELAY_MS.max);
        this.logger.warn({ err: error, retryInMs: this.reconnectDelay }, 'delivery log listener failed to reconnect');
        if (!this.stopped) this.scheduleReconnect();
      }
    }, this.reconnectDelay);
  }

  private async onNotification(payload: string | undefined): Promise<void> {
    if (!payload || this.subscriberCount === 0) return;
    try {
      const { id } = JSON.parse(payload) as { id: number };
      const log = await this.orm.em.fork().findOne(PushLog, id);
      if (log) this.emitter.emit('log', log);
    } catch (error) {
      this.logger.error({ err: error }, 'failed to load a notified push log row');
    }
  }
}

function matches(log: PushLog, filter: DeliveryLogFilter): boolean {
  if (log.workspace.id !== filter.workspaceId) return false;
  if (filter.connectionId !== undefined && log.connectionId !== filter.connectionId) return false;
  if (filter.outcome !== undefined && log.outcome !== filter.outcome) return false;
  return true;
}
