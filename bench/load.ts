import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiClient } from './api-client';
import type { LogSubscriber } from './log-subscriber';

/** One recorded event: when it was meant to be sent and the push messages it queued. */
export interface SentEvent {
  /** performance.now() at which the event was scheduled; latencies start here. */
  scheduledAt: number;
  messageIds: string[];
}

export interface LoadResult {
  events: SentEvent[];
  /** Events whose recordDocumentEvent request failed, with the first error. */
  failedEvents: number;
  firstError: string | null;
}

export interface LoadTarget {
  api: ApiClient;
  subscriber: LogSubscriber;
  eventType: string;
  recordIds: string[];
  authorId: string;
  /** Events per request of the closed loop: 1 sends recordDocumentEvent, more send recordDocumentEvents. */
  eventsPerRequest?: number;
}

/** Picks records round-robin, so that consecutive events rarely wait for the same record's row lock. */
class RecordCycle {
  private next = 0;

  constructor(private readonly recordIds: string[]) {}

  take(): string {
    const id = this.recordIds[this.next % this.recordIds.length];
    this.next += 1;
    return id;
  }
}

/**
 * Records events with `inFlight` requests at a time until `until` (performance.now()) or until
 * `stopWhen` returns true. Requests already sent finish before it returns. It pauses while more
 * than `maxBacklog` of the queued messages have not reached the subscriber yet, so the workers
 * always have work and the backlog stays bounded.
 */
export async function runClosedLoop(
  target: LoadTarget,
  options: { inFlight: number; maxBacklog: number; until: number; stopWhen?: () => boolean; onEvent?: (event: SentEvent) => void },
): Promise<LoadResult> {
  const result: LoadResult = { events: [], failedEvents: 0, firstError: null };
  const records = new RecordCycle(target.recordIds);
  const deliveredBefore = target.subscriber.succeeded.size;
  const eventsPerRequest = target.eventsPerRequest ?? 1;
  let queued = 0;

  const backlog = () => queued - (target.subscriber.succeeded.size - deliveredBefore);
  const worker = async () => {
    while (performance.now() < options.until && !options.stopWhen?.()) {
      if (backlog() > options.maxBacklog) {
        await sleep(5);
        continue;
      }
      const scheduledAt = performance.now();
      const recordIds = Array.from({ length: eventsPerRequest }, () => records.take());
      try {
        for (const messageIds of await recordEvents(target, recordIds)) {
          queued += messageIds.length;
          const event = { scheduledAt, messageIds };
          result.events.push(event);
          options.onEvent?.(event);
        }
      } catch (error) {
        result.failedEvents += recordIds.length;
        result.firstError ??= (error as Error).message;
        await sleep(50);
      }
    }
  };
  await Promise.all(Array.from({ length: options.inFlight }, worker));
  return result;
}

/** Records one event per record id, in one request when there are several; returns each event's message ids. */
async function recordEvents(target: LoadTarget, recordIds: string[]): Promise<string[][]> {
  if (recordIds.length === 1) return [await target.api.recordEvent(recordIds[0], target.eventType, target.authorId)];
  return target.api.recordEvents(recordIds, target.eventType, target.authorId);
}

/**
 * Records events at a fixed rate for `durationMs`, however long the responses take. In this open
 * loop a slow server cannot slow the load down and so hide its own latency. Each event's latency
 * is measured from its scheduled time, not from when it was actually sent.
 */
export async function runOpenLoop(target: LoadTarget, options: { ratePerSecond: number; durationMs: number }): Promise<LoadResult> {
  const result: LoadResult = { events: [], failedEvents: 0, firstError: null };
  const records = new RecordCycle(target.recordIds);
  const intervalMs = 1000 / options.ratePerSecond;
  const total = Math.round((options.durationMs / 1000) * options.ratePerSecond);
  const start = performance.now();
  const pending: Promise<void>[] = [];

  const send = async (scheduledAt: number) => {
    try {
      const messageIds = await target.api.recordEvent(records.take(), target.eventType, target.authorId);
      result.events.push({ scheduledAt, messageIds });
    } catch (error) {
      result.failedEvents += 1;
      result.firstError ??= (error as Error).message;
    }
  };

  for (let sent = 0; sent < total; ) {
    const now = performance.now();
    while (sent < total && start + sent * intervalMs <= now) {
      pending.push(send(start + sent * intervalMs));
      sent += 1;
    }
    await sleep(Math.max(0, Math.min(5, start + sent * intervalMs - performance.now())));
  }
  await Promise.all(pending);
  return result;
}

/** Waits until every message of `events` reached the subscriber, or the deadline passes; returns how many did not. */
export async function waitForDelivery(subscriber: LogSubscriber, events: SentEvent[], timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  const messageIds = events.flatMap((event) => event.messageIds);
  for (;;) {
    const missing = messageIds.filter((id) => !subscriber.succeeded.has(id)).length;
    if (missing === 0 || performance.now() > deadline) return missing;
    await sleep(100);
  }
}
