import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { performance } from 'node:perf_hooks';

const PROJECT_ROOT = path.resolve(__dirname, '..');
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 45_000;
const UUID_PATTERN = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

export interface DocpushProcess {
  role: 'all' | 'api' | 'worker';
  pid: number;
  /** GraphQL URL; null for a worker. */
  graphqlUrl: string | null;
  monitoringUrl: string;
  /** The admin key printed on the first start against an empty database, else null. */
  adminKey: string | null;
  /** Count of warn and error log lines by message, for the report. */
  problems: Map<string, number>;
  /** performance.now() when the process was spawned; its CPU profile's sample times count from about here. */
  spawnedAt: number;
  /** File name of its CPU profile, written at exit; null without profiling. */
  cpuProfileName: string | null;
  /**
   * WebSocket URL of the process's V8 inspector, read from the "Debugger listening on ws://…" line
   * on its stderr. Null without `inspect` or before that line was read.
   */
  readonly inspectorUrl: string | null;
  /** True once the process has ended, for whatever reason. */
  readonly exited: boolean;
  stop(): Promise<void>;
}

export interface StartOptions {
  role: DocpushProcess['role'];
  databaseUrl: string;
  /** Shared by API and worker processes, so both can open the encrypted signing secrets. */
  secretKey: string;
  dataDir: string;
  env: Record<string, string>;
  /** Folder for a V8 CPU profile written at exit; no profile when null. */
  cpuProfileDir: string | null;
  /** Name of the profile file, such as docpush-single-throughput-all.cpuprofile. */
  cpuProfileName: string;
  /** True for the first start on an empty database, after which an API process prints its admin key. */
  firstStart: boolean;
  /**
   * Opens the V8 inspector on 127.0.0.1 at a free port (`--inspect=127.0.0.1:0`), so that the
   * benchmark can run a full garbage collection in the process.
   */
  inspect: boolean;
  log: (line: string) => void;
}

/** The entry point that `npm run build` writes; buildDocpush() runs that build. */
export const BUILT_ENTRY_POINT = 'dist/src/main.js';

/** The package.json script that runs the built entry point in production. */
const PRODUCTION_SCRIPT = 'start:prod';

/**
 * Returns the Node.js flags of the production start script, such as the young generation's size, so the
 * benchmark runs docpush the way `npm run start:prod` does. Throws when that script no longer
 * has the form `exec node [flags] dist/src/main.js`.
 */
export function productionNodeFlags(): string[] {
  const manifest = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const script = manifest.scripts?.[PRODUCTION_SCRIPT] ?? '';
  const words = script.trim().split(/\s+/);
  const flags = words.slice(2, -1);
  if (words[0] !== 'exec' || words[1] !== 'node' || words.at(-1) !== BUILT_ENTRY_POINT || flags.some((word) => !word.startsWith('--'))) {
    throw new Error(
      `package.json script "${PRODUCTION_SCRIPT}" is "${script}", which the benchmark cannot start the same way. ` +
        `Expected "exec node [--flag ...] ${BUILT_ENTRY_POINT}".`,
    );
  }
  return flags;
}

/**
 * Compiles docpush with `npm run build`, so the benchmark runs the JavaScript a production
 * deployment runs. Under ts-node (`npm start`) each process also loads the TypeScript compiler,
 * about 100 MiB more RSS, and spends CPU on it.
 */
