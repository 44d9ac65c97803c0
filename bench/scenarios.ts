import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROUTES, type ApiClient, type BenchWorkspace } from './api-client';
import type { BenchListener } from './bench-listener';
import { readProcessMemory, type DocpushProcess } from './docpush-processes';
import { runClosedLoop, runOpenLoop, waitForDelivery, type LoadTarget, type SentEvent } from './load';
import type { LogSubscriber } from './log-subscriber';
import { measureMemoryAfterGc } from './memory-after-gc';
import type { BenchOptions } from './options';
import { loadConfig } from '../src/config/config';
import { cancelWaitingMessages, countersBetween, readDatabaseCounters, sampleDatabaseWaits, type DatabaseCounters, type WaitProfile } from './database-probe';
import { countBetween, cpuBetween, formatMiB, formatMs, formatRate, summariseLatencies, takeCpuSnapshot, type LatencySummary } from './stats';

/** Everything a scenario needs from a started topology. */
export interface ScenarioContext {
  options: BenchOptions;
  /** The docpush_bench database, for its activity counters. */
  databaseUrl: string;
  api: ApiClient;
  listener: BenchListener;
  subscriber: LogSubscriber;
  workspace: BenchWorkspace;
  processes: DocpushProcess[];
  log(line: string): void;
}

export interface ThroughputPoint {
  connectionsPerEvent: number;
  /** Events recorded per GraphQL request: 1 with recordDocumentEvent, more with recordDocumentEvents. */
  eventsPerRequest: number;
  /**
   * Maximum number of deliveries in flight at once: the job concurrency, or each connection's
   * in-flight limit times the connections per event when that is lower. The raw ceiling that the
   * point is compared with runs as many loops.
   */
  concurrency: number;
  windowSeconds: number;
  /** Messages whose success reached the subscriber inside the window, per second. */
  deliveriesPerSecond: number;
  eventsPerSecond: number;
  /** Mean of docpush_push_messages_due sampled each second; above 0 means the workers were the limit. */
  meanDueBacklog: number;
  /** CPU cores used inside the window, by docpush role and by the benchmark process itself. */
  cpuCores: Record<string, number>;
  machineBusy: number;
  /** Database commits and row writes per delivery inside the window, from pg_stat_database. */
  perDelivery: DatabaseCounters | null;
  /** Activity of the database backends inside the window. */
  waits: WaitProfile | null;
  /** Messages still waiting when the window closed; cancelled so the next point starts clean. */
  cancelledAfterWindow: number;
  failedEvents: number;
  firstError: string | null;
}

export interface LatencyPoint {
  ratePerSecond: number;
  achievedEventsPerSecond: number;
  toListener: LatencySummary;
  toSubscriber: LatencySummary;
  /** Database commits and row writes per delivered message over the point, drain included. */
  perDelivery: DatabaseCounters | null;
  undelivered: number;
  failedEvents: number;
  firstError: string | null;
}

export interface AttachmentPoint {
  messagesPerSecond: number;
  delivered: number;
  /** File names of a received message, such as "service-agreement-1.docx, service-agreement-1.pdf". */
  receivedFiles: string;
  meanFileBytes: number;
  /** Mean render time per file type inside the window, from docpush_render_duration_seconds. */
  meanRenderMs: Record<string, number>;
  error: string | null;
}

export interface MemoryCheckpoint {
  deliveries: number;
  /**
   * One VmRSS sample per docpush role, read when the delivery count reached the checkpoint. It lands
   * anywhere between two full collections of V8's old generation.
   */
  rssBytesByRole: Record<string, number>;
  /** VmRSS per role right after a full garbage collection, which runs just after the sample above. */
  rssAfterGcBytesByRole: Record<string, number>;
  /** JS heap in use per role after that collection (V8's usedSize). */
  heapUsedAfterGcBytesByRole: Record<string, number>;
  /** Failures of the measurement after a full collection, as "role: message". A role listed here has no value in the two records above. */
  afterGcErrors: string[];
}

/**
 * Producer settings: enough requests in flight and a backlog of 2,000 messages keep the default 50
 * worker slots busy. A larger backlog only measures how the job queue copes with its length.
 */
