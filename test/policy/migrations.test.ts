import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { MIGRATIONS_DIR, listMigrationNames, openDatabase } from '../../src/database/orm';
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

  it('lists the migrations that the migrator applies', async () => {
    const orm = await openDatabase(database.url, undefined, { size: 2 });
    const executed = await orm.getMigrator().getExecutedMigrations();
    await orm.close(true);

    expect(listMigrationNames()).toEqual(executed.map((migration) => migration.name).sort());
  });

  it('leaves no difference between the migrated schema and the entities', async () => {
    const orm = await openDatabase(database.url, undefined, { size: 2 });
    const difference = await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
    await orm.close(true);

    // A change to an entity without a migration shows here as the SQL that migration would need.
    expect(difference.trim()).toBe('');
  });

  it('keeps one push log row per attempt and time', async () => {
    const orm = await openDatabase(database.url, undefined, { size: 2 });
    try {
      const migrator = orm.getMigrator();
      await migrator.down({ to: 'Migration20261205195700' });
      const em = orm.em.fork();
      const [workspace] = await em.execute<Array<{ id: number }>>(`insert into workspaces (name, created_at) values ('Upgrade', now()) returning id`);
      // Two copies of attempt 1 at one time, as a repeated write stored them, and attempt 1's abandoned row at a later time.
      await em.execute(
        `insert into push_logs (workspace_id, connection_id, connection_name, event_id, event_type, message_id, attempt, request_url,
                                request_headers, request_body, response_code, response_headers, duration_ms, outcome, created_at)
         select ?, 1, 'CRM', 1, 'DocumentRecordUpdated', 'msg_upgrade', 1, 'http://127.0.0.1:9/', '{}', '{}', code, '{}', 5, outcome::delivery_outcome, created_at
           from (values (500, 'FAILED', timestamptz '2026-12-01 10:00:00+00'), (500, 'FAILED', timestamptz '2026-12-01 10:00:00+00'),
                        (0, 'FAILED', timestamptz '2026-12-01 11:00:00+00')) as v(code, outcome, created_at)`,
        [workspace.id],
      );

      await migrator.up();

      const rows = await em.execute<Array<{ id: string }>>(`select id::text from push_logs where message_id = 'msg_upgrade' order by id`);
      expect(rows.map((row) => row.id)).toEqual(['1', '3']);
    } finally {
      await orm.close(true);
    }
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
