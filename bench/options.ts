import { parseDuration } from '../src/config/duration';
import { MAX_EVENTS_PER_BATCH } from '../src/records/record-fields';

export const SCENARIOS = ['throughput', 'latency', 'ceiling', 'attachments', 'memory'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** Throughput points: 1 connection per event with 1 event per request, the same with --intake-batch events per request, and 10 connections per event. */
export const THROUGHPUT_POINTS = ['1-connection', '1-connection-batched', '10-connections'] as const;
export type ThroughputPointName = (typeof THROUGHPUT_POINTS)[number];

export const TOPOLOGIES = ['single', 'split'] as const;
/** `single`: one docpush process with every role; `split`: one API process and one worker process. */
export type Topology = (typeof TOPOLOGIES)[number];

export interface BenchOptions {
  quick: boolean;
  /** Measured time of each throughput, latency, ceiling and attachment point. */
  durationMs: number;
  /** Time before each measured window, so start-up and JIT warm-up are left out. */
  warmupMs: number;
  /** Maximum wait for the last messages of a point to arrive after the load stops. */
  drainTimeoutMs: number;
  scenarios: Scenario[];
  topologies: Topology[];
  latencyRates: number[];
  /** Events per recordDocumentEvents request of the batched throughput point; 1 leaves that point out. */
  intakeBatch: number;
  throughputPoints: ThroughputPointName[];
  /** Delivery counts at which the memory scenario measures each docpush process, as is and after a full garbage collection. */
  memoryCheckpoints: [number, number];
  /** Maximum run time of the memory scenario. Checkpoints not reached by then are reported as missing. */
  memoryTimeLimitMs: number;
  /** PostgreSQL server on which the benchmark creates its own database. */
  adminDatabaseUrl: string;
  /** Extra environment of the docpush processes, such as DOCPUSH_JOB_CONCURRENCY=100. */
  docpushEnv: Record<string, string>;
  cpuProfile: boolean;
  writeDocs: boolean;
}

export const USAGE = `Usage: npm run bench -- [options]

Starts docpush on its own database (docpush_bench), a webhook listener on 127.0.0.1 and a
deliveryLog subscriber, and measures throughput, latency, the raw ceiling, attachment
messages and memory. Results go to the terminal and to docs/benchmarks.md.

Options:
  --quick                 short run to check the script: 5 s points, memory checkpoints 1000 and 4000
  --duration=20s          measured time of each point (default 20s; 5s with --quick)
  --only=a,b              scenarios to run: ${SCENARIOS.join(', ')} (default all)
  --topology=a,b          single (one process, all roles) and/or split (API + worker) (default both)
  --rates=50,200,1000     event rates of the latency scenario, in events per second
  --intake-batch=50       events per recordDocumentEvents request in the batched throughput point
                          (1 connection per event); 1 leaves that point out
  --throughput-points=a,b points of the throughput scenario: ${THROUGHPUT_POINTS.join(', ')} (default all)
  --memory-checkpoints=10000,100000
                          delivery counts at which the memory scenario reads each process's RSS,
                          once as is and once after a full garbage collection
  --database-url=URL      PostgreSQL server for the docpush_bench database
                          (default postgres://postgres@127.0.0.1:5432/postgres; embedded when unreachable)
  --docpush-env=KEY=VALUE environment for the docpush processes; repeatable
  --cpu-prof              write a V8 CPU profile of each docpush process and summarise its top frames
  --no-docs               leave docs/benchmarks.md unchanged
  --help                  print this text

Environment: BENCH_ECHO_LOGS=1 copies every log line of the docpush processes to stderr.
`;

/** Parses the command-line flags; throws with the flag and the expected form on an invalid one. */
export function parseBenchOptions(argv: string[]): BenchOptions {
  const flags = new Map<string, string[]>();
  for (const argument of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(argument);
    if (!match) throw new Error(`Unknown argument ${JSON.stringify(argument)}: flags look like --name or --name=value. See --help.`);
    flags.set(match[1], [...(flags.get(match[1]) ?? []), match[2] ?? '']);
  }
  const known = new Set(['quick', 'duration', 'only', 'topology', 'rates', 'intake-batch', 'throughput-points', 'memory-checkpoints', 'database-url', 'docpush-env', 'cpu-prof', 'no-docs', 'help']);
  for (const name of flags.keys()) {
    if (!known.has(name)) throw new Error(`Unknown flag --${name}. See --help.`);
  }

  const quick = flags.has('quick');
  const last = (name: string) => flags.get(name)?.at(-1);
  const durationMs = last('duration') ? parseDuration(last('duration')!, '--duration') : quick ? 5_000 : 20_000;
  return {
    quick,
    durationMs,
    warmupMs: quick ? 1_000 : 3_000,
    drainTimeoutMs: quick ? 30_000 : 120_000,
    scenarios: listOf(last('only'), SCENARIOS, '--only') ?? [...SCENARIOS],
    topologies: listOf(last('topology'), TOPOLOGIES, '--topology') ?? [...TOPOLOGIES],
    latencyRates: last('rates') ? parseRates(last('rates')!) : [50, 200, 1000],
    intakeBatch: last('intake-batch') ? parseIntakeBatch(last('intake-batch')!) : 50,
    throughputPoints: listOf(last('throughput-points'), THROUGHPUT_POINTS, '--throughput-points') ?? [...THROUGHPUT_POINTS],
    memoryCheckpoints: memoryCheckpoints(last('memory-checkpoints'), quick),
    memoryTimeLimitMs: quick ? 3 * 60_000 : 3 * 3_600_000,
    adminDatabaseUrl: last('database-url') || 'postgres://postgres@127.0.0.1:5432/postgres',
    docpushEnv: parseEnv(flags.get('docpush-env') ?? []),
    cpuProfile: flags.has('cpu-prof'),
    writeDocs: !flags.has('no-docs'),
  };
}

function memoryCheckpoints(text: string | undefined, quick: boolean): [number, number] {
  if (text !== undefined) return parseCheckpoints(text);
  return quick ? [1_000, 4_000] : [10_000, 100_000];
}

function parseCheckpoints(text: string): [number, number] {
  const counts = text.split(',').map((item) => Number(item.trim()));
  if (counts.length !== 2 || !counts.every((count) => Number.isSafeInteger(count) && count > 0) || counts[0] >= counts[1]) {
    throw new Error(`--memory-checkpoints=${text} is invalid: give two ascending delivery counts, such as 10000,100000.`);
  }
  return [counts[0], counts[1]];
}

export function wantsHelp(argv: string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

function listOf<T extends string>(text: string | undefined, allowed: readonly T[], flag: string): T[] | null {
  if (text === undefined) return null;
  const items = text.split(',').map((item) => item.trim()).filter(Boolean);
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item)) {
      throw new Error(`${flag}=${text} is invalid: ${JSON.stringify(item)} is not one of ${allowed.join(', ')}.`);
    }
  }
  if (items.length === 0) throw new Error(`${flag} is empty: give one or more of ${allowed.join(', ')}.`);
  return items as T[];
}

function parseRates(text: string): number[] {
  const rates = text.split(',').map(Number);
  if (rates.some((rate) => !Number.isFinite(rate) || rate <= 0)) {
    throw new Error(`--rates=${text} is invalid: give positive event rates per second, such as 50,200,1000.`);
  }
  return rates;
}

function parseIntakeBatch(text: string): number {
  const size = Number(text);
  if (!Number.isSafeInteger(size) || size < 1 || size > MAX_EVENTS_PER_BATCH) {
    throw new Error(`--intake-batch=${text} is invalid: give a whole number of events from 1 to ${MAX_EVENTS_PER_BATCH}, such as 50.`);
  }
  return size;
}

function parseEnv(values: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const value of values) {
    const separator = value.indexOf('=');
    if (separator <= 0) throw new Error(`--docpush-env=${value} is invalid: expected KEY=VALUE, such as DOCPUSH_JOB_CONCURRENCY=100.`);
    env[value.slice(0, separator)] = value.slice(separator + 1);
  }
  return env;
}
