import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../common/logger';
import type { AttemptResult } from '../delivery/http-sender';
import type { AttemptRecord } from '../delivery/steps/record-attempt.step';
import type { FileType } from '../rendering/document-content';
import type { RenderCacheStats } from '../rendering/render-cache';
import { readDeliveryBacklog } from './delivery-backlog';
import { withTimeout } from './timeout';

/** Measurements that the delivery pipeline reports. An interface, so the pipeline does not depend on prom-client. */
export interface DeliveryMetrics {
  /** Counts one recorded attempt by outcome and response class, with its duration and any scheduled retry. */
  recordAttempt(result: AttemptResult, decision: AttemptRecord['decision']): void;
  /** Observes the time spent rendering one generated file of a message. */
  observeRender(fileType: FileType, seconds: number): void;
  /** Counts the push log rows written for attempts that a stopped worker cut off. */
  recordAbandonedAttempts(count: number): void;
}

/** Reason for which docpush disabled a connection by itself. */
export type AutoDisableReason = 'gone' | 'failing';

export type ResponseClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | 'none' | 'other';

/** Maximum wait for the backlog query of a scrape, so that a scrape returns even while the database hangs. */
const BACKLOG_QUERY_TIMEOUT_MS = 2000;

// Attempt durations range from a sub-millisecond local listener up to the 15 s default time-out.
const ATTEMPT_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30];
// A two-page DOCX renders in milliseconds, a long PDF can take seconds.
const RENDER_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Sources of the gauges that are read at scrape time. */
export interface MetricsSources {
  orm: MikroORM;
  /** The live delivery log feed; its subscriber count is 0 in a worker-only process. */
  deliveryLogFeed: { readonly subscriberCount: number };
  logger: Logger;
}

/**
 * The Prometheus metrics of one docpush process, on a registry of its own (not prom-client's
 * global one), so several apps started in one process keep separate values. The backlog gauges
 * are read from the database on each scrape and read NaN while that query fails.
 */
export class AppMetrics implements DeliveryMetrics {
  readonly registry = new Registry();
  private readonly deliveries: Counter<'outcome' | 'response_class'>;
  private readonly attemptDuration: Histogram<'outcome'>;
  private readonly retriesScheduled: Counter;
  private readonly abandonedAttempts: Counter;
  private readonly connectionsDisabled: Counter<'reason'>;
  private readonly renderDuration: Histogram<'file_type'>;
  private readonly backlogGauges: { pending: Gauge; due: Gauge; oldestDueAge: Gauge; disabledConnections: Gauge<'cause'> };
  private backlogReadFailing = false;
  /**
   * The backlog read that is running, which every scrape meanwhile waits for. Without it, each of
   * many concurrent scrapes, which need no API key, would hold a connection of the main pool.
   */
  private backlogRefresh: Promise<void> | null = null;

