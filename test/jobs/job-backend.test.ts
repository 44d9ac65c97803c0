import pino from 'pino';
import { loadConfig } from '../../src/config/config';
import { startApp } from '../../src/app/app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { TEST_ENV } from '../support/test-app';
import { rejectionOf } from '../support/wait';
import { ValidationError } from '../../src/common/errors';

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

  it('names a driver option error without the password', async () => {
    const config = loadConfig({
      ...TEST_ENV,
      DATABASE_URL: database.url,
      DOCPUSH_DATA_DIR: '/tmp',
      DOCPUSH_JOB_BACKEND: 'mongodb',
      // The password doubles as the rejected option value, so the driver's message would show it.
      DOCPUSH_MONGODB_URL: 'mongodb://docpush:Kerberos5@127.0.0.1:1/docpush?authMechanism=Kerberos5',
    });

    const error = await rejectionOf(startApp(config, { logger: pino({ level: 'silent' }) }));

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('DOCPUSH_MONGODB_URL');
    expect((error as Error).message).toMatch(/^DOCPUSH_MONGODB_URL is not a valid MongoDB connection string: authMechanism one of .*, got \*\*\*\. /);
    expect((error as Error).message).not.toContain('Kerberos5');
  });

  it('rejects an unknown job store', () => {
    expect(() => loadConfig({ ...TEST_ENV, DOCPUSH_JOB_BACKEND: 'redis' })).toThrow(/DOCPUSH_JOB_BACKEND="redis" is invalid: expected one of postgres, mongodb/);
  });
});

describe('DOCPUSH_MONGODB_URL syntax', () => {
  const mongoEnv = (url: string) => ({ DOCPUSH_JOB_BACKEND: 'mongodb', DOCPUSH_MONGODB_URL: url });

  function errorOf(url: string): ValidationError {
    try {
      loadConfig(mongoEnv(url));
    } catch (error) {
      if (error instanceof ValidationError) return error;
      throw error;
    }
    throw new Error(`loadConfig accepted ${url}`);
  }

  it.each([
    ['mongo.example.com:27017', 'its scheme is not mongodb or mongodb+srv'],
    ['admin:hunter2@mongo:27017/db', 'its scheme is not mongodb or mongodb+srv'],
    ['/var/run/mongodb.sock', 'it has no scheme'],
    [' mongodb://127.0.0.1', 'it starts or ends with a space'],
    ['postgres://127.0.0.1/docpush', 'its scheme is not mongodb or mongodb+srv'],
    ['MONGODB://127.0.0.1', 'the scheme "MONGODB" must be written in lower case'],
    ['mongodb:127.0.0.1', '"mongodb:" is not followed by "//"'],
    ['mongodb://', 'it names no host after "//"'],
    ['mongodb:///docpush', 'it names no host after "//"'],
    ['mongodb://docpush:s3cret@/docpush', 'it names no host after "//"'],
    ['mongodb://127.0.0.1,,127.0.0.2', 'host 2 of 3 is empty'],
    ['mongodb://127.0.0.1:99999/docpush', 'the host has a port that is not a number from 1 to 65535'],
    ['mongodb://127.0.0.1:0', 'the host has a port that is not a number from 1 to 65535'],
    ['mongodb://127.0.0.1:27017,127.0.0.2:port', 'host 2 of 2 has a port that is not a number from 1 to 65535'],
    ['mongodb://:27017', 'the host has no name before its port'],
    ['mongodb://::1:27017', 'the host contains more than one ":"'],
    ['mongodb://[::1:27017', 'the host is not a valid IPv6 address in brackets'],
    ['mongodb://mongo example.com', 'the host contains a space or a control character'],
    ['mongodb+srv://cluster0.example.com:27017/docpush', 'the host has a port, but a mongodb+srv connection string takes none'],
    ['mongodb+srv://a.example.com,b.example.com/docpush', 'a mongodb+srv connection string names exactly one host, the DNS name of its seed list, but this one names 2'],
    ['mongodb://docpush:s3cr@t@127.0.0.1/docpush', 'the password contains one of the characters : / ? # [ ] @ without percent-encoding'],
    ['mongodb://docpush:s3c:ret@127.0.0.1/docpush', 'the password contains one of the characters'],
    ['mongodb://docpush:s3cr/t@127.0.0.1/docpush', 'an "@" follows the host list'],
    ['mongodb://docpush:s3cret%zz@127.0.0.1/docpush', 'the password has an invalid percent-encoding'],
    ['mongodb://do[cpush:s3cret@127.0.0.1/docpush', 'the user name contains one of the characters'],
    ['mongodb://:s3cret@127.0.0.1/docpush', 'the user name before "@" is empty'],
  ])('rejects %s', (url, problem) => {
    const error = errorOf(url);

    expect(error.field).toBe('DOCPUSH_MONGODB_URL');
    expect(error.message).toContain(`DOCPUSH_MONGODB_URL is not a valid MongoDB connection string: ${problem}`);
    expect(error.message).toContain('mongodb://user:password@mongo.example.com:27017/docpush');
    expect(error.message).not.toContain('s3c');
  });

  it('leaves out the user name of a URL without scheme', () => {
    const error = errorOf('admin:hunter2@mongo:27017/db');

    expect(error.message).not.toContain('admin');
    expect(error.message).not.toContain('hunter2');
  });

  it.each([
    'mongodb://127.0.0.1:27017/docpush',
    'mongodb://docpush:p%40ss%3Aword@mongo1.example.com:27017,mongo2.example.com:27018/docpush?replicaSet=rs0&authSource=admin',
    'mongodb+srv://docpush:secret@cluster0.example.com/docpush?retryWrites=true',
    'mongodb://[::1]:27017/docpush',
    'mongodb://%2Ftmp%2Fmongodb-27017.sock/docpush',
    'mongodb://localhost',
  ])('accepts %s', (url) => {
    expect(loadConfig(mongoEnv(url)).jobs.mongoUrl).toBe(url);
  });

  it('ignores the URL of an unused MongoDB job store', () => {
    expect(loadConfig({ DOCPUSH_MONGODB_URL: 'mongo.example.com:27017' }).jobs.mongoUrl).toBe('mongo.example.com:27017');
  });
});