const CLOSED_LOOP = { inFlight: 16, maxBacklog: 2_000 };
/** Fewer requests in flight when each records a batch of events, so the backlog bound still holds. */
const BATCHED_IN_FLIGHT = 4;
const PROGRESS_EVERY_MS = 2_000;
const WARM_UP_ATTEMPTS = 5;
/** Maximum wait for attempts in flight to finish after a backlog was cancelled. */
const SETTLE_MS = 30_000;

/** Throws when a docpush process has ended, because every later number would be meaningless. */
export function assertProcessesRunning(context: Pick<ScenarioContext, 'processes'>): void {
  const ended = context.processes.filter((docpush) => docpush.exited).map((docpush) => docpush.role);
  if (ended.length > 0) throw new Error(`docpush process(es) ended during the run: ${ended.join(', ')}; see the log above for their last output.`);
}

function target(context: ScenarioContext, route: keyof typeof ROUTES, recordIds = context.workspace.plainRecordIds, eventsPerRequest = 1): LoadTarget {
  return { api: context.api, subscriber: context.subscriber, eventType: ROUTES[route].eventType, recordIds, authorId: context.workspace.authorId, eventsPerRequest };
}

/**
 * Sends events on the single route until one success reaches the subscriber, which shows that the
 * subscription is active and the whole path works before anything is measured.
 */
export async function warmUp(context: ScenarioContext): Promise<void> {
  for (let attempt = 1; attempt <= WARM_UP_ATTEMPTS; attempt += 1) {
    const [messageId] = await context.api.recordEvent(context.workspace.plainRecordIds[0], ROUTES.single.eventType, context.workspace.authorId);
    const deadline = performance.now() + 3_000;
    while (performance.now() < deadline) {
      if (context.subscriber.succeeded.has(messageId)) return;
      await sleep(20);
    }
  }
  throw new Error(`No delivery reached the deliveryLog subscriber after ${WARM_UP_ATTEMPTS} warm-up events; subscription errors: ${context.subscriber.errors.join('; ') || 'none'}.`);
}

/**
 * Measures deliveries per second with 1 or 10 connections per event, with the workers kept busy.
 * The events are recorded `eventsPerRequest` at a time: one per recordDocumentEvent request, or in
 * batches with recordDocumentEvents.
 */
export async function measureThroughput(context: ScenarioContext, connectionsPerEvent: 1 | 10, eventsPerRequest = 1): Promise<ThroughputPoint> {
  const { options } = context;
  const route = connectionsPerEvent === 1 ? 'single' : 'fanOut';
  const label = `throughput, ${connectionsPerEvent} connection(s) per event, ${eventsPerRequest} event(s) per request`;
  const windowStart = performance.now() + options.warmupMs;
  const windowEnd = windowStart + options.durationMs;

  const backlogSamples: number[] = [];
  let before = takeCpuSnapshot([]);
  let countersBefore: Promise<DatabaseCounters | null> = Promise.resolve(null);
  let waitSampler: ReturnType<typeof sampleDatabaseWaits> | null = null;
  const sampler = startSampler(context, label, windowStart, windowEnd, backlogSamples, () => {
    before = takeCpuSnapshot(pidsOf(context));
    countersBefore = readDatabaseCounters(context.databaseUrl);
    waitSampler = sampleDatabaseWaits(context.databaseUrl);
  });
  const inFlight = eventsPerRequest > 1 ? BATCHED_IN_FLIGHT : CLOSED_LOOP.inFlight;
  const load = await runClosedLoop(target(context, route, context.workspace.plainRecordIds, eventsPerRequest), { ...CLOSED_LOOP, inFlight, until: windowEnd });
  const after = takeCpuSnapshot(pidsOf(context));
  const databaseWork = countersBetween(await countersBefore, await readDatabaseCounters(context.databaseUrl));
  const waits = waitSampler ? await (waitSampler as ReturnType<typeof sampleDatabaseWaits>).stop() : null;
  sampler.stop();

  const delivered = countBetween(context.subscriber.succeededTimes, windowStart, windowEnd);
  const eventsInWindow = countBetween(load.events.map((event) => event.scheduledAt), windowStart, windowEnd);
  const cancelledAfterWindow = await cancelWaitingMessages(context.databaseUrl, SETTLE_MS);
  const cpu = cpuBetween(before, after);
  const windowSeconds = options.durationMs / 1000;

  const { jobs, delivery } = loadConfig(options.docpushEnv);
  return {
    connectionsPerEvent,
    eventsPerRequest,
    concurrency: Math.min(jobs.concurrency, connectionsPerEvent * delivery.connectionConcurrency),
    windowSeconds,
    deliveriesPerSecond: delivered / windowSeconds,
    eventsPerSecond: eventsInWindow / windowSeconds,
    meanDueBacklog: backlogSamples.length ? backlogSamples.reduce((sum, value) => sum + value, 0) / backlogSamples.length : Number.NaN,
    cpuCores: cpuByRole(context, cpu.coresByPid),
    machineBusy: cpu.machineBusy,
    perDelivery: databaseWork && delivered > 0 ? perDelivery(databaseWork, delivered) : null,
    waits,
    cancelledAfterWindow,
    failedEvents: load.failedEvents,
    firstError: load.firstError,
  };
}

