import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config/config';
import { ApiClient, seedBenchWorkspace, ROUTES } from './api-client';
import { openBenchServer, type BenchServer } from './bench-database';
import { startBenchListener, type CapturedRequest } from './bench-listener';
import { measureCeiling, type CeilingResult } from './ceiling';
import { summariseCpuProfile } from './cpu-profile-summary';
import { readProcessMemory, startDocpush, type DocpushProcess } from './docpush-processes';
import { subscribeToDeliveryLog, type LogSubscriber } from './log-subscriber';
import { parseBenchOptions, USAGE, wantsHelp, type BenchOptions, type Topology } from './options';
import { renderConsoleTable, writeResultsSection, type BenchResults, type Machine, type TopologyResult } from './report';
import { measureCommitLatency } from './database-probe';
import { formatMs, type LatencySummary } from './stats';
import { assertProcessesRunning, measureAttachments, measureLatency, measureMemory, measureThroughput, warmUp, type ScenarioContext } from './scenarios';

const DOCS_FILE = path.resolve(__dirname, '..', 'docs', 'benchmarks.md');
const PLAIN_RECORDS = 200;
const DOCUMENT_RECORDS = 20;

const runStart = performance.now();
/** Per CPU profile file, the milliseconds from process start to the end of the warm-up. */
const steadyStateFromMs = new Map<string, number>();
function log(line: string): void {
  process.stderr.write(`[${((performance.now() - runStart) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (wantsHelp(argv)) {
    process.stdout.write(USAGE);
    return;
  }
  const options = parseBenchOptions(argv);
  const startedAt = new Date();
  const loadAverageAtStart = os.loadavg()[0];
  const server = await openBenchServer(options.adminDatabaseUrl, log);
  const commitLatency = await measureCommitLatency(await server.recreateDatabase());
  log(`single-row INSERT commit on this server: p50 ${formatMs(commitLatency.p50)}, p99 ${formatMs(commitLatency.p99)}`);
  const profileDir = options.cpuProfile ? mkdtempSync(path.join(os.tmpdir(), 'docpush-bench-profiles-')) : null;

  const topologies: TopologyResult[] = [];
  let ceiling: CeilingResult | null = null;
  let capturedRequest: CapturedRequest | undefined;
  try {
    for (const topology of options.topologies) {
      const { result, request } = await runTopology(topology, options, server, profileDir);
      topologies.push(result);
      capturedRequest ??= request;
    }
    if (options.scenarios.includes('ceiling')) ceiling = await runCeiling(options, server, capturedRequest);
  } finally {
    await server.stop();
  }

  const profiles = profileDir
    ? readdirSync(profileDir)
        .filter((file) => file.endsWith('.cpuprofile'))
        .map((file) => summariseCpuProfile(path.join(profileDir, file), { skipMs: steadyStateFromMs.get(file) }))
    : [];
  if (profileDir) log(`CPU profiles are in ${profileDir}`);
  const results: BenchResults = {
    startedAt,
    finishedAt: new Date(),
    command: `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
    machine: describeMachine(server, loadAverageAtStart, commitLatency),
    options,
    topologies,
    ceiling,
    profiles,
  };
  process.stdout.write(renderConsoleTable(results));
  if (options.writeDocs) {
    writeResultsSection(DOCS_FILE, results);
    log(`results written to ${path.relative(process.cwd(), DOCS_FILE)}`);
  }
}

