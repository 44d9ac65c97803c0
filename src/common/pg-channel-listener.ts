import pg from 'pg';
import type { Logger } from './logger';

const RECONNECT_DELAY_MS = { first: 100, max: 5000 };

/**
 * Maximum wait for a new connection unless the options set one. Without it, a database host that
 * accepts TCP connections but never responds would hold a reconnect attempt forever.
 */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * How often the open connection runs `select 1`. A connection that a NAT or firewall dropped
 * without a reset shows no error until TCP keepalive gives up, which takes hours with Linux's
 * defaults, and the notifications sent meanwhile are lost. A check that fails or takes longer
 * than its time-out counts as a lost connection.
 */
const HEALTH_CHECK = { intervalMs: 10_000, timeoutMs: 5_000 };

/**
 * application_name of the LISTEN connection, so operators can tell it apart in pg_stat_activity.
 * An application_name in the connection string takes precedence (pg 8.20).
 */
export const LISTENER_APPLICATION_NAME = 'docpush-listener';

const CHANNEL_NAME = /^[a-z_][a-z0-9_]*$/;

/** Callbacks of one subscription to a channel. */
export interface ChannelHandlers {
  /** Receives the payload of each notification on the channel. */
  onPayload(payload: string): void;
  /**
   * Called with true once LISTEN has run for this subscription on an open connection, and with
   * false when that connection is lost, the listener stops or the subscription ends. Notifications
   * sent while it is false are lost.
   */
  onConnectionChange?(connected: boolean): void;
}

/** A subscription returned by `PgChannelListener.subscribe`. */
export interface ChannelSubscription {
  readonly channel: string;
  /**
   * Ends the subscription: its handlers receive nothing more, and a connection reported as up is
   * reported as down. The last subscription of a channel also UNLISTENs it, without waiting for
   * the database. The connection stays open for the other channels.
   */
  unsubscribe(): void;
}

interface Subscription {
  readonly channel: string;
  readonly handlers: ChannelHandlers;
  /** The connection state last reported to the handlers. */
  connected: boolean;
}

/**
 * Holds the one PostgreSQL connection of a process that LISTENs on every subscribed channel, and
 * passes each notification to the subscriptions of its channel. After a lost connection it
 * reconnects with doubling delays and LISTENs on every channel again. Notifications sent while it
 * was away are lost, so subscribers need a fallback, which `onConnectionChange` lets them start.
 */
export class PgChannelListener {
  private readonly subscriptions = new Map<string, Set<Subscription>>();
  /** The open connection, set once LISTEN has run on every channel subscribed at that time. */
  private client: pg.Client | null = null;
  /** Incremented by each stop, so a connection that opens after a stop is closed, not kept. */
  private generation = 0;
  private running = false;
  private reconnectDelay = RECONNECT_DELAY_MS.first;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private healthCheckTimer: NodeJS.Timeout | null = null;
  private confirmedAt: number | null = null;
  /**
   * The last statement sent on each connection. A new statement waits for it, because pg 8.20
   * deprecates a query on a client that is still running one. The chain also keeps LISTEN and
   * UNLISTEN in the order of the subscribe and unsubscribe calls.
   */
  private readonly lastStatements = new WeakMap<pg.Client, Promise<unknown>>();

  constructor(
    private readonly options: {
      connectionString: string;
      logger: Logger;
      /** Maximum wait for a new connection (DOCPUSH_DB_CONNECT_TIMEOUT in the app, CONNECT_TIMEOUT_MS by default). */
      connectTimeoutMs?: number;
      /** How often the open connection is checked and how long a check may take (HEALTH_CHECK by default). */
      healthCheck?: { intervalMs: number; timeoutMs: number };
    },
  ) {}

  /** True while the connection is open and LISTENs on the subscribed channels. */
  get connected(): boolean {
    return this.client !== null;
  }

  /**
   * Time in epoch milliseconds up to which every notification sent has been received: when the
   * connection opened, or when the last notification or passed health check was sent, or null
   * before the first connection. PostgreSQL sends a connection's pending notifications before the
   * reply to a query, so a passed check confirms everything sent before it. After a loss, the
   * notifications sent from about this time on may be lost.
   */
  get lastConfirmedAt(): number | null {
    return this.confirmedAt;
  }

