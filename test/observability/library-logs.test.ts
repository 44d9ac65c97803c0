import WebSocket from 'ws';
import pg from 'pg';
import { startTestApp, type TestApp } from '../support/test-app';
import { waitFor } from '../support/wait';
import { bearer, captureLogs } from '../security/security-support';

const BODY_LIMIT = 10_000;

let app: TestApp;
let logs: ReturnType<typeof captureLogs>;
let consoleCalls: unknown[][];
const consoleSpies: jest.SpyInstance[] = [];

beforeAll(async () => {
  logs = captureLogs();
  app = await startTestApp({ DOCPUSH_ROLE: 'api', DOCPUSH_REQUEST_BODY_LIMIT: String(BODY_LIMIT) }, { logger: logs.logger });
});

beforeEach(() => {
  consoleCalls = [];
  for (const method of ['log', 'warn', 'error'] as const) {
    consoleSpies.push(jest.spyOn(console, method).mockImplementation((...args: unknown[]) => void consoleCalls.push([method, ...args])));
  }
});

afterEach(() => {
  for (const spy of consoleSpies.splice(0)) spy.mockRestore();
});

afterAll(async () => {
  await app?.stop();
});

function logEntries(): Array<Record<string, unknown>> {
  return logs
    .text()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('messages of libraries', () => {
  it('logs MikroORM lines without colour codes', () => {
    const ormLines = logEntries().filter((entry) => entry.msg === 'mikro-orm');

    expect(ormLines.length).toBeGreaterThan(0);
    expect(ormLines.filter((entry) => String(entry.orm).includes('\u001b['))).toEqual([]);
  });

  it('logs an oversized graphql-ws message through pino', async () => {
    const socket = new WebSocket(app.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    await new Promise((resolve) => socket.once('open', resolve));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));

    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: bearer(app.adminKey), padding: 'x'.repeat(BODY_LIMIT) } }));

    expect(await closed).toBe(1009);
    await waitFor(() => logEntries().some((entry) => entry.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH'), { description: 'the graphql-ws log line' });
    const entry = logEntries().find((candidate) => candidate.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH')!;
    expect(entry.level).toBe(30);
    expect(entry.msg).toContain('closed a graphql-ws connection');
    expect(consoleCalls).toEqual([]);
  });

  it('logs a knex connection warning through pino', async () => {
    const knex = app.app.services.orm.em.getKnex();
    const connection = (await knex.client.acquireConnection()) as pg.Client & { processID: number };
    const connectionFailed = new Promise((resolve) => connection.once('error', resolve));
    await knex.client.releaseConnection(connection);

    const admin = new pg.Client({ connectionString: app.databaseUrl });
    await admin.connect();
    try {
      await admin.query('select pg_terminate_backend($1)', [connection.processID]);
    } finally {
      await admin.end();
    }
    await connectionFailed;
    // The pool hands out its most recently released connection first, finds the terminated one
    // and replaces it; knex reports that as a warning.
    await waitFor(
      async () => {
        await app.app.services.orm.em.fork().getConnection().execute('select 1');
        return logEntries().some((entry) => entry.msg === 'knex warning');
      },
      { description: 'the knex warning in the log' },
    );

    const entry = logEntries().find((candidate) => candidate.msg === 'knex warning')!;
    expect(entry.level).toBe(40);
    expect(String(entry.knex)).toContain('Connection Error');
    expect(consoleCalls).toEqual([]);
  });
});