/** Measures event→listener and event→subscriber latency at a fixed event rate, one connection per event. */
export async function measureLatency(context: ScenarioContext, ratePerSecond: number): Promise<LatencyPoint> {
  const { options } = context;
  // The rate runs for the warm-up time first, and those events are left out of the numbers. A new
  // process's first second (JIT compilation, pool connections opening, statements being prepared)
  // took up to 400 ms per delivery and made p99 a measure of the start-up.
  context.log(`latency at ${ratePerSecond} events/s: ${options.warmupMs / 1000} s warm-up`);
  const warmUp = await runOpenLoop(target(context, 'single'), { ratePerSecond, durationMs: options.warmupMs });
  await drain(context, warmUp.events);

  context.log(`latency at ${ratePerSecond} events/s for ${options.durationMs / 1000} s`);
  const started = performance.now();
  const countersBefore = await readDatabaseCounters(context.databaseUrl);
  const load = await runOpenLoop(target(context, 'single'), { ratePerSecond, durationMs: options.durationMs });
  const achievedEventsPerSecond = load.events.length / ((performance.now() - started) / 1000);
  const undelivered = await waitForDelivery(context.subscriber, load.events, options.drainTimeoutMs);
  const databaseWork = countersBetween(countersBefore, await readDatabaseCounters(context.databaseUrl));
  if (undelivered > 0) await cancelBacklog(context, undelivered);
  const delivered = load.events.reduce((sum, event) => sum + event.messageIds.length, 0) - undelivered;

  const toListener = summariseLatencies(latencies(load.events, context.listener.firstArrival));
  const toSubscriber = summariseLatencies(latencies(load.events, context.subscriber.succeeded));
  context.log(`latency at ${ratePerSecond} events/s: p50 ${formatMs(toListener.p50)}, p99 ${formatMs(toListener.p99)} to the listener; ${undelivered} undelivered`);
  return {
    ratePerSecond,
    achievedEventsPerSecond,
    toListener,
    toSubscriber,
    perDelivery: databaseWork && delivered > 0 ? perDelivery(databaseWork, delivered) : null,
    undelivered,
    failedEvents: load.failedEvents,
    firstError: load.firstError,
  };
}

/** Waits for the messages of a point to arrive; cancels the rest after the drain time-out and returns their count. */
async function drain(context: ScenarioContext, events: SentEvent[]): Promise<number> {
  const undelivered = await waitForDelivery(context.subscriber, events, context.options.drainTimeoutMs);
  if (undelivered > 0) await cancelBacklog(context, undelivered);
  return undelivered;
}

async function cancelBacklog(context: ScenarioContext, undelivered: number): Promise<void> {
  context.log(`${undelivered} message(s) not delivered within ${context.options.drainTimeoutMs / 1000} s; cancelling the backlog`);
  await cancelWaitingMessages(context.databaseUrl, SETTLE_MS);
}

