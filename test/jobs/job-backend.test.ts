import pino from 'pino';
import { loadConfig } from '../../src/config/config';
import { startApp } from '../../src/app/app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { TEST_ENV } from '../support/test-app';

// NOTE: no MongoDB can run on the machines this suite runs on, so the MongoDB job store is
// covered only up to its start-up checks.
describe('MongoDB job store', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('requires DOCPUSH_MONGODB_URL', () => {
    expect(() => loadConfig({ ...TEST_ENV, DOCPUSH_JOB_BACKEND: 'mongodb' })).not.toThrow();
    const config = loadConfig({ ...TEST_ENV, DATABASE_URL: database.url, DOCPUSH_JOB_BACKEND: 'mongodb' });
    return expect(startApp(config, { logger: pino({ level: 'silent' }) })).rejects.toThrow(/needs DOCPUSH_MONGODB_URL/);
  });

  it('fails start-up clearly when MongoDB is unreachable', async () => {
    const config = loadConfig({
      ...TEST_ENV,
      DATABASE_URL: database.url,
      DOCPUSH_DATA_DIR: '/tmp',
      DOCPUSH_JOB_BACKEND: 'mongodb',
      DOCPUSH_MONGODB_URL: 'mongodb://127.0.0.1:1/docpush',
    });

    await expect(startApp(config, { logger: pino({ level: 'silent' }) })).rejects.toThrow(/MongoDB at DOCPUSH_MONGODB_URL is unreachable \(connect ECONNREFUSED 127\.0\.0\.1:1\)/);
  }, 20_000);

  it('rejects an unknown job store', () => {
    expect(() => loadConfig({ ...TEST_ENV, DOCPUSH_JOB_BACKEND: 'redis' })).toThrow(/DOCPUSH_JOB_BACKEND="redis" is invalid: expected one of postgres, mongodb/);
  });
});
