import { EventEmitter } from 'node:events';
import { Repeater } from '@graphql-yoga/subscription';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../common/logger';
import type { ChannelSubscription, PgChannelListener } from '../common/pg-channel-listener';
import { SubscriptionEndedError } from '../common/errors';
import { PushConnection } from '../connections/push-connection.entity';
import { CONNECTION_STATUS_CHANNEL, PushConnectionStatusChange, type ConnectionStatusNotice, type ConnectionStatusState } from './connection-status';

/** One change of a connection's status, with the status that the change committed. */
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
 * them: the process's shared PgChannelListener LISTENs on the channel, each notification carries
 * the status that its change committed, and every matching subscriber receives the event.
 * Notifications sent while that connection is lost never arrive, and connections keep no history
 * of changes to read them back from. So after a reconnection the feed ends every subscription with SUBSCRIPTION_ENDED,
 * and its clients read the current state with `pushConnections` before subscribing again.
 */
export class ConnectionStatusFeed {
  private readonly emitter = new EventEmitter();
  private subscription: ChannelSubscription | null = null;
  private connectedOnce = false;
  private lost = false;
  /** Payloads of notifications received and not handled yet, oldest first. */
  private readonly waiting: string[] = [];
  /** Whether `drain` is running. */
  private draining = false;
  /** The running drain, or the last one; it never rejects. */
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
        this.emitter.off('endWorkspaces', onEndWorkspaces);
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
      const onEndWorkspaces = (workspaceIds: ReadonlySet<number>, error: Error) => {
        if (workspaceIds.has(filter.workspaceId)) stop(error);
      };
      this.emitter.on('status', onStatus);
      this.emitter.once('stop', onStop);
      this.emitter.on('endWorkspaces', onEndWorkspaces);
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
   * Queues a notification for `drain`, which starts unless it is running. Notifications are
   * handled in the order they arrived, which is the order their transactions committed.
   */
  private enqueueNotification(payload: string): void {
    this.waiting.push(payload);
    if (this.draining) return;
    this.draining = true;
    this.handling = this.drain();
  }

  /**
   * Emits the waiting notifications in batches until none waits. Each batch loads the names of
   * its connections with one query, so a burst of changes costs a query per batch, not per change.
   * The loop ends and clears `draining` in one step, so a notification that arrives meanwhile
   * starts a new drain.
   */
  private async drain(): Promise<void> {
    try {
      while (this.waiting.length > 0) {
        await this.emitBatch(this.waiting.splice(0, MAX_NOTICES_PER_BATCH));
      }
    } finally {
      this.draining = false;
    }
  }

  private async emitBatch(payloads: string[]): Promise<void> {
    if (this.subscriberCount === 0) return;
    const notices = payloads.map((payload) => this.parseNotice(payload)).filter((notice) => notice !== null);
    if (notices.length === 0) return;
    let connections: Map<number, LoadedConnection>;
    try {
      connections = await this.loadConnections(notices.map((notice) => notice.connectionId));
    } catch (error) {
      // The changes cannot be streamed without their connections' names, so the subscribers of
      // their workspaces end and read the current state again rather than miss them unaware.
      // The other workspaces' subscribers missed nothing, so they stay.
      const workspaceIds = new Set(notices.map((notice) => notice.workspaceId));
      this.logger.error(
        { err: error, connectionIds: notices.map((notice) => notice.connectionId), workspaceIds: [...workspaceIds] },
        'failed to load the connections of status notifications; ending the pushConnectionStatus subscriptions of their workspaces',
      );
      this.emitter.emit('endWorkspaces', workspaceIds, new SubscriptionEndedError(LOAD_FAILED_MESSAGE));
      return;
    }
    for (const notice of notices) {
      const connection = connections.get(notice.connectionId);
      if (connection) this.emitter.emit('status', toEvent(notice, connection));
    }
  }

  private parseNotice(payload: string): ReceivedNotice | null {
    try {
      return JSON.parse(payload) as ReceivedNotice;
    } catch (error) {
      this.logger.error({ err: error, payloadBytes: Buffer.byteLength(payload) }, 'ignored a status notification that is not valid JSON');
      return null;
    }
  }

  private async loadConnections(ids: number[]): Promise<Map<number, LoadedConnection>> {
    const connections = await this.orm.em.fork().find(PushConnection, { id: { $in: [...new Set(ids)] } }, { fields: LOADED_FIELDS });
    return new Map(connections.map((connection) => [connection.id, connection]));
  }
}

/** Message of the error that ends the subscriptions of a batch's workspaces when the connections of the batch's changes could not be read. */
export const LOAD_FAILED_MESSAGE =
  'The pushConnectionStatus subscription ended because the server could not read changed connections from its database, so status changes were missed. ' +
  'Read the current state with pushConnections, then subscribe again.';

/** Maximum number of notifications that share one query for their connections' names. */
const MAX_NOTICES_PER_BATCH = 500;

/**
 * Fields that the feed loads. Notices carry the status, so it needs only the name, but a notice
 * from an earlier docpush version carries no status, and the loaded one is used instead.
 */
const LOADED_FIELDS = ['id', 'name', 'enabled', 'disabledReason', 'disabledAt', 'failingSince'] as const;

type LoadedConnection = Pick<PushConnection, (typeof LOADED_FIELDS)[number]>;

/** A notice as received: a process of an earlier docpush version, such as during a rolling upgrade, sends no status fields. */
type ReceivedNotice = Omit<ConnectionStatusNotice, keyof ConnectionStatusState> & Partial<ConnectionStatusState>;

/**
 * Builds the event of a notice from the status that the notice carries, or from the loaded
 * connection when the notice carries none.
 *
 * NOTE: the name is the connection's name when this process handled the notice, which a rename
 * after the change may have replaced. A rename is not a status change, so no event announces it.
 */
function toEvent(notice: ReceivedNotice, connection: LoadedConnection): ConnectionStatusEvent {
  const state = typeof notice.enabled === 'boolean' ? noticeState(notice as ConnectionStatusNotice) : connection;
  return {
    connectionId: notice.connectionId,
    workspaceId: notice.workspaceId,
    name: connection.name,
    change: notice.change,
    enabled: state.enabled,
    disabledReason: state.disabledReason,
    disabledAt: state.disabledAt,
    failingSince: state.failingSince,
    receivedAt: new Date(),
  };
}

function noticeState(notice: ConnectionStatusNotice): Pick<ConnectionStatusEvent, 'enabled' | 'disabledReason' | 'disabledAt' | 'failingSince'> {
  return {
    enabled: notice.enabled,
    disabledReason: notice.disabledReason,
    disabledAt: notice.disabledAtMs === null ? null : new Date(notice.disabledAtMs),
    failingSince: notice.failingSinceMs === null ? null : new Date(notice.failingSinceMs),
  };
}