function perDelivery(work: DatabaseCounters, delivered: number): DatabaseCounters {
  return {
    commits: work.commits / delivered,
    rowsInserted: work.rowsInserted / delivered,
    rowsUpdated: work.rowsUpdated / delivered,
    rowsDeleted: work.rowsDeleted / delivered,
  };
}

function latencies(events: SentEvent[], arrivals: Map<string, number>): number[] {
  const values: number[] = [];
  for (const event of events) {
    for (const messageId of event.messageIds) {
      const arrivedAt = arrivals.get(messageId);
      if (arrivedAt !== undefined) values.push(arrivedAt - event.scheduledAt);
    }
  }
  return values;
}

/** Measures messages per second that carry the record's two-page contract as DOCX and PDF. */
export async function measureAttachments(context: ScenarioContext): Promise<AttachmentPoint> {
  const { options, workspace } = context;
  if (workspace.attachmentSetupError) {
    return { messagesPerSecond: Number.NaN, delivered: 0, receivedFiles: '', meanFileBytes: Number.NaN, meanRenderMs: {}, error: `set-up failed: ${workspace.attachmentSetupError}` };
  }
  const windowStart = performance.now() + options.warmupMs;
  const windowEnd = windowStart + options.durationMs;
  let renderBefore: Promise<RenderTotals> = Promise.resolve(new Map());
  const sampler = startSampler(context, 'attachments', windowStart, windowEnd, [], () => (renderBefore = readRenderTotals(context)));
  const load = await runClosedLoop(target(context, 'attachments', workspace.documentRecordIds), { inFlight: 4, maxBacklog: 200, until: windowEnd });
  const renderAfter = await readRenderTotals(context);
  sampler.stop();

  const delivered = countBetween(context.subscriber.succeededTimes, windowStart, windowEnd);
  await drain(context, load.events);
  const samples = context.listener.attachmentSamples;
  const withFiles = samples.filter((sample) => sample.fileNames.length > 0);
  let error = load.firstError;
  if (samples.length === 0) error = 'no attachment message arrived';
  else if (withFiles.length === 0) error = 'messages arrived without generated files';
  return {
    messagesPerSecond: delivered / (options.durationMs / 1000),
    delivered,
    receivedFiles: withFiles[0]?.fileNames.join(', ') ?? '',
    meanFileBytes: withFiles.length ? withFiles.reduce((sum, sample) => sum + sample.bytes, 0) / withFiles.length : Number.NaN,
    meanRenderMs: meanRenderMs(await renderBefore, renderAfter),
    error,
  };
}

/**
 * Delivers fan-out events until the process has delivered the larger checkpoint count (or the
 * time limit passes). When the delivery count first reaches each checkpoint, reads the RSS of
 * each docpush process and then measures each process after a full garbage collection, while the
 * load goes on. The load stops as soon as the measurements at the last checkpoint have finished,
 * so every checkpoint is measured under the same load.
 */
export async function measureMemory(context: ScenarioContext): Promise<MemoryCheckpoint[]> {
  const checkpoints = [...context.options.memoryCheckpoints];
  const samples: MemoryCheckpoint[] = [];
  // One chain, so that the collections of two checkpoints reached in one tick do not overlap.
  let afterGcMeasurements = Promise.resolve();
  let lastCheckpointMeasured = false;
  const takeSample = () => {
    const deliveries = context.subscriber.succeeded.size;
    while (checkpoints.length > 0 && deliveries >= checkpoints[0]) {
      checkpoints.shift();
      const checkpoint: MemoryCheckpoint = { deliveries, rssBytesByRole: rssByRole(context), rssAfterGcBytesByRole: {}, heapUsedAfterGcBytesByRole: {}, afterGcErrors: [] };
      samples.push(checkpoint);
      context.log(`memory: ${deliveries} deliveries, RSS ${JSON.stringify(checkpoint.rssBytesByRole)}`);
      afterGcMeasurements = afterGcMeasurements.then(() => measureCheckpointAfterGc(context, checkpoint));
      if (checkpoints.length === 0) {
        // A failed measurement must stop the load as well, so the flag is set either way.
        afterGcMeasurements = afterGcMeasurements.finally(() => {
          lastCheckpointMeasured = true;
        });
      }
    }
  };
  const timer = setInterval(takeSample, 200);
  const goal = context.options.memoryCheckpoints[1];
  const progress = setInterval(() => context.log(formatMemoryProgress(context.subscriber.succeeded.size, goal)), PROGRESS_EVERY_MS * 5);
  const deadline = performance.now() + context.options.memoryTimeLimitMs;
  try {
    takeSample();
    while (!lastCheckpointMeasured) {
      if (performance.now() > deadline) {
        context.log(`memory: stopped after ${context.options.memoryTimeLimitMs / 60_000} min at ${context.subscriber.succeeded.size} deliveries`);
        break;
      }
      const load = await runClosedLoop(target(context, 'fanOut'), { ...CLOSED_LOOP, until: performance.now() + 10_000, stopWhen: () => lastCheckpointMeasured });
      if (load.events.length === 0 && !lastCheckpointMeasured) throw new Error(`memory scenario: no event was recorded: ${load.firstError}`);
    }
  } finally {
    clearInterval(timer);
    clearInterval(progress);
    await afterGcMeasurements;
    await cancelWaitingMessages(context.databaseUrl, SETTLE_MS);
  }
  return samples;
}

