import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config/config';
import { openBenchServer, type BenchServer } from './bench-database';
import { startBenchListener, type CapturedRequest } from './bench-listener';
import { measureCeiling, type CeilingResult } from './ceiling';
import { summariseCpuProfile } from './cpu-profile-summary';
import { measureCommitLatency } from './database-probe';
import { BUILT_ENTRY_POINT, buildDocpush } from './docpush-processes';
import { parseBenchOptions, USAGE, wantsHelp, type BenchOptions } from './options';
import { renderConsoleTable, writeResultsSection, type BenchResults, type Machine, type TopologyResult } from './report';
import { formatMs, type LatencySummary } from './stats';
import { runTopology } from './topology';

const DOCS_FILE = path.resolve(__dirname, '..', 'docs', 'benchmarks.md');

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
  log(`building docpush (npm run build) to run ${BUILT_ENTRY_POINT}`);
  buildDocpush();
  const startedAt = new Date();
  const loadAverageAtStart = os.loadavg()[0];
  const server = await openBenchServer(options.adminDatabaseUrl, log);
  const commitLatency = await measureCommitLatency(await server.recreateDatabase());
  log(`single-row INSERT commit on this server: p50 ${formatMs(commitLatency.p50)}, p99 ${formatMs(commitLatency.p99)}`);
  const profileDir = options.cpuProfile ? mkdtempSync(path.join(os.tmpdir(), 'docpush-bench-profiles-')) : null;

  const topologies: TopologyResult[] = [];
  let ceilings: CeilingResult[] = [];
  let capturedRequest: CapturedRequest | undefined;
  try {
    for (const topology of options.topologies) {
      const { result, request } = await runTopology(topology, options, server, { profileDir, steadyStateFromMs, log });
      topologies.push(result);
      capturedRequest ??= request;
    }
    if (options.scenarios.includes('ceiling')) ceilings = await runCeilings(options, server, capturedRequest, topologies);
  } finally {
    await server.stop();
  }

  const profiles = profileDir
    ? readdirSync(profileDir)
        .filter((file) => file.endsWith('.cpuprofile'))
        .map((file) => summariseCpuProfile(path.join(profileDir, file), { skipMs: steadyStateFromMs.get(file), top: 10 }))
    : [];
  if (profileDir) log(`CPU profiles are in ${profileDir}`);
  const results: BenchResults = {
    startedAt,
    finishedAt: new Date(),
    command: `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
    machine: describeMachine(server, loadAverageAtStart, commitLatency),
    options,
    topologies,
    ceilings,
    profiles,
  };
  process.stdout.write(renderConsoleTable(results));
  if (options.writeDocs) {
    writeResultsSection(DOCS_FILE, results);
    log(`results written to ${path.relative(process.cwd(), DOCS_FILE)}`);
  }
}

/**
 * Runs the raw ceiling once per delivery concurrency of the throughput points (the job
 * concurrency when there are none), each on a fresh database with a listener of its own,
 * replaying a captured delivery.
 */
async function runCeilings(options: BenchOptions, server: BenchServer, request: CapturedRequest | undefined, topologies: TopologyResult[]): Promise<CeilingResult[]> {
  if (!request) {
    log('raw ceiling skipped: no delivery was captured to replay');
    return [];
  }
  const pointConcurrencies = topologies.flatMap((result) => result.throughput.map((point) => point.concurrency));
  const concurrencies = [...new Set(pointConcurrencies.length ? pointConcurrencies : [loadConfig(options.docpushEnv).jobs.concurrency])].sort((a, b) => a - b);
  const ceilings: CeilingResult[] = [];
  for (const concurrency of concurrencies) {
    const listener = await startBenchListener();
    try {
      const databaseUrl = await server.recreateDatabase();
      ceilings.push(await measureCeiling({ databaseUrl, listenerUrl: listener.url, request, concurrency, warmupMs: options.warmupMs, durationMs: options.durationMs, log }));
    } finally {
      await listener.close();
    }
  }
  return ceilings;
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
