import os from 'node:os';
import path from 'node:path';
import { chmodSync, mkdtempSync } from 'node:fs';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/database/embedded-postgres';

declare global {
  // eslint-disable-next-line no-var
  var embeddedTestDatabase: EmbeddedDatabase | undefined;
}

/**
 * Provides the PostgreSQL server for the whole run: the one in DATABASE_URL when set, else an
 * embedded one in a temporary folder. Test files create their own databases on it.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) {
    process.env.TEST_ADMIN_DATABASE_URL = process.env.DATABASE_URL;
    return;
  }
  const parent = mkdtempSync(path.join(os.tmpdir(), 'docpush-test-'));
  // When the tests run as root, PostgreSQL runs as the `postgres` user, which must reach the folder.
  chmodSync(parent, 0o755);
  const dataDir = path.join(parent, 'postgres');
  const database = await startEmbeddedPostgres({ dataDir, persistent: false });
  globalThis.embeddedTestDatabase = database;
  process.env.TEST_ADMIN_DATABASE_URL = database.url;
}
