import { Writable } from 'node:stream';
import pg from 'pg';
import pino from 'pino';
import { startTestApp, type TestApp } from '../support/test-app';
import { bearer, postGraphQL } from '../security/security-support';

const GENERIC_MESSAGE = 'Internal server error; the server log has the details.';

/** Runs `sql` on the app's own database, as an operator with psql would. */
async function runQuery(databaseUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('unexpected resolver error', () => {
  let app: TestApp;
  const logLines: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n')) {
          if (line !== '') logLines.push(JSON.parse(line) as Record<string, unknown>);
        }
        done();
      },
    });
    app = await startTestApp({}, { logger: pino({ level: 'error' }, logStream) });
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('returns a generic message and logs the cause', async () => {
    // A table the query needs is missing, so PostgreSQL fails the query with SQL text in its error.
    await runQuery(app.databaseUrl, 'alter table template_suites rename to template_suites_moved');

    const reply = await postGraphQL(app.url, '{ templateSuites(first: 1) { totalCount } }', {}, bearer(app.adminKey));

    expect(reply.body.errors).toHaveLength(1);
    const [error] = reply.body.errors ?? [];
    expect(error.message).toBe(GENERIC_MESSAGE);
    expect(error.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    expect(JSON.stringify(reply.body)).not.toContain('template_suites');

    const logged = logLines.find((line) => line.msg === 'resolver failed');
    expect(logged).toBeDefined();
    expect(JSON.stringify(logged?.err)).toContain('template_suites');
  });
});
