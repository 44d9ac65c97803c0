import { BaseNotificationChannel, type JobNotification } from 'agenda';
import type { ChannelSubscription, PgChannelListener } from '../common/pg-channel-listener';

/** PostgreSQL channel that announces new or rescheduled Agenda jobs to every worker. */
export const JOB_CHANNEL = 'docpush_jobs';

/** Sends `payload` on a PostgreSQL channel, such as with `select pg_notify($1, $2)`. */
export type NotifyFunction = (channel: string, payload: string) => Promise<void>;

/**
 * Agenda's notification channel over PostgreSQL LISTEN/NOTIFY, so a saved job runs at once on
 * some worker instead of at the next poll. It replaces the channel of
 * @agendajs/postgres-backend 3.0.6, which takes its LISTEN connection from the job store's pool.
 * When that channel's reconnect completes during a stop, the connection stays checked out, so the
 * pool's `end()` and with it the shutdown never finish. Here the channel subscribes to the
 * process's PgChannelListener. Its connection is a pg.Client outside any pool, which a stop
 * always closes and which reconnects by itself after a lost connection.
 */
export class JobNotificationChannel extends BaseNotificationChannel {
  private readonly listener: PgChannelListener;
  private readonly notify: NotifyFunction;
  private subscription: ChannelSubscription | null = null;

  constructor(options: { listener: PgChannelListener; notify: NotifyFunction }) {
    // Reconnecting is the listener's job, so the base class's reconnect logic stays off.
    super({ channelName: JOB_CHANNEL, reconnect: { enabled: false } });
    this.notify = options.notify;
    this.listener = options.listener;
  }

  /** Subscribes to JOB_CHANNEL on the shared listener. */
  async connect(): Promise<void> {
    this.setState('connecting');
    try {
      this.subscription ??= await this.listener.subscribe(JOB_CHANNEL, { onPayload: (payload) => this.receive(payload) });
    } catch (error) {
      this.setState('error');
      throw error;
    }
    this.setState('connected');
  }

  /** Ends the subscription. The shared connection stays open for the process's other channels. */
  async disconnect(): Promise<void> {
    this.subscription?.unsubscribe();
    this.subscription = null;
    this.setState('disconnected');
  }

  async publish(notification: JobNotification): Promise<void> {
    await this.notify(JOB_CHANNEL, serializeJobNotification(notification));
  }

  private receive(payload: string): void {
    let notification: JobNotification;
    try {
      notification = parseJobNotification(payload);
    } catch (error) {
      this.emit('error', error);
      return;
    }
    this.notifyHandlers(notification).catch((error: unknown) => this.emit('error', error));
  }
}

export function serializeJobNotification(notification: JobNotification): string {
  return JSON.stringify({ ...notification, jobId: String(notification.jobId) });
}

/** Reads a payload of `serializeJobNotification`, with its dates restored. */
export function parseJobNotification(payload: string): JobNotification {
  const parsed = JSON.parse(payload) as Record<string, unknown>;
  if (typeof parsed.jobId !== 'string' || typeof parsed.jobName !== 'string' || typeof parsed.timestamp !== 'string') {
    throw new Error(`Job notification ${JSON.stringify(payload.slice(0, 200))} is missing jobId, jobName or timestamp.`);
  }
  return {
    jobId: parsed.jobId as JobNotification['jobId'],
    jobName: parsed.jobName,
    nextRunAt: typeof parsed.nextRunAt === 'string' ? new Date(parsed.nextRunAt) : null,
    priority: typeof parsed.priority === 'number' ? parsed.priority : 0,
    timestamp: new Date(parsed.timestamp),
    source: typeof parsed.source === 'string' ? parsed.source : undefined,
  };
}