export function buildDocpush(): void {
  execFileSync('npm', ['run', 'build'], { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}

/**
 * Starts the built `dist/src/main.js` with the Node.js flags of `npm run start:prod` and resolves
 * once it logs that it is ready and, on a first start with the API role, has printed its admin key.
 * Logs are JSON lines on stdout at level info, so no per-delivery line is written.
 */
export async function startDocpush(options: StartOptions): Promise<DocpushProcess> {
  const nodeArgs = productionNodeFlags();
  if (options.cpuProfileDir) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`, `--cpu-prof-name=${options.cpuProfileName}`);
  if (options.inspect) nodeArgs.push('--inspect=127.0.0.1:0');
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, BUILT_ENTRY_POINT], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'production',
      DATABASE_URL: options.databaseUrl,
      DOCPUSH_ROLE: options.role,
      DOCPUSH_SECRET_KEY: options.secretKey,
      DOCPUSH_DATA_DIR: options.dataDir,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      // The benchmark's listener runs on this machine, which the default target policy rejects.
      DOCPUSH_ALLOW_HTTP: 'true',
      DOCPUSH_ALLOWED_CIDRS: '127.0.0.1/32',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  const problems = new Map<string, number>();
  const recentOutput: string[] = [];
  const remember = (line: string) => {
    recentOutput.push(line);
    if (recentOutput.length > 40) recentOutput.shift();
  };
  let inspectorUrl: string | null = null;
  readline.createInterface({ input: child.stderr! }).on('line', (line) => {
    // Node prints the URL with the port that it bound, also for port 0.
    inspectorUrl ??= /^Debugger listening on (ws:\/\/\S+)$/.exec(line)?.[1] ?? null;
    if (!isInspectorNotice(line)) remember(line);
  });

  const ready = waitForReady(child, options, problems, remember);
  const exited = new Promise<never>((_resolve, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`docpush (${options.role}) exited with ${signal ?? code} before it was ready:\n${recentOutput.join('\n')}`)));
  });
  const timeout = new Promise<never>((_resolve, reject) => {
    setTimeout(() => reject(new Error(`docpush (${options.role}) was not ready within ${READY_TIMEOUT_MS} ms:\n${recentOutput.join('\n')}`)), READY_TIMEOUT_MS).unref();
  });
  const started = await Promise.race([ready, exited, timeout]).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  exited.catch(() => undefined);
  child.once('exit', (code, signal) => {
    if (!stopping) options.log(`docpush ${options.role} exited unexpectedly with ${signal ?? `code ${code}`}; its last output:\n${recentOutput.slice(-15).join('\n')}`);
  });
  let stopping = false;

  options.log(`docpush ${options.role} is ready (pid ${child.pid}, ${started.graphqlUrl ?? started.monitoringUrl})`);
  const cpuProfileName = options.cpuProfileDir ? options.cpuProfileName : null;
  return {
    role: options.role,
    pid: child.pid!,
    ...started,
    problems,
    spawnedAt,
    cpuProfileName,
    get inspectorUrl() {
      return inspectorUrl;
    },
    get exited() {
      return child.exitCode !== null || child.signalCode !== null;
    },
    stop: () => {
      stopping = true;
      return stopChild(child);
    },
  };
}

/**
 * Returns true for the notices that Node 20 prints on stderr when the inspector starts, when a
 * client attaches and detaches, and at exit. They report no fault of the process, so they are
 * kept out of the last output that an exit or a failed start reports. An inspector that failed to
 * start prints "Starting inspector on … failed", which does not match.
 */
export function isInspectorNotice(line: string): boolean {
  return (
    /^Debugger (listening on|ending on) ws:\/\/\S+$/.test(line) ||
    line === 'Debugger attached.' ||
    line === 'Waiting for the debugger to disconnect...' ||
    /^For help, see: https:\/\/nodejs\.org\/en\/docs\/inspector$/.test(line)
  );
}

interface ReadyFields {
  graphqlUrl: string | null;
  monitoringUrl: string;
  adminKey: string | null;
}

function waitForReady(child: ChildProcess, options: StartOptions, problems: Map<string, number>, remember: (line: string) => void): Promise<ReadyFields> {
  return new Promise((resolve) => {
    let readyLine: { url: string | null; monitoringUrl: string } | null = null;
    let adminKey: string | null = null;
    let expectKey = false;

    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      remember(line);
      const entry = parseLogLine(line);
      if (entry) {
        if (entry.level >= 40) {
          // Ids are replaced, so that repeats of one error count as one line.
          const detail = entry.err?.message?.replace(UUID_PATTERN, '<id>').slice(0, 160);
          const key = detail ? `${entry.msg}: ${detail}` : entry.msg;
          problems.set(key, (problems.get(key) ?? 0) + 1);
        }
        if (process.env.BENCH_ECHO_LOGS) process.stderr.write(`${options.role}: ${line.slice(0, 300)}\n`);
        if (entry.msg === 'docpush is ready') readyLine = { url: entry.url ?? null, monitoringUrl: entry.monitoringUrl! };
      } else if (line.startsWith('First start:')) {
        expectKey = true;
      } else if (expectKey && /^ {4}\S+$/.test(line)) {
        adminKey = line.trim();
        expectKey = false;
      }
      // On a first start main.ts prints the admin key right after the ready line.
      const expectAdminKey = options.firstStart && options.role !== 'worker';
      if (readyLine && (!expectAdminKey || adminKey !== null)) resolve({ graphqlUrl: readyLine.url, monitoringUrl: readyLine.monitoringUrl, adminKey });
    });
  });
}

interface LogEntry {
  level: number;
  msg: string;
  err?: { message?: string };
  url?: string | null;
  monitoringUrl?: string;
}

function parseLogLine(line: string): LogEntry | null {
  if (!line.startsWith('{')) return null;
  try {
    return JSON.parse(line) as LogEntry;
  } catch {
    return null;
  }
}

/** Sends SIGTERM, on which main.ts stops cleanly, and SIGKILL after the deadline. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export interface ProcessMemory {
  rssBytes: number;
  /** Highest RSS since the process started (VmHWM). */
  peakRssBytes: number;
}

/** Reads the resident set size of a process from /proc (Linux); null elsewhere or after it exited. */
export function readProcessMemory(pid: number): ProcessMemory | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rssBytes: kib('VmRSS'), peakRssBytes: kib('VmHWM') };
  } catch {
    return null;
  }
}
