import pg from 'pg';
import { executePrepared, namedPreparedStatement, numberPlaceholders, retryOnStalePreparedStatement } from '../../src/database/raw-sql';
import { insertEventWithMessages } from '../../src/records/event-recorder.service';
import { DocumentRecordEventService } from '../../src/records/document-record-event.service';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { WorkspaceScope } from '../../src/common/workspace-scope';
import { seedRecord, seedWorkspace } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

describe('namedPreparedStatement', () => {
  it('numbers each occurrence in order', () => {
    const statement = namedPreparedStatement('test_numbering', 'select :a, cast(:b as int), :a');

    expect(statement.text).toBe('select $1, cast($2 as int), $3');
    expect(statement.bind({ a: 'x', b: 7 })).toEqual(['x', 7, 'x']);
  });

  it('leaves casts alone', () => {
    const statement = namedPreparedStatement('test_casts', `select '[]'::json, :value::text, now()::date`);

    expect(statement.text).toBe(`select '[]'::json, $1::text, now()::date`);
  });

  it('binds null but rejects a missing name', () => {
    const statement = namedPreparedStatement('test_missing', 'select :present, :absent');

    expect(statement.bind({ present: 1, absent: null })).toEqual([1, null]);
    expect(() => statement.bind({ present: 1 })).toThrow('Prepared statement test_missing has no value for its parameter :absent.');
  });
});

describe('numberPlaceholders', () => {
  it('numbers question marks in order', () => {
    expect(numberPlaceholders('select ?::int, ? where x = ?')).toBe('select $1::int, $2 where x = $3');
  });
});

describe('executePrepared', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ DOCPUSH_ROLE: 'api' });
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('runs one statement with many parameter sets', async () => {
    const statement = { name: 'test_sum', text: 'select $1::int + $2::int as sum' };
    const em = app.app.services.orm.em.fork();

    for (const [a, b] of [[1, 2], [40, 2], [-5, 5]]) {
      const [row] = await executePrepared<{ sum: number }>(em, statement, [a, b]);
      expect(row.sum).toBe(a + b);
    }
  });

  it('runs in the open transaction', async () => {
    const em = app.app.services.orm.em.fork();
    await em.execute('create table test_joined (id int primary key)');
    const insert = { name: 'test_insert_joined', text: 'insert into test_joined (id) values ($1) returning id' };

    const rolledBack = em.transactional(async (tx) => {
      await executePrepared(tx, insert, [1]);
      const [seen] = await tx.execute<Array<{ count: number }>>('select count(*)::int as count from test_joined');
      expect(seen.count).toBe(1);
      throw new Error('roll the insert back');
    });

    await expect(rolledBack).rejects.toThrow('roll the insert back');
    const [after] = await em.execute<Array<{ count: number }>>('select count(*)::int as count from test_joined');
    expect(after.count).toBe(0);
  });

  it('returns the connection to the pool after an error', async () => {
    const statement = { name: 'test_division', text: 'select 1 / $1::int as quotient' };
    const em = app.app.services.orm.em.fork();
    const poolSize = app.app.services.config.databasePoolSize;

    for (let attempt = 0; attempt <= poolSize; attempt += 1) {
      await expect(executePrepared(em, statement, [0])).rejects.toThrow('division by zero');
    }
    const [row] = await executePrepared<{ quotient: number }>(em, statement, [1]);
    expect(row.quotient).toBe(1);
  });
});

