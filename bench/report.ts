import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { CeilingResult } from './ceiling';
import { BUILT_ENTRY_POINT, productionNodeFlags } from './docpush-processes';
import type { ProfileSummary } from './cpu-profile-summary';
import type { BenchOptions, Scenario, Topology } from './options';
import type { AttachmentPoint, LatencyPoint, MemoryCheckpoint, ThroughputPoint } from './scenarios';
import { formatKiB, formatMiB, formatMs, formatPercent, formatRate, type LatencySummary } from './stats';

export interface TopologyResult {
  topology: Topology;
  throughput: ThroughputPoint[];
  latency: LatencyPoint[];
  attachments: AttachmentPoint | null;
  memory: MemoryCheckpoint[] | null;
  peakRssBytesByRole: Record<string, number>;
  /** Warn and error log lines of the docpush processes, counted by message. */
  problems: Array<{ role: string; message: string; count: number }>;
  duplicates: number;
  failedLogs: number;
  /** Set when the topology stopped early, with the reason. */
  error: string | null;
}

export interface Machine {
  cores: number;
  cpuModel: string;
  memoryBytes: number;
  node: string;
  postgres: string;
  database: string;
  /** 1-minute load average when the run started, because other work on the machine skews the numbers. */
  loadAverageAtStart: number;
  /** Round trip of a single-row INSERT in its own transaction: the cost floor of each commit. */
  commitLatency: LatencySummary;
}

export interface BenchResults {
  startedAt: Date;
  finishedAt: Date;
  command: string;
  machine: Machine;
  options: BenchOptions;
  topologies: TopologyResult[];
  /** The raw ceiling at each delivery concurrency of the throughput points, lowest first. */
  ceilings: CeilingResult[];
  profiles: ProfileSummary[];
}

export const RESULTS_START = '<!-- bench:results:start -->';
export const RESULTS_END = '<!-- bench:results:end -->';

/** Replaces the generated section of the benchmark page, keeping the hand-written text around it. */
export function writeResultsSection(file: string, results: BenchResults): void {
  const section = `${RESULTS_START}\n${renderMarkdown(results)}\n${RESULTS_END}`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const start = current.indexOf(RESULTS_START);
  const end = current.indexOf(RESULTS_END);
  const next = start >= 0 && end > start ? current.slice(0, start) + section + current.slice(end + RESULTS_END.length) : `${current}${current ? '\n' : ''}${section}\n`;
  writeFileSync(file, next);
}

