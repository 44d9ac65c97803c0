import { startTestApp, type TestApp } from '../support/test-app';
import { generateApiKey } from '../../src/security/api-key';
import { MAX_VARIABLE_LIST_ITEMS } from '../../src/graphql/query-limits';
import { MALFORMED_KEY_MESSAGE, MISSING_KEY_MESSAGE, UNKNOWN_KEY_MESSAGE } from '../../src/workspace/auth.service';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app?.stop();
});

interface HttpReply {
  status: number;
  challenge: string | null;
  body: unknown;
}

/** Posts `body` as it is to /graphql, with `authorization` as the header value (none when null). */
async function post(body: string, authorization: string | null): Promise<HttpReply> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (authorization !== null) headers.authorization = authorization;
  const response = await fetch(app.url, { method: 'POST', headers, body });
  return { status: response.status, challenge: response.headers.get('www-authenticate'), body: await response.json() };
}

const unauthenticated = (message: string) => ({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] });

const requestsWithoutKey: Array<[string, string]> = [
  ['__typename', JSON.stringify({ query: '{ __typename }' })],
  ['introspection', JSON.stringify({ query: '{ __schema { types { name } } }' })],
  ['a workspace query', JSON.stringify({ query: '{ workspace { id } }' })],
  ['a variables list above the limit', JSON.stringify({ query: '{ workspace { id } }', variables: { l: Array.from({ length: MAX_VARIABLE_LIST_ITEMS + 1 }, () => 1) } })],
  ['a body without a query', '{}'],
  ['malformed JSON', '{"query": "{ workspace { id } }"'],
];

describe('GraphQL over HTTP without a key', () => {
  it.each(requestsWithoutKey)('rejects %s with 401', async (_description, body) => {
    const reply = await post(body, null);

    expect(reply.status).toBe(401);
    expect(reply.challenge).toBe('Bearer realm="docpush"');
    expect(reply.body).toEqual(unauthenticated(MISSING_KEY_MESSAGE));
  });

  it('treats an empty header as no key', async () => {
    const reply = await post(JSON.stringify({ query: '{ __typename }' }), '');

    expect(reply.status).toBe(401);
    expect(reply.body).toEqual(unauthenticated(MISSING_KEY_MESSAGE));
  });
});

describe('GraphQL over HTTP with a bad key', () => {
  const cases: Array<[string, string, string]> = [
    ['a malformed key', 'Bearer not-a-docpush-key', MALFORMED_KEY_MESSAGE],
    ['an unknown key', `Bearer ${generateApiKey().key}`, UNKNOWN_KEY_MESSAGE],
  ];

  it.each(cases)('rejects __typename with %s as 401', async (_description, authorization, message) => {
    const reply = await post(JSON.stringify({ query: '{ __typename }' }), authorization);

    expect(reply.status).toBe(401);
    expect(reply.challenge).toBe('Bearer realm="docpush"');
    expect(reply.body).toEqual(unauthenticated(message));
  });
});

describe('GraphQL over HTTP with a valid key', () => {
  it('serves __typename', async () => {
    const reply = await post(JSON.stringify({ query: '{ __typename }' }), `Bearer ${app.adminKey}`);

    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ data: { __typename: 'Query' } });
  });

  it('still answers malformed JSON with 400', async () => {
    const reply = await post('{"query": "{ workspace { id } }"', `Bearer ${app.adminKey}`);

    expect(reply.status).toBe(400);
    expect(reply.challenge).toBeNull();
  });
});
