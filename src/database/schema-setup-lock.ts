import pg from 'pg';
import type { Logger } from '../common/logger';

/** Key of the advisory lock held while a process sets up the schema ("dpss"). */
const SCHEMA_SETUP_LOCK_KEY = 0x64707373;

/** A held schema set-up lock. `release` ends it and resolves even when the connection has failed. */
export interface SchemaSetupLock {
  release(): Promise<void>;
}

/**
 * Takes a session-level advisory lock on a connection of its own, so processes that start
 * together on one database set its schema up one at a time. MikroORM's migrator and Agenda's
 * job store create their tables without a lock of their own: two processes doing it at once fail
 * with a duplicate type or "tuple concurrently updated". The lock ends with its connection, so a
 * process that dies while holding it does not block the others.
 */
export async function acquireSchemaSetupLock(databaseUrl: string, logger: Logger, connectTimeoutMs: number): Promise<SchemaSetupLock> {
  // connectTimeoutMs bounds the connect only; the lock is awaited for as long as another process sets up.
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'docpush-schema-setup', connectionTimeoutMillis: connectTimeoutMs });
  // A connection lost while the lock is held ends the lock too; release() then has nothing to do.
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [SCHEMA_SETUP_LOCK_KEY]);
    if (!rows[0].locked) {
      // Another process sets the schema up; a wait that never ends shows as this last log line.
      logger.warn(
        { application: 'docpush-schema-setup' },
        'waiting for another docpush process to finish setting up the database schema; if this lasts, look in pg_stat_activity for a session of application docpush-schema-setup',
      );
      await client.query('select pg_advisory_lock($1)', [SCHEMA_SETUP_LOCK_KEY]);
    }
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return {
    // Closing the session releases its advisory lock, with no statement that could wait on a dead connection.
    release: () => client.end().catch(() => undefined),
  };
}