function table(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

/** Renders the results as Markdown: run facts, then one table per scenario. */
export function renderMarkdown(results: BenchResults): string {
  const { machine, options } = results;
  const settings = Object.entries(options.docpushEnv).map(([key, value]) => `${key}=${value}`);
  const facts = [
    '## Latest recorded run',
    '',
    `- Date: ${results.startedAt.toISOString()} (took ${((results.finishedAt.getTime() - results.startedAt.getTime()) / 60000).toFixed(1)} min)`,
    `- Command: \`${results.command}\``,
    `- Machine: ${machine.cores} cores (${machine.cpuModel}), ${formatMiB(machine.memoryBytes)} memory, Node ${machine.node}, PostgreSQL ${machine.postgres} (${machine.database}); 1-minute load average ${machine.loadAverageAtStart.toFixed(2)} at the start`,
    `- One single-row INSERT commit on this server: p50 ${formatMs(machine.commitLatency.p50)}, p99 ${formatMs(machine.commitLatency.p99)}`,
    ...(hasTimedPoints(options) ? [`- Points: ${options.durationMs / 1000} s measured after ${options.warmupMs / 1000} s warm-up${options.quick ? ' (--quick: a check of the script, not a full measurement)' : ''}`] : []),
    `- docpush settings: defaults${settings.length ? ` plus ${settings.join(', ')}` : ''}`,
    `- docpush started as \`npm run start:prod\` starts it: \`node ${[...productionNodeFlags(), BUILT_ENTRY_POINT].join(' ')}\``,
    '',
  ].join('\n');
  const sections = [
    renderTargets(results),
    renderThroughput(results),
    renderWaits(results),
    renderLatency(results),
    renderAttachments(results),
    renderMemory(results),
    renderProblems(results),
    renderProfiles(results.profiles),
  ];
  // Every section ends with a line break, so joining with another one leaves a blank line between them.
  return [facts, ...sections.filter((section) => section !== '')].join('\n');
}

/** Returns true when a chosen scenario measures timed points. The memory scenario runs to delivery counts instead. */
function hasTimedPoints(options: BenchOptions): boolean {
  return options.scenarios.some((scenario) => scenario !== 'memory');
}

/** Returns the fastest point with one connection per event, whichever way its events were recorded. */
function bestSingleRoute(result: TopologyResult): ThroughputPoint | undefined {
  return result.throughput
    .filter((point) => point.connectionsPerEvent === 1)
    .reduce<ThroughputPoint | undefined>((best, point) => (best && best.deliveriesPerSecond >= point.deliveriesPerSecond ? best : point), undefined);
}

/** Names a throughput point, such as "1 connection(s) per event, 50 events per request". */
function pointLabel(point: ThroughputPoint): string {
  const intake = point.eventsPerRequest > 1 ? `${point.eventsPerRequest} events per request` : 'one event per request';
  return `${point.connectionsPerEvent} connection(s) per event, ${intake}`;
}

/**
 * Renders the target table. Rows of scenarios left out with --only are left out, so "not
 * measured" only marks a chosen scenario whose measurement failed.
 */
function renderTargets(results: BenchResults): string {
  const ran = (...scenarios: Scenario[]) => scenarios.every((scenario) => results.options.scenarios.includes(scenario));
  const rows: string[][] = [];
  for (const result of results.topologies) {
    const rates = result.throughput.map((point) => point.deliveriesPerSecond);
    const best = rates.length > 0 ? Math.max(...rates) : Number.NaN;
    const at200 = result.latency.find((point) => point.ratePerSecond === 200);
    const single = bestSingleRoute(result);
    const ratio = single ? shareOfCeiling(results, single) : Number.NaN;
    const ratioMeasure = `share of the raw ceiling (1 connection${single && single.eventsPerRequest > 1 ? `, ${single.eventsPerRequest} events per request` : ''})`;
    const memory = result.memory && result.memory.length === 2 ? memoryGrowth(result.memory, 'rssAfterGcBytesByRole') : Number.NaN;
    const rawMemory = result.memory && result.memory.length === 2 ? memoryGrowth(result.memory, 'rssBytesByRole') : Number.NaN;
    if (ran('throughput')) {
      rows.push([result.topology, 'deliveries/s (best point)', '≥ 2000', formatRate(best), verdict(best >= 2000, best)]);
    }
    if (ran('latency')) {
      rows.push([result.topology, 'p99 event→listener at 200 events/s', '≤ 50 ms', formatMs(at200?.toListener.p99 ?? Number.NaN), verdict((at200?.toListener.p99 ?? Infinity) <= 50 && at200?.undelivered === 0, at200?.toListener.p99)]);
    }
    if (ran('throughput', 'ceiling')) {
      rows.push([result.topology, ratioMeasure, '≥ 0.5', formatShare(ratio), verdict(ratio >= 0.5, ratio)]);
    }
    if (ran('attachments')) {
      rows.push([result.topology, 'DOCX+PDF messages/s', '≥ 100', formatRate(result.attachments?.messagesPerSecond ?? Number.NaN), verdict((result.attachments?.messagesPerSecond ?? 0) >= 100, result.attachments?.messagesPerSecond)]);
    }
    if (ran('memory')) {
      rows.push([result.topology, 'RSS after a full GC, growth between memory checkpoints', '≤ 10% (flat)', `${formatPercent(memory)} (one raw sample: ${formatPercent(rawMemory)})`, verdict(memory <= 0.1, memory)]);
    }
  }
  if (rows.length === 0) return '';
  return `### Targets\n\n${table(['topology', 'measure', 'target', 'measured', 'met'], rows)}\n`;
}

/** Returns the raw ceiling measured at the point's concurrency. */
function ceilingOf(results: BenchResults, point: ThroughputPoint): CeilingResult | undefined {
  return results.ceilings.find((ceiling) => ceiling.concurrency === point.concurrency);
}

/** Returns the point's deliveries per second as a share of the raw ceiling at its concurrency, or NaN without one. */
function shareOfCeiling(results: BenchResults, point: ThroughputPoint): number {
  const ceiling = ceilingOf(results, point);
  return ceiling ? point.deliveriesPerSecond / ceiling.operationsPerSecond : Number.NaN;
}

/** Formats a share with two significant digits below 0.01, so that 0.0008 does not print as 0.00. */
function formatShare(share: number): string {
  if (!Number.isFinite(share)) return 'n/a';
  return share < 0.01 ? share.toPrecision(2) : share.toFixed(2);
}

function verdict(met: boolean, value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return 'not measured';
  return met ? 'yes' : 'no';
}

/** A per-role RSS measure of a checkpoint. */
type MemoryMeasure = 'rssBytesByRole' | 'rssAfterGcBytesByRole';

/**
 * Maximum relative growth of a measure of any process between the two checkpoints. NaN when a
 * process has no value at either of them, because the roles come from the raw samples, which
 * list every process.
 */
function memoryGrowth(checkpoints: MemoryCheckpoint[], measure: MemoryMeasure): number {
  return Math.max(...Object.keys(checkpoints[0].rssBytesByRole).map((role) => roleGrowth(checkpoints, measure, role)));
}

/** Relative growth of one process's measure from the first checkpoint to the second, or NaN without both values. */
function roleGrowth(checkpoints: MemoryCheckpoint[], measure: MemoryMeasure, role: string): number {
  const [first, second] = checkpoints;
  if (!first || !second) return Number.NaN;
  return (second[measure][role] ?? Number.NaN) / (first[measure][role] ?? Number.NaN) - 1;
}

function renderThroughput(results: BenchResults): string {
  const rows = results.topologies.flatMap((result) =>
    result.throughput.map((point) => [
      result.topology,
      String(point.connectionsPerEvent),
      String(point.eventsPerRequest),
      String(point.concurrency),
      formatRate(point.deliveriesPerSecond),
      formatRate(point.eventsPerSecond),
      Number.isFinite(point.meanDueBacklog) ? point.meanDueBacklog.toFixed(0) : 'n/a',
      Object.entries(point.cpuCores).map(([role, cores]) => `${role} ${cores.toFixed(2)}`).join(', '),
      formatPercent(point.machineBusy),
      point.perDelivery ? `${point.perDelivery.commits.toFixed(1)} / ${point.perDelivery.rowsInserted.toFixed(1)} / ${point.perDelivery.rowsUpdated.toFixed(1)} / ${point.perDelivery.rowsDeleted.toFixed(1)}` : 'n/a',
      String(point.cancelledAfterWindow),
    ]),
  );
  if (rows.length === 0) return '';
  const ceilingLines = results.ceilings.map((ceiling) => {
    const shares = results.topologies.flatMap((result) =>
      result.throughput
        .filter((point) => point.concurrency === ceiling.concurrency)
        .map((point) => `- ${result.topology}, ${pointLabel(point)}: ${formatShare(shareOfCeiling(results, point))} of it\n`),
    );
    const rate = `${formatRate(ceiling.operationsPerSecond)} POST + INSERT per second`;
    return `\nRaw ceiling at ${ceiling.concurrency} concurrent loops: ${rate} (body ${ceiling.bodyBytes} bytes, log row about ${ceiling.logRowBytes} bytes).\n\n${shares.join('')}`;
  });
  return `### Throughput (closed loop, counted when the subscriber received the committed log row)\n\n${table(
    ['topology', 'connections per event', 'events per request', 'deliveries in flight at most', 'deliveries/s', 'events/s', 'mean due backlog', 'CPU cores used', 'machine busy', 'commits / inserts / updates / deletes per delivery', 'backlog cancelled after the window'],
    rows,
  )}\n${ceilingLines.join('')}`;
}

function renderWaits(results: BenchResults): string {
  const sections = results.topologies.flatMap((result) =>
    result.throughput
      .filter((point) => point.waits && point.waits.samples > 0)
      .map((point) => {
        const waits = point.waits!;
        const perSample = (count: number) => (count / waits.samples).toFixed(1);
        return (
          `${result.topology}, ${pointLabel(point)} (${waits.samples} samples of pg_stat_activity; backends per sample):\n\n` +
          `${table(['backend state', 'backends'], waits.byState.map((row) => [row.state, perSample(row.count)]))}\n\n` +
          `${table(['statement of a busy backend', 'backends'], waits.byStatement.map((row) => [`\`${row.statement.replace(/\|/g, '\\|')}\``, perSample(row.count)]))}\n`
        );
      }),
  );
  return sections.length ? `### Database backends during the throughput windows\n\n${sections.join('\n')}` : '';
}

function renderLatency(results: BenchResults): string {
  const rows = results.topologies.flatMap((result) =>
    result.latency.map((point) => [
      result.topology,
      String(point.ratePerSecond),
      formatRate(point.achievedEventsPerSecond),
      `${formatMs(point.toListener.p50)} / ${formatMs(point.toListener.p95)} / ${formatMs(point.toListener.p99)}`,
      `${formatMs(point.toSubscriber.p50)} / ${formatMs(point.toSubscriber.p95)} / ${formatMs(point.toSubscriber.p99)}`,
      point.perDelivery ? `${point.perDelivery.commits.toFixed(1)} / ${point.perDelivery.rowsInserted.toFixed(1)} / ${point.perDelivery.rowsUpdated.toFixed(1)} / ${point.perDelivery.rowsDeleted.toFixed(1)}` : 'n/a',
      String(point.undelivered),
      String(point.failedEvents),
    ]),
  );
  if (rows.length === 0) return '';
  return `### Latency (open loop, from the scheduled send of recordDocumentEvent)\n\n${table(
    ['topology', 'events/s asked', 'events/s sent', 'to listener p50 / p95 / p99', 'to subscriber p50 / p95 / p99', 'commits / inserts / updates / deletes per delivery', 'undelivered (cancelled)', 'failed events'],
    rows,
  )}\n`;
}

function renderAttachments(results: BenchResults): string {
  const rows = results.topologies
    .filter((result) => result.attachments)
    .map((result) => {
      const point = result.attachments!;
      const renders = Object.entries(point.meanRenderMs).map(([fileType, ms]) => `${fileType} ${formatMs(ms)}`).join(', ') || 'n/a';
      return [result.topology, formatRate(point.messagesPerSecond), String(point.delivered), point.receivedFiles || 'none', formatKiB(point.meanFileBytes), renders, point.error ?? ''];
    });
  if (rows.length === 0) return '';
  return `### Attachments (two-page contract as DOCX and PDF, one connection)\n\n${table(['topology', 'messages/s', 'delivered in window', 'files in a message', 'file bytes per message', 'mean render time', 'problem'], rows)}\n`;
}

function renderMemory(results: BenchResults): string {
  const checkpointCounts = results.options.memoryCheckpoints;
  const rows = results.topologies.flatMap((result) =>
    Object.keys(result.peakRssBytesByRole).map((role) => {
      const checkpoints = result.memory ?? [];
      const atEachCheckpoint = (format: (checkpoint: MemoryCheckpoint) => string) =>
        checkpointCounts.map((_count, index) => (checkpoints[index] ? format(checkpoints[index]) : 'n/a'));
      return [
        result.topology,
        role,
        ...atEachCheckpoint((checkpoint) => `${formatMiB(checkpoint.rssBytesByRole[role])} (at ${checkpoint.deliveries})`),
        ...atEachCheckpoint((checkpoint) => formatMiB(checkpoint.rssAfterGcBytesByRole[role])),
        ...atEachCheckpoint((checkpoint) => formatMiB(checkpoint.heapUsedAfterGcBytesByRole[role])),
        `${formatPercent(roleGrowth(checkpoints, 'rssAfterGcBytesByRole', role))} / ${formatPercent(roleGrowth(checkpoints, 'rssBytesByRole', role))}`,
        formatMiB(result.peakRssBytesByRole[role]),
      ];
    }),
  );
  if (rows.length === 0) return '';
  const header = [
    'topology',
    'process',
    ...checkpointCounts.map((count) => `RSS sample at ≥ ${count} deliveries`),
    ...checkpointCounts.map((count) => `RSS after a full GC at ≥ ${count}`),
    ...checkpointCounts.map((count) => `JS heap used after a full GC at ≥ ${count}`),
    'RSS growth, after a full GC / one sample',
    'peak RSS',
  ];
  return `### Memory\n\n${table(header, rows)}\n`;
}

function renderProblems(results: BenchResults): string {
  const lines = results.topologies.flatMap((result) => [
    ...(result.error ? [`- ${result.topology}: stopped early: ${result.error}`] : []),
    ...result.problems.map((problem) => `- ${result.topology}, ${problem.role}: ${problem.count} × "${problem.message}"`),
    ...(result.duplicates ? [`- ${result.topology}: ${result.duplicates} duplicate requests at the listener`] : []),
    ...(result.failedLogs ? [`- ${result.topology}: ${result.failedLogs} FAILED log rows streamed`] : []),
    ...(result.memory ?? []).flatMap((checkpoint) => checkpoint.afterGcErrors.map((error) => `- ${result.topology}: memory after a full GC at ${checkpoint.deliveries} deliveries not measured: ${error}`)),
  ]);
  return lines.length ? `### Warnings and errors seen\n\n${lines.join('\n')}\n` : '';
}

function renderProfiles(profiles: ProfileSummary[]): string {
  return profiles
    .map(
      (profile) =>
        `### CPU profile ${profile.file} (${(profile.totalMs / 1000).toFixed(1)} s of samples after the first ${(profile.skippedMs / 1000).toFixed(1)} s of start-up and warm-up)\n\n` +
        `${table(['area', 'self time', 'share'], profile.areas.map((row) => [row.name, `${row.selfMs.toFixed(0)} ms`, formatPercent(row.share)]))}\n\n` +
        `${table(['function', 'self time', 'share'], profile.functions.map((row) => [`\`${row.name}\``, `${row.selfMs.toFixed(0)} ms`, formatPercent(row.share)]))}\n`,
    )
    .join('\n');
}

/** Formats the CPU milliseconds that each process (docpush roles, PostgreSQL, the benchmark) spent per delivery. */
function formatCpuPerDelivery(cpuCores: Record<string, number>, deliveriesPerSecond: number): string {
  if (!(deliveriesPerSecond > 0)) return 'n/a';
  return Object.entries(cpuCores)
    .map(([role, cores]) => `${role.replace(/^docpush /, '')} ${((cores * 1000) / deliveriesPerSecond).toFixed(2)}`)
    .join(', ');
}

/** Prints the key numbers as a plain table for the terminal. */
export function renderConsoleTable(results: BenchResults): string {
  const lines: string[] = ['', 'topology  measure                                   value'];
  const add = (topology: string, measure: string, value: string) => lines.push(`${topology.padEnd(9)} ${measure.padEnd(41)} ${value}`);
  for (const result of results.topologies) {
    for (const point of result.throughput) {
      const batch = point.eventsPerRequest > 1 ? `, batches of ${point.eventsPerRequest}` : '';
      add(result.topology, `deliveries/s, ${point.connectionsPerEvent} connection(s)${batch}`, formatRate(point.deliveriesPerSecond));
      add(result.topology, `CPU ms per delivery, ${point.connectionsPerEvent} connection(s)${batch}`, formatCpuPerDelivery(point.cpuCores, point.deliveriesPerSecond));
      add(result.topology, `share of the raw ceiling, ${point.connectionsPerEvent} connection(s)${batch}`, `${formatShare(shareOfCeiling(results, point))} (${point.concurrency} in flight)`);
    }
    for (const point of result.latency) {
      add(result.topology, `latency p50/p95/p99 at ${point.ratePerSecond}/s (listener)`, `${formatMs(point.toListener.p50)} / ${formatMs(point.toListener.p95)} / ${formatMs(point.toListener.p99)}`);
      add(result.topology, `latency p50/p95/p99 at ${point.ratePerSecond}/s (subscriber)`, `${formatMs(point.toSubscriber.p50)} / ${formatMs(point.toSubscriber.p95)} / ${formatMs(point.toSubscriber.p99)}`);
      if (point.perDelivery) add(result.topology, `commits per delivery at ${point.ratePerSecond}/s`, point.perDelivery.commits.toFixed(1));
    }
    if (result.attachments) {
      const point = result.attachments;
      add(result.topology, 'DOCX+PDF messages/s', `${formatRate(point.messagesPerSecond)}${point.error ? ` (${point.error})` : ''}`);
      add(result.topology, 'mean render time', Object.entries(point.meanRenderMs).map(([fileType, ms]) => `${fileType} ${formatMs(ms)}`).join(', ') || 'n/a');
    }
    for (const checkpoint of result.memory ?? []) {
      // Roles come from the raw sample, so that a process without a value after the collection shows n/a.
      const byRole = (bytesByRole: Record<string, number>) => Object.keys(checkpoint.rssBytesByRole).map((role) => `${role} ${formatMiB(bytesByRole[role])}`).join(', ');
      add(result.topology, `RSS after ${checkpoint.deliveries} deliveries`, byRole(checkpoint.rssBytesByRole));
      add(result.topology, `RSS after full GC, ${checkpoint.deliveries} deliveries`, byRole(checkpoint.rssAfterGcBytesByRole));
      add(result.topology, `JS heap after full GC, ${checkpoint.deliveries} deliveries`, byRole(checkpoint.heapUsedAfterGcBytesByRole));
      for (const error of checkpoint.afterGcErrors) add(result.topology, 'measurement after full GC failed', error);
    }
    if (result.memory?.length === 2) {
      add(result.topology, 'RSS growth between checkpoints', `after full GC ${formatPercent(memoryGrowth(result.memory, 'rssAfterGcBytesByRole'))}, one sample ${formatPercent(memoryGrowth(result.memory, 'rssBytesByRole'))}`);
    }
    add(result.topology, 'peak RSS', Object.entries(result.peakRssBytesByRole).map(([role, bytes]) => `${role} ${formatMiB(bytes)}`).join(', '));
    if (result.error) add(result.topology, 'stopped early', result.error);
    for (const problem of result.problems) add(result.topology, `${problem.role} logged ${problem.count} ×`, problem.message);
  }
  for (const ceiling of results.ceilings) add('-', `raw ceiling (POST + INSERT)/s, ${ceiling.concurrency} loops`, formatRate(ceiling.operationsPerSecond));
  return `${lines.join('\n')}\n`;
}
