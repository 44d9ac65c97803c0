import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import pg from 'pg';
import pino from 'pino';
import { startTestApp, type TestApp } from '../support/test-app';
import { bearer, postGraphQL, type RawResponse } from '../security/security-support';

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

/** Returns a logger of level error that parses each line it writes into `lines`. */
function errorLogger(lines: Array<Record<string, unknown>>): pino.Logger {
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return pino({ level: 'error' }, logStream);
}

describe('unexpected resolver error', () => {
  let app: TestApp;
  const logLines: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    app = await startTestApp({}, { logger: errorLogger(logLines) });
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

describe('invalid persisted query', () => {
  let app: TestApp;
  const logLines: Array<Record<string, unknown>> = [];
  const query = '{ workspace { id } }';

  beforeAll(async () => {
    app = await startTestApp({}, { logger: errorLogger(logLines) });
  });

  afterAll(async () => {
    await app?.stop();
  });

  /** Posts `query` with `persistedQuery` as extensions.persistedQuery. */
  async function postPersisted(persistedQuery: unknown): Promise<RawResponse> {
    const response = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: bearer(app.adminKey) },
      body: JSON.stringify({ query, extensions: { persistedQuery } }),
    });
    return { status: response.status, body: (await response.json()) as RawResponse['body'] };
  }

  it.each([
    [
      'a hash of other text',
      { version: 1, sha256Hash: createHash('sha256').update('{ users { totalCount } }').digest('hex') },
      'provided sha does not match query. Send the SHA-256 hash of the query text',
    ],
    ['version 2', { version: 2, sha256Hash: createHash('sha256').update(query).digest('hex') }, 'Unsupported persisted query version. Send extensions.persistedQuery.version 1'],
  ])('is BAD_REQUEST for %s', async (_description, persistedQuery, message) => {
    const reply = await postPersisted(persistedQuery);

    expect(reply.status).toBe(400);
    expect(reply.body.errors).toHaveLength(1);
    const [error] = reply.body.errors ?? [];
    expect(error.extensions).toEqual({ code: 'BAD_REQUEST' });
    expect(error.message).toContain(message);
    expect(logLines).toEqual([]);
  });

  it('runs a query with its own hash', async () => {
    const reply = await postPersisted({ version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') });

    expect(reply.body.errors).toBeUndefined();
    expect(reply.body.data).toEqual({ workspace: { id: expect.any(String) } });
  });
});
