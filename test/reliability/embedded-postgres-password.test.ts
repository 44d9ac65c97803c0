import os from 'node:os';
import path from 'node:path';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import pg from 'pg';
import { PASSWORD_FILE_NAME, findFreePort } from '../../src/database/embedded-postgres';
import { spawnPostgresProcess, startPostgresProcess, type PostgresProcess } from './docpush-process';
import { waitFor } from '../support/wait';

// Each test runs initdb and starts PostgreSQL in a helper process up to twice.
jest.setTimeout(120_000);

/** The superuser password that earlier builds gave every embedded PostgreSQL. */
const LEGACY_PASSWORD = 'docpush';

let dataDir: string;
let running: PostgresProcess | null = null;

beforeEach(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'docpush-password-'));
});

afterEach(async () => {
  await stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(): Promise<string> {
  running = await startPostgresProcess(dataDir, await findFreePort());
  return running.url;
}

async function stop(): Promise<void> {
  await running?.stop();
  running = null;
}

/** Returns the SQLSTATE with which the server rejects a connection with `password`, or null when it accepts it. */
async function connectionError(url: string, password: string): Promise<string | null> {
  const target = new URL(url);
  target.password = password;
  const client = new pg.Client({ connectionString: target.toString() });
  try {
    await client.connect();
    return null;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Returns whether an initdb process runs on `dataDir`, read from the command lines in /proc. */
function initdbRunsOn(dataDir: string): boolean {
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let commandLine: string[];
    try {
      commandLine = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (path.basename(commandLine[0] ?? '') === 'initdb' && commandLine.includes(`--pgdata=${dataDir}`)) return true;
  }
  return false;
}

function passwordOf(url: string): string {
  return new URL(url).password;
}

describe('embedded PostgreSQL superuser password', () => {
  it('is generated for a new folder', async () => {
    const url = await start();

    expect(passwordOf(url)).not.toBe(LEGACY_PASSWORD);
    expect(await connectionError(url, passwordOf(url))).toBeNull();
    // 28P01: invalid_password.
    expect(await connectionError(url, LEGACY_PASSWORD)).toBe('28P01');
    expect(statSync(path.join(dataDir, PASSWORD_FILE_NAME)).mode & 0o777).toBe(0o600);
  });

  it('stays the same across starts', async () => {
    const first = passwordOf(await start());
    await stop();

    const second = passwordOf(await start());

    expect(second).toBe(first);
  });

  it('replaces the fixed password of an earlier folder', async () => {
    // An earlier build's folder: the fixed password, and no password file.
    const client = new pg.Client({ connectionString: await start() });
    await client.connect();
    await client.query(`alter role postgres password '${LEGACY_PASSWORD}'`);
    await client.end();
    await stop();
    rmSync(path.join(dataDir, PASSWORD_FILE_NAME));

    const url = await start();

    expect(passwordOf(url)).not.toBe(LEGACY_PASSWORD);
    expect(await connectionError(url, passwordOf(url))).toBeNull();
    expect(await connectionError(url, LEGACY_PASSWORD)).toBe('28P01');
    expect(existsSync(path.join(dataDir, PASSWORD_FILE_NAME))).toBe(true);
  });

  it('is found after a kill during initdb', async () => {
    const killed = spawnPostgresProcess(dataDir, await findFreePort());
    // initdb writes PG_VERSION first and then runs for seconds, and SIGKILL ends the helper alone.
    await waitFor(() => existsSync(path.join(dataDir, 'PG_VERSION')), { timeoutMs: 60_000, intervalMs: 10, description: 'initdb to start on the data folder' });
    await killed.killHelper();
    expect(initdbRunsOn(dataDir)).toBe(true);
    await waitFor(() => !initdbRunsOn(dataDir), { timeoutMs: 60_000, intervalMs: 50, description: 'the orphaned initdb to finish' });

    const url = await start();

    expect(await connectionError(url, passwordOf(url))).toBeNull();
    expect(statSync(path.join(dataDir, PASSWORD_FILE_NAME)).mode & 0o777).toBe(0o600);
    expect(existsSync(`${dataDir}.${PASSWORD_FILE_NAME}.initdb`)).toBe(false);
  });
});