  constructor(private readonly sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });

    this.deliveries = new Counter({
      name: 'docpush_deliveries_total',
      help: 'Delivery attempts recorded, by outcome (succeeded on 2xx) and response class (none when no response was received).',
      labelNames: ['outcome', 'response_class'],
      registers,
    });
    this.attemptDuration = new Histogram({
      name: 'docpush_delivery_attempt_duration_seconds',
      help: 'Duration of one HTTP delivery attempt, from the start of name resolution to the end of the response body.',
      labelNames: ['outcome'],
      buckets: ATTEMPT_BUCKETS_SECONDS,
      registers,
    });
    this.retriesScheduled = new Counter({
      name: 'docpush_delivery_retries_scheduled_total',
      help: 'Failed attempts after which a retry was scheduled.',
      registers,
    });
    this.abandonedAttempts = new Counter({
      name: 'docpush_delivery_attempts_abandoned_total',
      help:
        'Attempts cut off by a worker that stopped or crashed, logged as failed with response class none when their message was claimed again, ' +
        'was cancelled because its connection was deleted, or was set to wait by the sweeper because its connection was disabled.',
      registers,
    });
    this.connectionsDisabled = new Counter({
      name: 'docpush_push_connections_auto_disabled_total',
      help: 'Connections disabled by docpush itself: reason "gone" after a 410 answer, "failing" after failing too long.',
      labelNames: ['reason'],
      registers,
    });
    this.renderDuration = new Histogram({
      name: 'docpush_render_duration_seconds',
      help: 'Time spent rendering one generated file for a message, by file type.',
      labelNames: ['file_type'],
      buckets: RENDER_BUCKETS_SECONDS,
      registers,
    });
    this.backlogGauges = this.createBacklogGauges(registers);
    this.createSubscriberGauge(registers);
    this.initialiseSeries();
  }

  recordAttempt(result: AttemptResult, decision: AttemptRecord['decision']): void {
    const outcome = decision.kind === 'succeeded' ? 'succeeded' : 'failed';
    this.deliveries.inc({ outcome, response_class: responseClassOf(result.statusCode) });
    this.attemptDuration.observe({ outcome }, result.durationMs / 1000);
    if (decision.kind === 'retry') this.retriesScheduled.inc();
  }

  recordAbandonedAttempts(count: number): void {
    if (count === 0) return;
    this.abandonedAttempts.inc(count);
    this.deliveries.inc({ outcome: 'failed', response_class: 'none' }, count);
  }

  observeRender(fileType: FileType, seconds: number): void {
    this.renderDuration.observe({ file_type: fileType }, seconds);
  }

  /** Exports the hit, miss and size figures of this process's render cache on each scrape. */
  trackRenderCache(readStats: () => RenderCacheStats): void {
    const registers = [this.registry];
    new Gauge({
      name: 'docpush_render_cache_lookups',
      help: 'Rendered-file lookups since start, by result: hit (stored file), miss (rendered), coalesced (waited for a render in progress).',
      labelNames: ['result'],
      registers,
      collect() {
        const stats = readStats();
        this.set({ result: 'hit' }, stats.hits);
        this.set({ result: 'miss' }, stats.misses);
        this.set({ result: 'coalesced' }, stats.coalesced);
      },
    });
    new Gauge({
      name: 'docpush_render_cache_bytes',
      help: 'Bytes of rendered files held by the render cache.',
      registers,
      collect() {
        this.set(readStats().bytes);
      },
    });
  }

  /**
   * Counts a connection that docpush disabled: after a 410 answer, or after failing for too long.
   * Call it only when the connection was enabled until then, so concurrent attempts count it once.
   */
  recordConnectionDisabled(reason: AutoDisableReason): void {
    this.connectionsDisabled.inc({ reason });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Reads the backlog gauges from the database, then returns every metric in the Prometheus text format. */
  async scrape(): Promise<string> {
    this.backlogRefresh ??= this.refreshBacklogGauges().finally(() => {
      this.backlogRefresh = null;
    });
    await this.backlogRefresh;
    return this.registry.metrics();
  }

  private createBacklogGauges(registers: Registry[]) {
    return {
      pending: new Gauge({
        name: 'docpush_push_messages_pending',
        help: 'Messages not finished yet: PENDING, DELIVERING or RETRY_SCHEDULED.',
        registers,
      }),
      due: new Gauge({
        name: 'docpush_push_messages_due',
        help: 'Messages of enabled connections waiting for a worker: PENDING, or RETRY_SCHEDULED with the retry time passed.',
        registers,
      }),
      oldestDueAge: new Gauge({
        name: 'docpush_push_messages_oldest_due_age_seconds',
        help: 'Seconds since the oldest due message became due; 0 when none is due.',
        registers,
      }),
      disabledConnections: new Gauge({
        name: 'docpush_push_connections_disabled',
        help: 'Connections disabled now: cause "automatic" when docpush disabled them, "manual" when an admin did after they had been enabled. Connections never enabled, and deleted ones, are in neither.',
        labelNames: ['cause'],
        registers,
      }),
    };
  }

  private createSubscriberGauge(registers: Registry[]): void {
    const feed = this.sources.deliveryLogFeed;
    new Gauge({
      name: 'docpush_delivery_log_subscribers',
      help: 'deliveryLog subscriptions open in this process.',
      registers,
      collect() {
        this.set(feed.subscriberCount);
      },
    });
  }

  /** Exports the usual series at 0 from the start, so rate() and increase() see their first step. */
  private initialiseSeries(): void {
    this.deliveries.inc({ outcome: 'succeeded', response_class: '2xx' }, 0);
    for (const responseClass of ['3xx', '4xx', '5xx', 'none'] as const) {
      this.deliveries.inc({ outcome: 'failed', response_class: responseClass }, 0);
    }
    this.attemptDuration.zero({ outcome: 'succeeded' });
    this.attemptDuration.zero({ outcome: 'failed' });
    this.connectionsDisabled.inc({ reason: 'gone' }, 0);
    this.connectionsDisabled.inc({ reason: 'failing' }, 0);
  }

  private async refreshBacklogGauges(): Promise<void> {
    const gauges = this.backlogGauges;
    try {
      const backlog = await withTimeout(readDeliveryBacklog(this.sources.orm, BACKLOG_QUERY_TIMEOUT_MS), BACKLOG_QUERY_TIMEOUT_MS, 'the backlog query');
      gauges.pending.set(backlog.pending);
      gauges.due.set(backlog.due);
      gauges.oldestDueAge.set(backlog.oldestDueAgeSeconds);
      gauges.disabledConnections.set({ cause: 'automatic' }, backlog.autoDisabledConnections);
      gauges.disabledConnections.set({ cause: 'manual' }, backlog.manuallyDisabledConnections);
      if (this.backlogReadFailing) this.sources.logger.info('metrics: the backlog query works again');
      this.backlogReadFailing = false;
    } catch (error) {
      // NaN, not the last values: a stale backlog would look healthy while the database is down.
      // NOTE: prom-client 15.1.3 writes NaN as "Nan"; Prometheus parses sample values with Go's
      // strconv.ParseFloat, which ignores case, so it still reads NaN.
      for (const gauge of [gauges.pending, gauges.due, gauges.oldestDueAge]) gauge.set(Number.NaN);
      gauges.disabledConnections.set({ cause: 'automatic' }, Number.NaN);
      gauges.disabledConnections.set({ cause: 'manual' }, Number.NaN);
      // Logged once per failure streak, because Prometheus scrapes every few seconds.
      if (!this.backlogReadFailing) this.sources.logger.warn({ err: error }, 'metrics: the backlog query failed; backlog gauges read NaN until it works');
      this.backlogReadFailing = true;
    }
  }
}

/** Returns the class of an HTTP status: "2xx" for 204, "none" for 0 (no response received). */
export function responseClassOf(statusCode: number): ResponseClass {
  if (statusCode === 0) return 'none';
  if (statusCode >= 100 && statusCode <= 599) return `${Math.floor(statusCode / 100)}xx` as ResponseClass;
  return 'other';
}