/**
 * Formats the memory scenario's progress line. Past the last checkpoint the load only goes on
 * until the measurements after a full GC end, so the count then reads as a surplus, not as a
 * share of the goal.
 */
export function formatMemoryProgress(delivered: number, goal: number): string {
  if (delivered < goal) return `memory: ${delivered} of ${goal} deliveries`;
  return `memory: ${goal} deliveries reached (${delivered} delivered), the load stops when the measurements after a full GC end`;
}

/**
 * Runs a full garbage collection in each docpush process, one after the other, and records its
 * RSS and JS heap in use in the checkpoint. A failure is logged and recorded in the checkpoint
 * instead of thrown, so the raw samples are still reported.
 */
async function measureCheckpointAfterGc(context: ScenarioContext, checkpoint: MemoryCheckpoint): Promise<void> {
  for (const docpush of context.processes) {
    try {
      const memory = await measureMemoryAfterGc(docpush);
      checkpoint.rssAfterGcBytesByRole[docpush.role] = memory.rssBytes;
      checkpoint.heapUsedAfterGcBytesByRole[docpush.role] = memory.heapUsedBytes;
      context.log(
        `memory: ${checkpoint.deliveries} deliveries, ${docpush.role} after a full GC: RSS ${formatMiB(memory.rssBytes)}, ` +
          `JS heap ${formatMiB(memory.heapUsedBytes)} used of ${formatMiB(memory.heapTotalBytes)}`,
      );
    } catch (error) {
      const message = (error as Error).message;
      checkpoint.afterGcErrors.push(`${docpush.role}: ${message}`);
      context.log(`memory: measuring docpush ${docpush.role} (pid ${docpush.pid}) after a full GC at ${checkpoint.deliveries} deliveries failed: ${message}`);
    }
  }
}

/** Sum of seconds and count of renders per file type, over the docpush processes that deliver. */
type RenderTotals = Map<string, { seconds: number; count: number }>;

async function readRenderTotals(context: ScenarioContext): Promise<RenderTotals> {
  const totals: RenderTotals = new Map();
  for (const docpush of context.processes.filter((candidate) => candidate.role !== 'api')) {
    const text = await fetchMetrics(docpush.monitoringUrl);
    for (const match of text.matchAll(/^docpush_render_duration_seconds_(sum|count)\{file_type="([^"]+)"\} (\S+)$/gm)) {
      const entry = totals.get(match[2]) ?? { seconds: 0, count: 0 };
      if (match[1] === 'sum') entry.seconds += Number(match[3]);
      else entry.count += Number(match[3]);
      totals.set(match[2], entry);
    }
  }
  return totals;
}

function meanRenderMs(before: RenderTotals, after: RenderTotals): Record<string, number> {
  const means: Record<string, number> = {};
  for (const [fileType, total] of after) {
    const previous = before.get(fileType) ?? { seconds: 0, count: 0 };
    const count = total.count - previous.count;
    if (count > 0) means[fileType] = ((total.seconds - previous.seconds) * 1000) / count;
  }
  return means;
}