  /**
   * Opens the connection and LISTENs on the channels subscribed so far. Rejects when that first
   * connection fails, and then does not retry. Does nothing while the listener runs.
   */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.connect();
    } catch (error) {
      this.running = false;
      throw error;
    }
  }

  /**
   * Closes the connection and ends reconnecting, including an attempt that is still opening.
   * Subscriptions stay registered, so a later `start` LISTENs on their channels again.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.generation += 1;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.stopHealthChecks();
    const client = this.client;
    this.client = null;
    this.reportToAll(false);
    await client?.end().catch(() => undefined);
  }

  /**
   * Subscribes `handlers` to `channel`. While the connection is open, this LISTENs on the channel
   * at once and resolves once LISTEN has run. Otherwise it resolves at once, and the channel is
   * LISTENed on when the connection opens, which `onConnectionChange(true)` reports.
   * Rejects a channel name that is not a lower-case SQL identifier.
   */
  async subscribe(channel: string, handlers: ChannelHandlers): Promise<ChannelSubscription> {
    if (!CHANNEL_NAME.test(channel)) {
      throw new Error(`Channel name ${JSON.stringify(channel)} is invalid: use lower-case letters, digits and underscores.`);
    }
    const subscription: Subscription = { channel, handlers, connected: false };
    let channelSubscriptions = this.subscriptions.get(channel);
    if (!channelSubscriptions) {
      channelSubscriptions = new Set();
      this.subscriptions.set(channel, channelSubscriptions);
    }
    channelSubscriptions.add(subscription);

    const client = this.client;
    if (client) await this.listenNow(client, subscription);
    return { channel, unsubscribe: () => this.unsubscribe(subscription) };
  }

  /** LISTENs on the subscription's channel over the open connection, then reports it as connected. */
  private async listenNow(client: pg.Client, subscription: Subscription): Promise<void> {
    try {
      // LISTEN on a channel the connection already listens on does nothing, so a second subscription needs no check.
      await this.execute(client, `LISTEN ${subscription.channel}`);
    } catch (error) {
      // The reconnect LISTENs on every subscribed channel again, this one included.
      this.onConnectionLost(client, error as Error);
      return;
    }
    if (this.client === client && this.isSubscribed(subscription)) this.report(subscription, true);
  }

  private unsubscribe(subscription: Subscription): void {
    const channelSubscriptions = this.subscriptions.get(subscription.channel);
    if (!channelSubscriptions?.delete(subscription)) return;
    if (channelSubscriptions.size === 0) {
      this.subscriptions.delete(subscription.channel);
      // Not awaited, so an unsubscribe never waits on a stalled database. A failure here means a
      // lost connection, which the client's 'error' or 'end' event reports.
      if (this.client) this.execute(this.client, `UNLISTEN ${subscription.channel}`).catch(() => undefined);
    }
    this.report(subscription, false);
  }

  private async connect(): Promise<void> {
    const generation = this.generation;
    const client = this.createClient(generation);
    const listened = new Set<string>();
    try {
      await client.connect();
      // Channels subscribed while a LISTEN runs get theirs in the next pass. No await separates
      // the last pass from `this.client = client` below, so no subscription can fall in between.
      for (let missing = this.unlistenedChannels(listened); missing.length > 0; missing = this.unlistenedChannels(listened)) {
        await this.execute(client, missing.map((channel) => `LISTEN ${channel};`).join(' '));
        for (const channel of missing) listened.add(channel);
      }
    } catch (error) {
      client.end().catch(() => undefined);
      throw error;
    }
    if (generation !== this.generation) {
      await client.end().catch(() => undefined);
      return;
    }
    this.unlistenDropped(client, listened);
    this.client = client;
    this.confirmedAt = Date.now();
    this.reconnectDelay = RECONNECT_DELAY_MS.first;
    this.startHealthChecks(client);
    this.reportToAll(true);
  }

  private startHealthChecks(client: pg.Client): void {
    this.stopHealthChecks();
    let checking = false;
    this.healthCheckTimer = setInterval(() => {
      if (checking || this.client !== client) return;
      checking = true;
      void this.checkHealth(client).finally(() => {
        checking = false;
      });
    }, (this.options.healthCheck ?? HEALTH_CHECK).intervalMs);
    this.healthCheckTimer.unref();
  }

  private stopHealthChecks(): void {
    if (this.healthCheckTimer) clearInterval(this.healthCheckTimer);
    this.healthCheckTimer = null;
  }

  /** Runs `select 1` on the connection, and handles a failure or a time-out as a lost connection. */
  private async checkHealth(client: pg.Client): Promise<void> {
    const sentAt = Date.now();
    const { timeoutMs } = this.options.healthCheck ?? HEALTH_CHECK;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`health check timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.execute(client, 'select 1'), timedOut]);
      if (this.client === client) this.confirmedAt = sentAt;
    } catch (error) {
      this.onConnectionLost(client, error instanceof Error ? error : new Error(String(error)));
    } finally {
      clearTimeout(timer);
    }
  }

  private createClient(generation: number): pg.Client {
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      application_name: LISTENER_APPLICATION_NAME,
      connectionTimeoutMillis: this.options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
      keepAlive: true,
    });
    client.on('notification', (notification) => {
      if (generation !== this.generation || notification.payload === undefined) return;
      if (this.client === client) this.confirmedAt = Date.now();
      this.dispatch(notification.channel, notification.payload);
    });
    client.on('error', (error) => this.onConnectionLost(client, error));
    client.on('end', () => this.onConnectionLost(client, new Error('connection ended')));
    return client;
  }

  private unlistenedChannels(listened: ReadonlySet<string>): string[] {
    return [...this.subscriptions.keys()].filter((channel) => !listened.has(channel));
  }

  /** UNLISTENs channels whose last subscription ended while the connection was opening. */
  private unlistenDropped(client: pg.Client, listened: ReadonlySet<string>): void {
    const dropped = [...listened].filter((channel) => !this.subscriptions.has(channel));
    if (dropped.length === 0) return;
    this.execute(client, dropped.map((channel) => `UNLISTEN ${channel};`).join(' ')).catch(() => undefined);
  }

  /** Sends `sql` on `client` once the statement sent before it has finished. */
  private execute(client: pg.Client, sql: string): Promise<void> {
    const previous = this.lastStatements.get(client) ?? Promise.resolve();
    const result = previous.then(async () => {
      await client.query(sql);
    });
    this.lastStatements.set(client, result.catch(() => undefined));
    return result;
  }

  private dispatch(channel: string, payload: string): void {
    for (const subscription of [...(this.subscriptions.get(channel) ?? [])]) {
      try {
        subscription.handlers.onPayload(payload);
      } catch (error) {
        // One failing handler must not keep the notification from the other subscriptions.
        this.options.logger.error({ err: error, channel }, 'notification handler failed');
      }
    }
  }

  private onConnectionLost(client: pg.Client, error: Error): void {
    if (!this.running || this.client !== client) return;
    this.client = null;
    this.stopHealthChecks();
    this.reportToAll(false);
    this.options.logger.warn({ err: error, channels: this.channelNames(), retryInMs: this.reconnectDelay }, 'channel listener lost its database connection');
    client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const generation = this.generation;
    this.reconnectTimer = setTimeout(async () => {
      this.reconnectTimer = null;
      try {
        await this.connect();
        if (generation === this.generation) this.options.logger.info({ channels: this.channelNames() }, 'channel listener reconnected');
      } catch (error) {
        this.reconnectDelay = Math.min(this.reconnectDelay * 2, RECONNECT_DELAY_MS.max);
        // A stop during this attempt ends its reconnecting, and a start after that stop opened a connection of its own.
        if (generation !== this.generation) return;
        this.options.logger.warn({ err: error, channels: this.channelNames(), retryInMs: this.reconnectDelay }, 'channel listener failed to reconnect');
        this.scheduleReconnect();
      }
    }, this.reconnectDelay);
  }

  private isSubscribed(subscription: Subscription): boolean {
    return this.subscriptions.get(subscription.channel)?.has(subscription) ?? false;
  }

  private channelNames(): string[] {
    return [...this.subscriptions.keys()];
  }

  private reportToAll(connected: boolean): void {
    for (const channelSubscriptions of [...this.subscriptions.values()]) {
      for (const subscription of [...channelSubscriptions]) this.report(subscription, connected);
    }
  }

  /** Passes a change of the connection to the subscription's handler, once per change. */
  private report(subscription: Subscription, connected: boolean): void {
    if (subscription.connected === connected) return;
    subscription.connected = connected;
    try {
      subscription.handlers.onConnectionChange?.(connected);
    } catch (error) {
      this.options.logger.error({ err: error, channel: subscription.channel, connected }, 'connection change handler failed');
    }
  }
}