describe('executePrepared after a migration by another process', () => {
  let app: TestApp;
  let migrator: pg.Client;

  beforeAll(async () => {
    // One pool connection, so every call runs on the connection that prepared the statement.
    app = await startTestApp({ DOCPUSH_ROLE: 'api', DOCPUSH_DB_POOL_SIZE: '1' });
    migrator = new pg.Client({ connectionString: app.databaseUrl });
    await migrator.connect();
  });

  afterAll(async () => {
    await migrator?.end();
    await app?.stop();
  });

  it('records events after the event id becomes bigint', async () => {
    const seeded = await seedWorkspace(app);
    const record = await seedRecord(app, seeded);
    const insert = () =>
      insertEventWithMessages(app.app.services.orm.em.fork(), {
        workspaceId: seeded.workspaceId,
        recordId: record.id,
        authorId: null,
        type: DocumentRecordEventType.DocumentRecordUpdated,
        parameters: {},
      });
    await insert();

    await migrator.query('alter table document_record_events alter column id type bigint');

    for (let call = 0; call < 3; call += 1) {
      const inserted = await insert();
      expect(inserted.recordFound).toBe(true);
      expect(inserted.event).not.toBeNull();
    }
  });

  it('re-prepares after a failed transaction', async () => {
    await migrator.query('create table test_widths (id serial primary key, width int not null); insert into test_widths (width) values (7)');
    const statement = { name: 'test_select_width', text: 'select width from test_widths' };
    const selectInTransaction = () => app.app.services.orm.em.fork().transactional((tx) => executePrepared<{ width: unknown }>(tx, statement, []));
    await selectInTransaction();

    await migrator.query('alter table test_widths alter column width type bigint');

    await expect(selectInTransaction()).rejects.toThrow('cached plan must not change result type');
    expect(await selectInTransaction()).toEqual([{ width: '7' }]);
  });

  it('retryOnStalePreparedStatement runs the transaction again', async () => {
    await migrator.query('create table test_heights (id serial primary key, height int not null); insert into test_heights (height) values (3)');
    const statement = { name: 'test_select_height', text: 'select height from test_heights' };
    let attempts = 0;
    const selectInTransaction = () =>
      app.app.services.orm.em.fork().transactional((tx) => {
        attempts += 1;
        return executePrepared<{ height: unknown }>(tx, statement, []);
      });
    await selectInTransaction();

    await migrator.query('alter table test_heights alter column height type bigint');

    expect(await retryOnStalePreparedStatement(selectInTransaction)).toEqual([{ height: '3' }]);
    expect(attempts).toBe(3);
  });

  it('runs after a parameter type is created again', async () => {
    await migrator.query(`create type test_shade as enum ('light', 'dark'); create table test_shades (id serial primary key, shade test_shade not null)`);
    const statement = { name: 'test_insert_shade', text: 'insert into test_shades (shade) select $1 returning id' };
    const em = app.app.services.orm.em.fork();
    await executePrepared(em, statement, ['light']);

    await migrator.query(`alter table test_shades alter column shade type text;
      drop type test_shade;
      create type test_shade as enum ('light', 'dark', 'dim');
      alter table test_shades alter column shade type test_shade using shade::test_shade`);

    const rows = await executePrepared<{ id: number }>(em, statement, ['dim']);
    expect(rows).toEqual([{ id: 2 }]);
  });
});

describe('recordDocumentEvents after a migration by another process', () => {
  let app: TestApp;
  let migrator: pg.Client;

  beforeAll(async () => {
    // One pool connection, so the transaction runs on the connection that prepared the statements.
    app = await startTestApp({ DOCPUSH_ROLE: 'api', DOCPUSH_DB_POOL_SIZE: '1' });
    migrator = new pg.Client({ connectionString: app.databaseUrl });
    await migrator.connect();
  });

  afterAll(async () => {
    await migrator?.end();
    await app?.stop();
  });

  it('records a batch after enum recreation', async () => {
    const seeded = await seedWorkspace(app);
    const record = await seedRecord(app, seeded);
    const documentRecordId = String(record.id);
    const inputs = [
      { documentRecordId, type: DocumentRecordEventType.DocumentRecordLocked },
      { documentRecordId, type: DocumentRecordEventType.SignCompleted },
      { documentRecordId, type: DocumentRecordEventType.DocumentRecordUnlocked },
    ];
    const recordBatch = () =>
      new DocumentRecordEventService(new WorkspaceScope(app.app.services.orm.em.fork(), seeded.workspaceId), app.app.services.logger).recordBatch(inputs, app.app.services.deliveryQueue);
    // Prepares the statements of the transaction on the pool's one connection.
    await recordBatch();

    // The statement that stores SignCompleted in the transaction was prepared with the old type's oid as a parameter type.
    const { rows } = await migrator.query<{ labels: string }>(
      `select string_agg(quote_literal(e.enumlabel), ', ' order by e.enumsortorder) as labels
         from pg_enum e join pg_type t on t.oid = e.enumtypid where t.typname = 'document_record_event_type'`,
    );
    await migrator.query(`alter table document_record_events alter column type type text;
      alter table push_logs alter column event_type type text;
      drop type document_record_event_type;
      create type document_record_event_type as enum (${rows[0].labels});
      alter table document_record_events alter column type type document_record_event_type using type::document_record_event_type;
      alter table push_logs alter column event_type type document_record_event_type using event_type::document_record_event_type`);

    const recorded = await recordBatch();

    expect(recorded.map((result) => result.event.type)).toEqual(inputs.map((input) => input.type));
    const stored = await migrator.query(`select type from document_record_events where document_record_id = $1 order by id`, [record.id]);
    expect(stored.rows.map((row) => row.type)).toEqual([...inputs, ...inputs].map((input) => input.type));
  });
});
