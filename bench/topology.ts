import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ApiClient, seedBenchWorkspace, ROUTES, type BenchWorkspace } from './api-client';
import type { BenchServer } from './bench-database';
import { startBenchListener, type BenchListener, type CapturedRequest } from './bench-listener';
import { resetDeliveryQueue } from './database-probe';
import { readProcessMemory, startDocpush, type DocpushProcess } from './docpush-processes';
import { subscribeToDeliveryLog, type LogSubscriber } from './log-subscriber';
import type { BenchOptions, Scenario, Topology } from './options';
import type { TopologyResult } from './report';
import { assertProcessesRunning, measureAttachments, measureLatency, measureMemory, measureThroughput, warmUp, type ScenarioContext } from './scenarios';

/** Scenarios that run against docpush; the raw ceiling runs without it. */
type DocpushScenario = Exclude<Scenario, 'ceiling'>;

const PLAIN_RECORDS = 200;
const DOCUMENT_RECORDS = 20;

/** State shared by the scenario groups of one topology. */
interface TopologyRun {
  topology: Topology;
  options: BenchOptions;
  databaseUrl: string;
  secretKey: string;
  listener: BenchListener;
  profileDir: string | null;
  /** Per CPU profile file, the milliseconds from process start to the end of the warm-up. */
  steadyStateFromMs: Map<string, number>;
  adminKey: string | null;
  workspace: BenchWorkspace | null;
  log(line: string): void;
}

/**
 * Runs the chosen scenarios of one topology on a fresh database. Each scenario starts its own
 * docpush processes, so a backlog that one scenario left in a worker's memory cannot slow the
 * next, and the memory scenario counts deliveries from its processes' start.
 */
export async function runTopology(
  topology: Topology,
  options: BenchOptions,
  server: BenchServer,
  extras: { profileDir: string | null; steadyStateFromMs: Map<string, number>; log(line: string): void },
): Promise<{ result: TopologyResult; request: CapturedRequest | undefined }> {
  extras.log(`=== topology ${topology}: ${topology === 'single' ? 'one process with every role' : 'one API process and one worker process'}`);
  const result: TopologyResult = { topology, throughput: [], latency: [], attachments: null, memory: null, peakRssBytesByRole: {}, problems: [], duplicates: 0, failedLogs: 0, error: null };
  const listener = await startBenchListener();
  const problems = new Map<string, { role: string; message: string; count: number }>();
  const errors: string[] = [];

  try {
    const run: TopologyRun = { topology, options, databaseUrl: await server.recreateDatabase(), secretKey: randomBytes(32).toString('base64'), listener, adminKey: null, workspace: null, ...extras };
    for (const scenario of options.scenarios.filter((name): name is DocpushScenario => name !== 'ceiling')) {
      try {
        await runScenarioOnFreshProcesses(run, scenario, result, problems);
      } catch (error) {
        errors.push(`${scenario}: ${(error as Error).message}`);
        extras.log(`${topology}, ${scenario} stopped early: ${(error as Error).message}`);
      }
    }
  } finally {
    result.duplicates = listener.duplicates;
    result.problems = [...problems.values()];
    result.error = errors.length ? errors.join('; ') : null;
    await listener.close();
  }
  return { result, request: listener.firstRequestByPath.get(ROUTES.single.path) };
}

async function runScenarioOnFreshProcesses(
  run: TopologyRun,
  scenario: DocpushScenario,
  result: TopologyResult,
  problems: Map<string, { role: string; message: string; count: number }>,
): Promise<void> {
  run.log(`--- ${run.topology}, ${scenario}: starting docpush`);
  const processes: DocpushProcess[] = [];
  let api: ApiClient | null = null;
  let subscriber: LogSubscriber | null = null;

  try {
    for (const role of run.topology === 'single' ? (['all'] as const) : (['api', 'worker'] as const)) {
      processes.push(
        await startDocpush({
          role,
          databaseUrl: run.databaseUrl,
          secretKey: run.secretKey,
          dataDir: mkdtempSync(path.join(os.tmpdir(), `docpush-bench-${role}-`)),
          env: run.options.docpushEnv,
          cpuProfileDir: run.profileDir,
          cpuProfileName: `docpush-${run.topology}-${scenario}-${role}.cpuprofile`,
          firstStart: run.adminKey === null && processes.length === 0,
          // The memory scenario runs a full garbage collection through the inspector at each checkpoint.
          inspect: scenario === 'memory',
          log: run.log,
        }),
      );
    }
    run.adminKey ??= processes[0].adminKey;
    api = new ApiClient(processes[0].graphqlUrl!, run.adminKey!);
    if (!run.workspace) {
      run.log('seeding records, documents and connections through the API');
      const documentRecords = run.options.scenarios.includes('attachments') ? DOCUMENT_RECORDS : 0;
      run.workspace = await seedBenchWorkspace(api, run.listener.url, { plainRecords: PLAIN_RECORDS, documentRecords });
    }
    subscriber = subscribeToDeliveryLog(api.openWebSocket());
    const context: ScenarioContext = { options: run.options, databaseUrl: run.databaseUrl, api, listener: run.listener, subscriber, workspace: run.workspace, processes, log: run.log };

    await warmUp(context);
    for (const docpush of processes) {
      if (docpush.cpuProfileName) run.steadyStateFromMs.set(docpush.cpuProfileName, performance.now() - docpush.spawnedAt);
    }
    await runScenario(context, scenario, result);
  } finally {
    for (const docpush of processes) {
      const peak = readProcessMemory(docpush.pid)?.peakRssBytes ?? Number.NaN;
      result.peakRssBytesByRole[docpush.role] = Math.max(result.peakRssBytesByRole[docpush.role] ?? 0, peak);
    }
    result.failedLogs += subscriber?.failedLogs ?? 0;
    await subscriber?.close();
    await api?.close();
    for (const docpush of [...processes].reverse()) await docpush.stop();
    for (const docpush of processes) {
      for (const [message, count] of docpush.problems) {
        const key = `${docpush.role}\u0000${message}`;
        const entry = problems.get(key) ?? { role: docpush.role, message, count: 0 };
        entry.count += count;
        problems.set(key, entry);
      }
    }
    await resetDeliveryQueue(run.databaseUrl);
  }
}

/** Connections per event and events per request of each throughput point. */
function throughputPoints(options: BenchOptions): Array<[1 | 10, number]> {
  const chosen = new Set(options.throughputPoints);
  const points: Array<[1 | 10, number]> = [];
  if (chosen.has('1-connection')) points.push([1, 1]);
  if (chosen.has('1-connection-batched') && options.intakeBatch > 1) points.push([1, options.intakeBatch]);
  if (chosen.has('10-connections')) points.push([10, 1]);
  return points;
}

/** Runs the points of one scenario, stopping when a docpush process has ended. */
async function runScenario(context: ScenarioContext, scenario: DocpushScenario, result: TopologyResult): Promise<void> {
  switch (scenario) {
    case 'throughput':
      for (const [connectionsPerEvent, eventsPerRequest] of throughputPoints(context.options)) {
        result.throughput.push(await measureThroughput(context, connectionsPerEvent, eventsPerRequest));
        assertProcessesRunning(context);
      }
      break;
    case 'latency':
      for (const rate of context.options.latencyRates) {
        result.latency.push(await measureLatency(context, rate));
        assertProcessesRunning(context);
      }
      break;
    case 'attachments':
      result.attachments = await measureAttachments(context);
      break;
    case 'memory':
      result.memory = await measureMemory(context);
      break;
  }
  assertProcessesRunning(context);
}