/** The docpush processes, the benchmark itself and every PostgreSQL server process of this machine. */
function pidsOf(context: ScenarioContext): number[] {
  return [...context.processes.map((process) => process.pid), process.pid, ...postgresPids()];
}

/** Returns the pids of processes named `postgres`: the server of a local run, its backends and helpers. */
function postgresPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') pids.push(Number(entry));
    } catch {
      // The process ended while the folder was read.
    }
  }
  return pids;
}

/**
 * CPU cores by docpush role, of the benchmark process and of PostgreSQL. PostgreSQL's share sums
 * the processes that ran through the whole window, so a backend opened or closed inside it is
 * left out.
 */
function cpuByRole(context: ScenarioContext, coresByPid: Map<number, number>): Record<string, number> {
  const cores: Record<string, number> = {};
  const others = new Set<number>([process.pid]);
  for (const docpush of context.processes) {
    cores[`docpush ${docpush.role}`] = coresByPid.get(docpush.pid) ?? Number.NaN;
    others.add(docpush.pid);
  }
  cores.benchmark = coresByPid.get(process.pid) ?? Number.NaN;
  const postgres = [...coresByPid].filter(([pid, used]) => !others.has(pid) && Number.isFinite(used));
  if (postgres.length > 0) cores.postgres = postgres.reduce((sum, [, used]) => sum + used, 0);
  return cores;
}

export function rssByRole(context: Pick<ScenarioContext, 'processes'>): Record<string, number> {
  const rss: Record<string, number> = {};
  for (const docpush of context.processes) rss[docpush.role] = readProcessMemory(docpush.pid)?.rssBytes ?? Number.NaN;
  return rss;
}

/**
 * Prints progress every two seconds and, inside the measured window, samples the due backlog from
 * /metrics once a second. `onWindowStart` runs once when the window opens.
 */
function startSampler(context: ScenarioContext, label: string, windowStart: number, windowEnd: number, backlogSamples: number[], onWindowStart: () => void) {
  let lastCount = context.subscriber.succeeded.size;
  let lastArrivals = context.listener.firstArrival.size;
  let lastAt = performance.now();
  const progress = setInterval(() => {
    const count = context.subscriber.succeeded.size;
    const arrivals = context.listener.firstArrival.size;
    const now = performance.now();
    const perSecond = (delta: number) => formatRate((delta * 1000) / (now - lastAt));
    let phase = 'draining';
    if (now < windowStart) phase = 'warm-up';
    else if (now < windowEnd) phase = `${((now - windowStart) / 1000).toFixed(0)} s`;
    context.log(`${label} [${phase}]: ${perSecond(count - lastCount)} deliveries/s at the subscriber, ${perSecond(arrivals - lastArrivals)}/s at the listener, due backlog ${backlogSamples.at(-1) ?? 'n/a'}`);
    lastCount = count;
    lastArrivals = arrivals;
    lastAt = now;
  }, PROGRESS_EVERY_MS);
  const opening = setTimeout(onWindowStart, Math.max(0, windowStart - performance.now()));
  const backlog = setInterval(async () => {
    const now = performance.now();
    if (now < windowStart || now >= windowEnd) return;
    const due = await readDueBacklog(context.processes[0].monitoringUrl);
    if (Number.isFinite(due)) backlogSamples.push(due);
  }, 1_000);
  return {
    stop: () => {
      clearTimeout(opening);
      clearInterval(progress);
      clearInterval(backlog);
    },
  };
}

async function readDueBacklog(monitoringUrl: string): Promise<number> {
  const text = await fetchMetrics(monitoringUrl);
  return Number(/^docpush_push_messages_due (\S+)$/m.exec(text)?.[1] ?? Number.NaN);
}

/** Returns the /metrics text of a docpush process, or an empty text when the scrape fails. */
async function fetchMetrics(monitoringUrl: string): Promise<string> {
  try {
    return await (await fetch(`${monitoringUrl}/metrics`)).text();
  } catch {
    return '';
  }
}
