import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { MIGRATIONS_DIR, openDatabase } from '../../src/database/orm';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('openDatabase', () => {
  let database: TestDatabase;

  beforeEach(async () => {
    database = await createTestDatabase();
  });

  afterEach(async () => {
    await database?.drop();
  });

  it('applies every migration of the repository', async () => {
    const files = readdirSync(MIGRATIONS_DIR).filter((file) => /^Migration\d+\.ts$/.test(file));

    const orm = await openDatabase(database.url, undefined, { size: 2 });
    const executed = await orm.getMigrator().getExecutedMigrations();
    await orm.close(true);

    expect(MIGRATIONS_DIR).toBe(path.resolve(__dirname, '..', '..', 'migrations'));
    expect(files.length).toBeGreaterThan(0);
    expect(executed.map((migration) => migration.name).sort()).toEqual(files.map((file) => file.replace(/\.ts$/, '')).sort());
  });

  it('leaves no difference between the migrated schema and the entities', async () => {
    const orm = await openDatabase(database.url, undefined, { size: 2 });
    const difference = await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
    await orm.close(true);

    // A change to an entity without a migration shows here as the SQL that migration would need.
    expect(difference.trim()).toBe('');
  });

  it('rejects a folder without migrations', async () => {
    const emptyDir = mkdtempSync(path.join(os.tmpdir(), 'docpush-no-migrations-'));

    await expect(openDatabase(database.url, undefined, { size: 2 }, emptyDir)).rejects.toThrow(`No database migrations were found in ${emptyDir}`);
  });

  it('closes connections after failed migration', async () => {
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      // The first migration creates this type, so it fails on a database that already has it.
      await admin.query(`create type "push_message_state" as enum ('TAKEN')`);

      await expect(openDatabase(database.url, undefined, { size: 2 })).rejects.toThrow('type "push_message_state" already exists');

      const { rows } = await admin.query<{ count: string }>(
        'select count(*) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
      );
      expect(Number(rows[0].count)).toBe(0);
    } finally {
      await admin.end();
    }
  });
});