/** Starts one topology on a fresh database, runs the chosen scenarios and stops it. */
async function runTopology(
  topology: Topology,
  options: BenchOptions,
  server: BenchServer,
  profileDir: string | null,
): Promise<{ result: TopologyResult; request: CapturedRequest | undefined }> {
  log(`=== topology ${topology}: ${topology === 'single' ? 'one process with every role' : 'one API process and one worker process'}`);
  const result: TopologyResult = { topology, throughput: [], latency: [], attachments: null, memory: null, peakRssBytesByRole: {}, problems: [], duplicates: 0, failedLogs: 0, error: null };
  const listener = await startBenchListener();
  const processes: DocpushProcess[] = [];
  let api: ApiClient | null = null;
  let subscriber: LogSubscriber | null = null;

  try {
    const databaseUrl = await server.recreateDatabase();
    const shared = { databaseUrl, secretKey: randomBytes(32).toString('base64'), env: options.docpushEnv, cpuProfileDir: profileDir, log };
    for (const role of topology === 'single' ? (['all'] as const) : (['api', 'worker'] as const)) {
      const cpuProfileName = `docpush-${topology}-${role}.cpuprofile`;
      processes.push(await startDocpush({ ...shared, role, cpuProfileName, dataDir: mkdtempSync(path.join(os.tmpdir(), `docpush-bench-${role}-`)) }));
    }
    api = new ApiClient(processes[0].graphqlUrl!, processes[0].adminKey!);
    log('seeding records, documents and connections through the API');
    const workspace = await seedBenchWorkspace(api, listener.url, { plainRecords: PLAIN_RECORDS, documentRecords: options.scenarios.includes('attachments') ? DOCUMENT_RECORDS : 0 });
    subscriber = subscribeToDeliveryLog(api.openWebSocket());
    const context: ScenarioContext = { options, databaseUrl, api, listener, subscriber, workspace, processes, log };
    await warmUp(context);
    for (const docpush of processes) {
      if (docpush.cpuProfileName) steadyStateFromMs.set(docpush.cpuProfileName, performance.now() - docpush.spawnedAt);
    }
    await runScenarios(context, result);
  } catch (error) {
    result.error = (error as Error).message;
    log(`topology ${topology} stopped early: ${result.error}`);
  } finally {
    for (const docpush of processes) result.peakRssBytesByRole[docpush.role] = readProcessMemory(docpush.pid)?.peakRssBytes ?? Number.NaN;
    result.duplicates = listener.duplicates;
    result.failedLogs = subscriber?.failedLogs ?? 0;
    await subscriber?.close();
    await api?.close();
    for (const docpush of [...processes].reverse()) await docpush.stop();
    result.problems = processes.flatMap((docpush) => [...docpush.problems].map(([message, count]) => ({ role: docpush.role, message, count })));
    await listener.close();
  }
  return { result, request: listener.firstRequestByPath.get(ROUTES.single.path) };
}

/** Runs the chosen scenarios in order, stopping at the first one after which a docpush process has ended. */
async function runScenarios(context: ScenarioContext, result: TopologyResult): Promise<void> {
  const { scenarios, latencyRates } = context.options;
  if (scenarios.includes('throughput')) {
    for (const connectionsPerEvent of [1, 10] as const) {
      result.throughput.push(await measureThroughput(context, connectionsPerEvent));
      assertProcessesRunning(context);
    }
  }
  if (scenarios.includes('latency')) {
    for (const rate of latencyRates) {
      result.latency.push(await measureLatency(context, rate));
      assertProcessesRunning(context);
    }
  }
  if (scenarios.includes('attachments')) {
    result.attachments = await measureAttachments(context);
    assertProcessesRunning(context);
  }
  if (scenarios.includes('memory')) result.memory = await measureMemory(context);
  assertProcessesRunning(context);
}

/** Runs the raw ceiling on a fresh database with a listener of its own, replaying a captured delivery. */
async function runCeiling(options: BenchOptions, server: BenchServer, request: CapturedRequest | undefined): Promise<CeilingResult | null> {
  if (!request) {
    log('raw ceiling skipped: no delivery was captured to replay');
    return null;
  }
  const listener = await startBenchListener();
  try {
    return await measureCeiling({
      databaseUrl: await server.recreateDatabase(),
      listenerUrl: listener.url,
      request,
      // The same number of deliveries in flight as one docpush worker runs at a time.
      concurrency: loadConfig(options.docpushEnv).jobs.concurrency,
      warmupMs: options.warmupMs,
      durationMs: options.durationMs,
      log,
    });
  } finally {
    await listener.close();
  }
}

function describeMachine(server: BenchServer, loadAverageAtStart: number, commitLatency: LatencySummary): Machine {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryBytes: os.totalmem(),
    node: process.version,
    postgres: server.serverVersion,
    database: server.description,
    loadAverageAtStart,
    commitLatency,
  };
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
