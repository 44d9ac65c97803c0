import { executePrepared, namedPreparedStatement, numberPlaceholders } from '../../src/database/raw-sql';
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

  it('rejects use inside a transaction', async () => {
    const statement = { name: 'test_in_transaction', text: 'select 1' };

    await expect(app.app.services.orm.em.fork().transactional((tx) => executePrepared(tx, statement, []))).rejects.toThrow(
      'Prepared statement test_in_transaction runs on a pool connection of its own, so it cannot join the open transaction.',
    );
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
