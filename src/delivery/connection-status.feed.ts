import { EventEmitter } from 'node:events';
import { Repeater } from '@graphql-yoga/subscription';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../common/logger';
import type { ChannelSubscription, PgChannelListener } from '../common/pg-channel-listener';
import { SubscriptionEndedError } from '../common/errors';
import { PushConnection } from '../connections/push-connection.entity';
import { CONNECTION_STATUS_CHANNEL, PushConnectionStatusChange, type ConnectionStatusNotice } from './connection-status';

/** One change of a connection's status, with the connection's state after it. */
export interface ConnectionStatusEvent {
  connectionId: number;
  workspaceId: number;
  name: string;
  change: PushConnectionStatusChange;
  enabled: boolean;
  disabledReason: string | null;
  disabledAt: Date | null;
  failingSince: Date | null;
  /** When this process received the change. */
  receivedAt: Date;
}

export interface ConnectionStatusFilter {
  workspaceId: number;
  connectionId?: number;
}

/**
 * Streams connection status changes to subscribers in this process, whichever process made
 * them: the process's shared PgChannelListener LISTENs on the channel, each notification loads
 * its connection once, and every matching subscriber receives the event. Notifications sent while
 * that connection is lost never arrive, and connections keep no history of changes to read them
 * back from. So after a reconnection the feed ends every subscription with SUBSCRIPTION_ENDED,
 * and its clients read the current state with `pushConnections` before subscribing again.
 */
export class ConnectionStatusFeed {
  private readonly emitter = new EventEmitter();
  private subscription: ChannelSubscription | null = null;
  private connectedOnce = false;
  private lost = false;
  /** The notification being handled and those queued behind it; it never rejects. */
  private handling: Promise<void> = Promise.resolve();

  constructor(
    private readonly listener: PgChannelListener,
    private readonly orm: MikroORM,
    private readonly logger: Logger,
  ) {
    this.emitter.setMaxListeners(0);
  }

  get subscriberCount(): number {
    return this.emitter.listenerCount('status');
  }

  async start(): Promise<void> {
    this.subscription ??= await this.listener.subscribe(CONNECTION_STATUS_CHANNEL, {
      onPayload: (payload) => this.enqueueNotification(payload),
      onConnectionChange: (connected) => this.onConnectionChange(connected),
    });
  }

  /** Ends the subscription and the streams of its subscribers. The shared listener keeps running. */
  async stop(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = null;
    subscription?.unsubscribe();
    // The caller closes the ORM next, so the notifications being handled finish first.
    await this.handling;
    this.emitter.emit('stop');
  }

  /** Returns an async iterator of the status changes that match the filter; it ends when the feed stops. */
  subscribe(filter: ConnectionStatusFilter): AsyncIterableIterator<ConnectionStatusEvent> {
    return new Repeater<ConnectionStatusEvent>(async (push, stop) => {
      let attached = true;
      const detach = () => {
        if (!attached) return;
        attached = false;
        this.emitter.off('status', onStatus);
        this.emitter.off('stop', onStop);
      };
      const onStatus = (event: ConnectionStatusEvent) => {
        if (event.workspaceId !== filter.workspaceId) return;
        if (filter.connectionId !== undefined && event.connectionId !== filter.connectionId) return;
        try {
          void push(event);
        } catch (error) {
          // Repeater throws once 1024 values wait for a consumer that reads too slowly. The throw
          // would stop the emit, so the subscribers after this one would miss the change.
          detach();
          this.logger.warn({ err: error, workspaceId: filter.workspaceId }, 'ended a pushConnectionStatus subscription whose client read too slowly');
          stop(
            new SubscriptionEndedError(
              'The pushConnectionStatus subscription ended because its client read status changes more slowly than they were made. ' +
                'Read the current state with pushConnections, then subscribe again.',
            ),
          );
        }
      };
      const onStop = (error?: Error) => stop(error);
      this.emitter.on('status', onStatus);
      this.emitter.once('stop', onStop);
      await stop;
      detach();
    });
  }

  private onConnectionChange(connected: boolean): void {
    if (!connected) {
      if (this.connectedOnce && this.subscription) this.lost = true;
      return;
    }
    this.connectedOnce = true;
    if (!this.lost) return;
    this.lost = false;
    if (this.subscriberCount === 0) return;
    this.logger.warn({ subscribers: this.subscriberCount }, 'ended the pushConnectionStatus subscriptions after lost notifications');
    this.emitter.emit(
      'stop',
      new SubscriptionEndedError(
        'The pushConnectionStatus subscription ended because the server lost its database notifications for a while, so status changes may have been missed. ' +
          'Read the current state with pushConnections, then subscribe again.',
      ),
    );
  }

  /**
   * Handles notifications one at a time, in the order they arrived, which is the order their
   * transactions committed. Concurrent loads could emit a later change before an earlier one.
   */
  private enqueueNotification(payload: string): void {
    this.handling = this.handling.then(() => this.onNotification(payload));
  }

  private async onNotification(payload: string): Promise<void> {
    if (this.subscriberCount === 0) return;
    try {
      const notice = JSON.parse(payload) as ConnectionStatusNotice;
      const connection = await this.orm.em.fork().findOne(PushConnection, notice.connectionId);
      if (!connection) return;
      this.emitter.emit('status', {
        connectionId: connection.id,
        workspaceId: notice.workspaceId,
        name: connection.name,
        change: notice.change,
        enabled: connection.enabled,
        disabledReason: connection.disabledReason,
        disabledAt: connection.disabledAt,
        failingSince: connection.failingSince,
        receivedAt: new Date(),
      } satisfies ConnectionStatusEvent);
    } catch (error) {
      this.logger.error({ err: error }, 'failed to load the connection of a status notification');
    }
  }
}
