/**
 * @skip and @include on a subscription's root field. graphql-js 16's SingleFieldSubscriptionsRule
 * throws on such a directive with a variable `if`, which Apollo Server would turn into
 * INTERNAL_SERVER_ERROR and an error log line over HTTP. Both transports reject it as a
 * validation error.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { startTestApp, type TestApp } from '../support/test-app';
import { bearer } from '../security/security-support';

const CONDITIONAL_ROOT_MESSAGE = /^(Anonymous Subscription|Subscription "\w+") must not use @skip or @include in its top level selection\. /;

/** pino's number for the error level. */
const ERROR_LEVEL = 50;

let app: TestApp;
const logLines: Array<{ level: number; msg: string }> = [];

beforeAll(async () => {
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line !== '') logLines.push(JSON.parse(line) as { level: number; msg: string });
      }
      done();
    },
  });
  app = await startTestApp({}, { logger: pino({ level: 'info' }, logStream) });
});

afterAll(async () => {
  await app?.stop();
});

interface Operation {
  query: string;
  variables: Record<string, unknown>;
  operationName?: string;
}

interface HttpReply {
  status: number;
  errors: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

async function post(operation: Operation): Promise<HttpReply> {
  const response = await fetch(app.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: bearer(app.adminKey) },
    body: JSON.stringify(operation),
  });
  const body = (await response.json()) as { errors: HttpReply['errors'] };
  return { status: response.status, errors: body.errors };
}

/** Sends the operation as a GET, after `leadingParameters` empty parameters. */
async function get(operation: Operation, leadingParameters = 0): Promise<HttpReply> {
  const url = new URL(app.url);
  for (let index = 0; index < leadingParameters; index += 1) url.searchParams.append(`p${index}`, '');
  url.searchParams.set('query', operation.query);
  url.searchParams.set('variables', JSON.stringify(operation.variables));
  if (operation.operationName) url.searchParams.set('operationName', operation.operationName);
  // Apollo Server rejects a GET without a header that a simple cross-site request cannot send.
  const response = await fetch(url, { headers: { authorization: bearer(app.adminKey), 'apollo-require-preflight': 'true' } });
  const body = (await response.json()) as { errors: HttpReply['errors'] };
  return { status: response.status, errors: body.errors };
}

/** Runs the operation over graphql-ws and returns the errors that end it. */
async function overGraphqlWs(operation: Operation): Promise<unknown> {
  const client = app.wsClient();
  return new Promise((resolve) => {
    client.subscribe(operation, { next: () => undefined, error: resolve, complete: () => resolve(undefined) });
  });
}

const cases: Array<[string, Operation]> = [
  ['@skip with a variable', { query: 'subscription ($off: Boolean!) { deliveryLog @skip(if: $off) { id } }', variables: { off: false } }],
  [
    '@include in a fragment',
    { query: 'subscription Log($on: Boolean!) { ...Root } fragment Root on Subscription { deliveryLog @include(if: $on) { id } }', variables: { on: true } },
  ],
  [
    '@skip beside a selected query',
    {
      query: 'query Workspace { workspace { id } } subscription Log($off: Boolean!) { deliveryLog @skip(if: $off) { id } }',
      variables: {},
      operationName: 'Workspace',
    },
  ],
];

describe('subscription root directives over HTTP', () => {
  it.each(cases)('reject %s on POST', async (_case, operation) => {
    const logLinesBefore = logLines.length;

    const reply = await post(operation);

    expect(reply.status).toBe(400);
    expect(reply.errors).toHaveLength(1);
    expect(reply.errors[0].extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
    expect(reply.errors[0].message).toMatch(CONDITIONAL_ROOT_MESSAGE);
    expect(logLines.slice(logLinesBefore).filter((line) => line.level >= ERROR_LEVEL)).toEqual([]);
    // graphql-ws rejects the same document with the same error.
    expect(await overGraphqlWs(operation)).toEqual([
      expect.objectContaining({ message: reply.errors[0].message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }),
    ]);
  });

  it('reject @skip on GET', async () => {
    const logLinesBefore = logLines.length;

    const reply = await get(cases[0][1]);

    expect(reply.status).toBe(400);
    expect(reply.errors).toHaveLength(1);
    expect(reply.errors[0].extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
    expect(reply.errors[0].message).toMatch(CONDITIONAL_ROOT_MESSAGE);
    expect(logLines.slice(logLinesBefore).filter((line) => line.level >= ERROR_LEVEL)).toEqual([]);
  });

  // Express's query parser reads at most 1000 parameters, while Apollo Server reads them all.
  it('reject @skip on GET after 1000 parameters', async () => {
    const logLinesBefore = logLines.length;

    const reply = await get(cases[0][1], 1000);

    expect(reply.status).toBe(400);
    expect(reply.errors).toHaveLength(1);
    expect(reply.errors[0].extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
    expect(reply.errors[0].message).toMatch(CONDITIONAL_ROOT_MESSAGE);
    expect(logLines.slice(logLinesBefore).filter((line) => line.level >= ERROR_LEVEL)).toEqual([]);
  });
});
