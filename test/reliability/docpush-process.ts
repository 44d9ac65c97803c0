import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { waitFor } from '../support/wait';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** Deadline for loading the TypeScript sources with ts-node and starting, which takes about 4 s on an idle 2-core machine. */
const START_TIMEOUT_MS = 60_000;

export interface DocpushProcess {
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code and signal when the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends a signal and waits for the process to end. */
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Returns a fresh base64 server key, to share between the test's in-process app and its docpush processes. */
export function newSecretKey(): string {
  return randomBytes(32).toString('base64');
}

/**
 * Starts `src/main.ts` in a child process the way `npm start` does (ts-node, transpile only),
 * and resolves once it logs that it is ready. Its logs are JSON lines at level info.
 */
export async function startDocpushProcess(env: Record<string, string>): Promise<DocpushProcess> {
  const handle = spawnDocpushProcess(env);
  try {
    await waitFor(
      () => {
        if (handle.child.exitCode !== null || handle.child.signalCode !== null) throw new Error(`docpush exited while starting:\n${handle.output()}`);
        return handle.output().includes('"msg":"docpush is ready"');
      },
      { timeoutMs: START_TIMEOUT_MS, intervalMs: 50, description: 'the docpush process to log that it is ready' },
    );
  } catch (error) {
    await handle.kill('SIGKILL');
    throw error;
  }
  return handle;
}

/** Starts `src/main.ts` as startDocpushProcess does, without waiting for it to be ready. */
export function spawnDocpushProcess(env: Record<string, string>): DocpushProcess {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? os.tmpdir(),
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      DOCPUSH_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'docpush-process-')),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  let ended = false;
  void exited.then(() => (ended = true));

  return {
    child,
    output: () => output,
    exited,
    kill: async (signal) => {
      if (!ended) child.kill(signal);
      return exited;
    },
  };
}

export interface PostgresProcess {
  url: string;
  /** PID of the helper process, the Node.js parent of the postgres server. */
  pid: number;
  /** Kills the helper process alone with SIGKILL, leaving its postgres server running. */
  killHelper(): Promise<void>;
  /** Stops PostgreSQL (a fast shutdown that ends every connection) and waits for it. */
  stop(): Promise<void>;
}

/** Starts an embedded PostgreSQL in a helper process, on a fixed folder and port so a restart finds its data. */
export async function startPostgresProcess(dataDir: string, port: number): Promise<PostgresProcess> {
  const helper = spawnPostgresProcess(dataDir, port);
  await waitFor(
    () => {
      if (helper.exitCode() !== undefined) throw new Error(`The PostgreSQL helper exited with code ${helper.exitCode()}:\n${helper.output()}`);
      return /READY \S+\n/.test(helper.output());
    },
    { timeoutMs: 60_000, intervalMs: 50, description: 'the embedded PostgreSQL to start' },
  );
  const url = /READY (\S+)\n/.exec(helper.output())![1];
  return { url, pid: helper.pid, killHelper: helper.killHelper, stop: helper.stop };
}

/** A PostgreSQL helper process that may still be starting. */
export interface SpawnedPostgresProcess extends Omit<PostgresProcess, 'url'> {
  /** Everything the helper wrote to stdout and stderr so far. */
  output(): string;
  /** The helper's exit code, or undefined while it runs. */
  exitCode(): number | null | undefined;
}

/** Starts an embedded PostgreSQL in a helper process as startPostgresProcess does, without waiting for it to be ready. */
export function spawnPostgresProcess(dataDir: string, port: number): SpawnedPostgresProcess {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'test/reliability/postgres-server.script.ts', dataDir, String(port)], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let exitCode: number | null | undefined;
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', (code) => ((exitCode = code), resolve())));

  return {
    pid: child.pid!,
    output: () => output,
    exitCode: () => exitCode,
    killHelper: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (exitCode === undefined) child.kill('SIGTERM');
      await exited;
    },
  };
}
