import http from 'node:http';
import { gzipSync } from 'node:zlib';
import WebSocket from 'ws';
import { getIntrospectionQuery, getNamedType, parse, getNullableType, isListType, isObjectType, type GraphQLField, type GraphQLSchema } from 'graphql';
import { startTestApp, type TestApp } from '../support/test-app';
import { loadConfig } from '../../src/config/config';
import { buildDocpushSchema } from '../../src/graphql/schema';
import { MAX_PAGE_SIZE } from '../../src/graphql/pagination';
import { checkVariableListSizes, estimateQueryCost, MAX_VARIABLE_LIST_ITEMS } from '../../src/graphql/query-limits';
import { DELIVERY_LOG_CHANNEL, deliveryLogNotifications } from '../../src/delivery/delivery-log.feed';
import { DeliveryOutcome, PushLog } from '../../src/delivery/push-log.entity';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { waitFor } from '../support/wait';
import { waitForNoSubscribers } from '../support/feed-subscribers';
import { bearer, collect, okData, openWs, postGraphQL, waitForFeedSubscribers, type CollectedOperation, type RawResponse, type WsProbe } from './security-support';

const BODY_LIMIT = 100_000;
// Low enough to reach with the schema's deepest path (records, edges, node, events, ...).
const DEPTH_LIMIT = 4;
const ALIAS_LIMIT = 3;
const WS_OPERATION_LIMIT = 3;

let app: TestApp;
let schema: GraphQLSchema;
let recordId: string;

beforeAll(async () => {
  app = await startTestApp({
    DOCPUSH_REQUEST_BODY_LIMIT: String(BODY_LIMIT),
    DOCPUSH_MAX_QUERY_DEPTH: String(DEPTH_LIMIT),
    DOCPUSH_MAX_QUERY_ALIASES: String(ALIAS_LIMIT),
    DOCPUSH_MAX_WS_OPERATIONS: String(WS_OPERATION_LIMIT),
  });
  schema = await buildDocpushSchema();
  const user = okData(await call('mutation { createUser(input: { name: "Limit Tester", email: "limits@example.com" }) { id } }')).createUser;
  const record = okData(await call('mutation ($authorId: ID!) { createDocumentRecord(input: { name: "Limits", authorId: $authorId }) { id } }', { authorId: user.id }));
  recordId = record.createDocumentRecord.id;
});

afterAll(async () => {
  await app?.stop();
});

function call(query: string, variables: Record<string, unknown> = {}): Promise<RawResponse> {
  return postGraphQL(app.url, query, variables, bearer(app.adminKey));
}

/** Posts raw bytes; with `chunked`, the body is sent without Content-Length. */
function postRaw(body: string, options: { chunked?: boolean; contentType?: string } = {}): Promise<{ status: number; contentType: string; text: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(app.url);
    const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/json', authorization: bearer(app.adminKey) };
    if (!options.chunked) headers['content-length'] = String(Buffer.byteLength(body));
    const request = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, contentType: String(response.headers['content-type']), text: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    request.on('error', reject);
    if (options.chunked) {
      for (let offset = 0; offset < body.length; offset += 16_384) request.write(body.slice(offset, offset + 16_384));
      request.end();
    } else {
      request.end(body);
    }
  });
}

function onlyError(response: RawResponse) {
  expect(response.body.errors).toHaveLength(1);
  return response.body.errors![0];
}

describe('defaults', () => {
  it('match the documented limits', () => {
    const config = loadConfig({});

    expect(config.api).toEqual({
      maxRequestBodyBytes: 40 * 1024 * 1024,
      maxQueryDepth: 12,
      maxQueryAliases: 20,
      maxQueryComplexity: 100_000,
      authRecheckIntervalMs: 30_000,
      apiKeyCacheTtlMs: 30_000,
      introspection: true,
      maxWsOperations: 25,
      maxWsConnectionsPerKey: 100,
      maxWsUnauthenticatedPerAddress: 50,
      trustedProxies: [],
    });
  });

  it('reject limits out of range', () => {
    expect(() => loadConfig({ DOCPUSH_MAX_QUERY_DEPTH: '0' })).toThrow(/DOCPUSH_MAX_QUERY_DEPTH="0" is invalid/);
    expect(() => loadConfig({ DOCPUSH_REQUEST_BODY_LIMIT: 'lots' })).toThrow(/DOCPUSH_REQUEST_BODY_LIMIT="lots" is invalid/);
  });

  it.each(['0', '-1', '2.5', '10001', 'many'])('reject DOCPUSH_MAX_WS_OPERATIONS=%j', (value) => {
    expect(() => loadConfig({ DOCPUSH_MAX_WS_OPERATIONS: value })).toThrow(
      `DOCPUSH_MAX_WS_OPERATIONS=${JSON.stringify(value)} is invalid: expected an integer from 1 to 10000.`,
    );
  });

  it('accept DOCPUSH_MAX_WS_OPERATIONS from 1 to 10000', () => {
    expect(loadConfig({ DOCPUSH_MAX_WS_OPERATIONS: '1' }).api.maxWsOperations).toBe(1);
    expect(loadConfig({ DOCPUSH_MAX_WS_OPERATIONS: '10000' }).api.maxWsOperations).toBe(10_000);
  });
});

describe('request body size', () => {
  const oversized = JSON.stringify({ query: 'query ($x: String) { workspace { id } }', variables: { x: 'x'.repeat(BODY_LIMIT) } });

  it('answers 413 with a GraphQL error naming the limit', async () => {
    const response = await postRaw(oversized);

    expect(response.status).toBe(413);
    expect(response.contentType).toMatch(/^application\/json/);
    const error = JSON.parse(response.text).errors[0];
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT' });
    expect(error.message).toBe(
      `The request body is ${Buffer.byteLength(oversized)} bytes; the limit is ${BODY_LIMIT} bytes (DOCPUSH_REQUEST_BODY_LIMIT). ` +
        'Send less data per request, such as fewer or smaller files, or ask the operator to raise the limit.',
    );
  });

  it('answers 413 to a chunked body without Content-Length', async () => {
    const response = await postRaw(oversized, { chunked: true });

    expect(response.status).toBe(413);
    expect(JSON.parse(response.text).errors[0].message).toMatch(new RegExp(`^The request body is more than ${BODY_LIMIT} bytes; the limit is ${BODY_LIMIT} bytes`));
  });

  it('passes a body just under the limit on to GraphQL', async () => {
    const fits = JSON.stringify({ query: 'query ($x: String) { users(first: 1, after: $x) { totalCount } }', variables: { x: 'x'.repeat(BODY_LIMIT - 200) } });

    const response = await postRaw(fits);

    // The resolver itself rejects the made-up cursor, so the whole body reached it.
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text).errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('answers malformed JSON with a GraphQL error, not an HTML page', async () => {
    const response = await postRaw('{"query": "{ workspace { id } }"');

    expect(response.status).toBe(400);
    expect(response.contentType).toMatch(/^application\/json/);
    expect(JSON.parse(response.text)).toEqual({
      errors: [{ message: expect.stringMatching(/^The request body is not valid JSON/), extensions: { code: 'BAD_REQUEST' } }],
    });
    expect(response.text).not.toMatch(/at .*\.js:\d+/);
  });

  it('closes a graphql-ws socket whose message is above the limit', async () => {
    const socket = new WebSocket(app.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    await new Promise((resolve) => socket.once('open', resolve));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));

    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: bearer(app.adminKey), padding: 'x'.repeat(BODY_LIMIT) } }));

    expect(await closed).toBe(1009);
  });
});

describe('compressed request body', () => {
  const query = JSON.stringify({ query: '{ workspace { id } }' });

  /** Posts `body` as JSON that the Content-Encoding header says is compressed with `encoding`. */
  async function postCompressed(body: Buffer, encoding: string): Promise<RawResponse> {
    const headers = { 'content-type': 'application/json', 'content-encoding': encoding, authorization: bearer(app.adminKey) };
    const response = await fetch(app.url, { method: 'POST', headers, body });
    return { status: response.status, body: (await response.json()) as RawResponse['body'] };
  }

  it('passes a gzip body on to GraphQL', async () => {
    const response = await postCompressed(gzipSync(query), 'gzip');

    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
  });

  it.each([
    ['gzip', 'not gzip data', Buffer.from('not gzip data')],
    ['gzip', 'cut short', gzipSync(query).subarray(0, 20)],
    ['deflate', 'not deflate data', Buffer.from('not deflate data')],
    ['br', 'not Brotli data', Buffer.from('not Brotli data')],
  ])('answers %s that is %s with 400', async (encoding, _description, body) => {
    const response = await postCompressed(body, encoding);

    expect(response.status).toBe(400);
    const error = onlyError(response);
    expect(error.extensions).toEqual({ code: 'BAD_REQUEST' });
    expect(error.message).toMatch(new RegExp(`^The request body is not valid "${encoding}" data \\(.+\\): compress the whole JSON body`));
  });
});

describe('query depth', () => {
  const tooDeep = 'query Deep { documentRecords(first: 1) { edges { node { events(first: 1) { totalCount } } } } }';

  it('rejects a query nested deeper than the limit', async () => {
    const response = await call(tooDeep);

    expect(response.status).toBe(400);
    const error = onlyError(response);
    expect(error.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(error.message).toBe(
      `Operation "Deep" nests fields 5 levels deep; the limit is ${DEPTH_LIMIT} (DOCPUSH_MAX_QUERY_DEPTH). ` +
        'Select fewer nested levels, and fetch deeper objects in a separate request by their id.',
    );
  });

  it('counts levels inside fragments and inline fragments', async () => {
    const response = await call(
      'query { documentRecords(first: 1) { ...Edges } } fragment Edges on DocumentRecordConnection { edges { ... on DocumentRecordEdge { node { events(first: 1) { totalCount } } } } }',
    );

    expect(onlyError(response).message).toMatch(/^The operation nests fields 5 levels deep/);
  });

  it('accepts a query at the limit', async () => {
    const response = await call('{ documentRecords(first: 1) { edges { node { id } } } }');

    expect(response.body.errors).toBeUndefined();
  });

  it('does not count introspection fields', async () => {
    const response = await call(getIntrospectionQuery());

    expect(response.body.errors).toBeUndefined();
    expect(okData(response).__schema.queryType.name).toBe('Query');
  });

  it('applies to graphql-ws operations', async () => {
    const probe = openWs(app.url, { authorization: bearer(app.adminKey) });
    const operation = collect(probe.client, tooDeep);

    await operation.ended;

    expect(operation.error).toEqual([expect.objectContaining({ message: expect.stringMatching(/nests fields 5 levels deep/), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })]);
    await probe.client.dispose();
  });
});

describe('aliases', () => {
  it('rejects more aliases than the limit', async () => {
    const response = await call('{ a: workspace { id } b: workspace { id } c: workspace { id } d: workspace { id } }');

    const error = onlyError(response);
    expect(error.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(error.message).toBe(
      `The request uses 4 field aliases; the limit is ${ALIAS_LIMIT} (DOCPUSH_MAX_QUERY_ALIASES). Split the work into several requests, or use list fields with paging.`,
    );
  });

  it('accepts aliases up to the limit', async () => {
    const response = await call('{ a: workspace { id } b: workspace { id } c: workspace { id } }');

    expect(response.body.errors).toBeUndefined();
  });
});

describe('query cost', () => {
  /** An app with the default depth and alias limits, which the operations here need. */
  let defaults: TestApp;

  beforeAll(async () => {
    defaults = await startTestApp();
  });

  afterAll(async () => {
    await defaults?.stop();
  });

  const callDefaults = (query: string, variables: Record<string, unknown> = {}) => postGraphQL(defaults.url, query, variables, bearer(defaults.adminKey));
  const pageOfPages =
    'query ($outer: Int!, $inner: Int!) { a: documentRecords(first: $outer) { edges { node { events(first: $inner) { edges { node { id type created authorId parameters } } } } } } ' +
    'b: documentRecords(first: $outer) { edges { node { events(first: $inner) { edges { node { id type created authorId parameters } } } } } } }';

  it('rejects pages of pages above the limit, using the variables', async () => {
    const response = await callDefaults(pageOfPages, { outer: 100, inner: 100 });

    expect(response.status).toBe(400);
    const error = onlyError(response);
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(/^The operation's estimated cost is \d+; the limit is 100000 \(DOCPUSH_MAX_QUERY_COMPLEXITY\)\. .*Ask for smaller pages \(lower first\) or fewer fields\.$/);
    expect(Number(/cost is (\d+)/.exec(error.message)![1])).toBeGreaterThan(100_000);
  });

  it('accepts the same operation with small pages', async () => {
    const response = await callDefaults(pageOfPages, { outer: 10, inner: 10 });

    expect(response.body.errors).toBeUndefined();
  });

  it('estimates again when the same query text comes back with larger pages', async () => {
    const query = pageOfPages.replace('query (', 'query Again(');
    expect((await callDefaults(query, { outer: 10, inner: 10 })).body.errors).toBeUndefined();

    const response = await callDefaults(query, { outer: 100, inner: 100 });

    expect(onlyError(response).message).toMatch(/^The operation's estimated cost is \d+; the limit is 100000/);
  });

  it('estimates again when a variable of @include or @skip changes', () => {
    const document = parse('query ($all: Boolean!) { documentRecords(first: 100) { edges { node { id ...Deep @include(if: $all) } } } } fragment Deep on DocumentRecord { events(first: 100) { edges { node { id type created } } } }');

    const narrow = estimateQueryCost(schema, document, null, { all: false });
    const wide = estimateQueryCost(schema, document, null, { all: true });

    expect(wide).toBeGreaterThan(100 * narrow!);
    expect(estimateQueryCost(schema, document, null, { all: false })).toBe(narrow);
  });

  it('estimates again after variables that did not fit the operation', () => {
    const document = parse('query ($size: Int!, $after: String) { documentRecords(first: $size, after: $after) { edges { node { id } } } }');

    expect(estimateQueryCost(schema, document, null, { size: 50, after: 42 })).toBeNull();
    expect(estimateQueryCost(schema, document, null, { size: 50, after: 'cursor' })).toBeGreaterThan(50);
  });

  it('rejects fragments that multiply into too many selections', async () => {
    const levels = Array.from({ length: 16 }, (_, level) => `fragment F${level} on Workspace { ...F${level + 1} ...F${level + 1} }`);
    const query = `{ workspace { ...F0 } } ${levels.join(' ')} fragment F16 on Workspace { id name }`;

    const response = await callDefaults(query);

    expect(onlyError(response).message).toMatch(/estimated cost is above 100000 \(more than 20000 selections after expanding fragments\)/);
  });

  it('applies to graphql-ws operations', async () => {
    const probe = openWs(defaults.url, { authorization: bearer(defaults.adminKey) });
    const operation = collect(probe.client, pageOfPages, { outer: 100, inner: 100 });

    await operation.ended;

    expect(operation.error).toEqual([expect.objectContaining({ message: expect.stringMatching(/^The operation's estimated cost is \d+/), extensions: { code: 'BAD_USER_INPUT' } })]);
    await probe.client.dispose();
  });
});

describe('query size', () => {
  const longQuery = `{ ${Array.from({ length: 3000 }, () => 'workspace { id }').join(' ')} }`;

  it('stops parsing a query with too many tokens', async () => {
    const response = await call(longQuery);

    const error = onlyError(response);
    expect(error.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(error.message).toBe(
      // "more that" is graphql-js 16's own wording.
      'Syntax Error: Document contains more that 5000 tokens. Parsing aborted. Send a shorter query: pass long values as variables, and split a large operation into several requests.',
    );
  });

  it('applies to graphql-ws operations', async () => {
    const probe = openWs(app.url, { authorization: bearer(app.adminKey) });
    const operation = collect(probe.client, longQuery);

    await operation.ended;

    expect(operation.error).toEqual([expect.objectContaining({ message: expect.stringMatching(/more that 5000 tokens.*Send a shorter query/), extensions: { code: 'GRAPHQL_PARSE_FAILED' } })]);
    await probe.client.dispose();
  });
});

describe('graphql-ws request errors', () => {
  const pageQuery = 'query Page($first: Int!) { pushLogs(first: $first) { totalCount } }';

  /** Runs one operation over graphql-ws and returns what its error sink received. */
  async function wsError(payload: { query: string; variables?: Record<string, unknown>; operationName?: string }): Promise<unknown> {
    const probe = openWs(app.url, { authorization: bearer(app.adminKey) });
    const error = await new Promise<unknown>((resolve) => {
      probe.client.subscribe(payload, { next: () => undefined, error: resolve, complete: () => resolve(undefined) });
    });
    await probe.client.dispose();
    return error;
  }

  it('report variables of the wrong type as BAD_USER_INPUT', async () => {
    const overHttp = onlyError(await call(pageQuery, { first: 'ten' }));

    const error = await wsError({ query: pageQuery, variables: { first: 'ten' } });

    expect(overHttp.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(error).toEqual([expect.objectContaining({ message: overHttp.message, extensions: { code: 'BAD_USER_INPUT', field: 'first' } })]);
  });

  it('report a missing required variable as BAD_USER_INPUT', async () => {
    const error = await wsError({ query: pageQuery });

    expect(error).toEqual([
      expect.objectContaining({ message: 'Variable "$first" of required type "Int!" was not provided.', extensions: { code: 'BAD_USER_INPUT', field: 'first' } }),
    ]);
  });

  it('report an unknown operation name as OPERATION_RESOLUTION_FAILURE', async () => {
    const error = await wsError({ query: pageQuery, variables: { first: 1 }, operationName: 'Other' });

    // Apollo Server returns the same message and code over HTTP.
    expect(error).toEqual([expect.objectContaining({ message: 'Unknown operation named "Other".', extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } })]);
  });

  it.each([
    ['@skip on the root field', 'subscription ($off: Boolean!) { deliveryLog @skip(if: $off) { id } }'],
    ['@include in a fragment', 'subscription Log($on: Boolean!) { ...Root } fragment Root on Subscription { deliveryLog @include(if: $on) { id } }'],
  ])('reject %s of a subscription as a validation error', async (_case, query) => {
    const statusFeed = app.app.services.connectionStatusFeed;
    await waitForNoSubscribers(statusFeed, { name: 'pushConnectionStatus' });
    const probe = openWs(app.url, { authorization: bearer(app.adminKey) });
    const other = collect(probe.client, 'subscription { pushConnectionStatus { connectionId } }');
    const conditional = collect(probe.client, query, { off: true, on: true });
    await conditional.ended;

    expect(conditional.error).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('must not use @skip or @include in its top level selection'),
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      }),
    ]);
    // The connection and its other subscription stay open: the status subscription still streams.
    await waitFor(() => statusFeed.subscriberCount === 1, { description: 'the pushConnectionStatus subscription to attach' });
    const created = okData(
      await call('mutation { createPushConnection(input: { name: "Still open", url: "https://127.0.0.1:1/hook", eventTypes: [DocumentRecordUpdated] }) { id } }'),
    ).createPushConnection;
    okData(await call('mutation ($id: ID!) { enablePushConnection(id: $id) { id } }', { id: created.id }));
    // The DELETED event of the connection of the case before can still arrive first.
    const streamedIds = () => other.results.map((result) => result.data?.pushConnectionStatus.connectionId);
    await waitFor(() => streamedIds().includes(created.id), { description: 'the status event of the connection on the other subscription' });

    expect(other.error).toBeUndefined();
    expect(other.results.map((result) => result.data?.pushConnectionStatus)).toContainEqual({ connectionId: created.id });
    okData(await call('mutation ($id: ID!) { deletePushConnection(id: $id) { id } }', { id: created.id }));
    await probe.client.dispose();
  });
});

describe('lists in variables', () => {
  const batch = 'mutation ($inputs: [RecordDocumentEventInput!]!) { recordDocumentEvents(inputs: $inputs) { pushMessageIds } }';
  const items = (count: number) => Array.from({ length: count }, () => ({}));
  const tooLong = {
    message: `Variable $inputs is a list of ${MAX_VARIABLE_LIST_ITEMS + 1} items; a list in the variables may have at most ${MAX_VARIABLE_LIST_ITEMS}. Send the items in several requests.`,
    extensions: { code: 'BAD_USER_INPUT' },
  };

  it('answers 400 for long lists', async () => {
    const response = await call(batch, { inputs: items(MAX_VARIABLE_LIST_ITEMS + 1) });

    expect(response.status).toBe(400);
    expect(onlyError(response)).toEqual(tooLong);
  });

  it('finds a nested long list', async () => {
    const variables = { first: 1, extra: { deep: [{ list: items(MAX_VARIABLE_LIST_ITEMS + 1) }] } };

    const response = await call('query ($first: Int) { pushLogs(first: $first) { totalCount } }', variables);

    expect(response.status).toBe(400);
    expect(onlyError(response).message).toMatch(/^Variable \$extra\.deep\[0\]\.list is a list of 10001 items/);
  });

  it('rejects an undeclared long list with 400', async () => {
    const response = await call('{ workspace { id } }', { l: Array.from({ length: MAX_VARIABLE_LIST_ITEMS + 1 }, () => 1) });

    expect(response.status).toBe(400);
    expect(onlyError(response).extensions).toEqual({ code: 'BAD_USER_INPUT' });
    expect(onlyError(response).message).toMatch(/^Variable \$l is a list of 10001 items/);
  });

  it('accepts a list at the limit', () => {
    expect(checkVariableListSizes({ inputs: items(MAX_VARIABLE_LIST_ITEMS) })).toBeNull();
  });

  it('applies to graphql-ws operations', async () => {
    const probe = openWs(app.url, { authorization: bearer(app.adminKey) });
    const operation = collect(probe.client, batch, { inputs: items(MAX_VARIABLE_LIST_ITEMS + 1) });

    await operation.ended;

    expect(operation.error).toEqual([expect.objectContaining(tooLong)]);
    await probe.client.dispose();
  });
});

describe('graphql-ws operations per connection', () => {
  const subscription = 'subscription { deliveryLog { id messageId } }';
  const limitError = {
    message:
      `This connection already runs ${WS_OPERATION_LIMIT} operations; the limit is ${WS_OPERATION_LIMIT} per connection (DOCPUSH_MAX_WS_OPERATIONS). ` +
      'Complete subscriptions that you no longer need, or open another connection.',
    extensions: { code: 'TOO_MANY_OPERATIONS' },
  };
  const feed = () => app.app.services.deliveryLogFeed;
  let workspaceId: number;
  let logCount = 0;

  beforeAll(async () => {
    workspaceId = Number(okData(await call('{ workspace { id } }')).workspace.id);
  });

  /** A connection with its subscriptions, and the feed's subscriber count before it opened. */
  interface OpenedConnection {
    probe: WsProbe;
    operations: CollectedOperation[];
    subscribersBefore: number;
  }

  /** Opens a connection with `count` deliveryLog subscriptions and waits until the feed has them all. */
  async function openSubscriptions(count: number): Promise<OpenedConnection> {
    const subscribersBefore = feed().subscriberCount;
    const probe = openWs(app.url, { authorization: bearer(app.adminKey) });
    const operations = Array.from({ length: count }, () => collect(probe.client, subscription));
    await waitForFeedSubscribers(app, subscribersBefore + count);
    return { probe, operations, subscribersBefore };
  }

  /** Closes the connection and waits until the server has removed its feed subscribers. */
  async function closeConnection({ probe, subscribersBefore }: OpenedConnection): Promise<void> {
    await probe.client.dispose();
    await waitFor(() => feed().subscriberCount === subscribersBefore, { description: `the deliveryLog subscriber count to return to ${subscribersBefore}` });
  }

  /** Writes one push log row and announces it on the delivery log channel, as a worker does, and returns its message id. */
  async function publishPushLog(): Promise<string> {
    logCount += 1;
    const messageId = `ws-limit-${logCount}`;
    const em = app.app.services.orm.em.fork();
    const log = em.create(PushLog, {
      workspace: workspaceId,
      connectionId: 1,
      connectionName: 'CRM',
      eventId: logCount,
      eventType: DocumentRecordEventType.DocumentRecordUpdated,
      messageId,
      attempt: 1,
      requestUrl: 'https://hooks.example.com/docpush',
      requestBody: '{}',
      responseCode: 200,
      durationMs: 12,
      outcome: DeliveryOutcome.SUCCEEDED,
    });
    await em.flush();
    await em.execute('select pg_notify(?, ?)', [DELIVERY_LOG_CHANNEL, deliveryLogNotifications([log.id])[0]]);
    return messageId;
  }

  /** Waits until every operation has received the push log with `messageId`. */
  async function waitForDelivery(operations: CollectedOperation[], messageId: string): Promise<void> {
    const received = (operation: CollectedOperation) => operation.results.some((result) => result.data?.deliveryLog.messageId === messageId);
    await waitFor(() => operations.every(received), { description: `push log ${messageId} on ${operations.length} subscription(s)` });
  }

  it('rejects operation above the limit', async () => {
    const opened = await openSubscriptions(WS_OPERATION_LIMIT);

    const extra = collect(opened.probe.client, subscription);
    await extra.ended;

    expect(extra.error).toEqual([limitError]);
    expect(feed().subscriberCount).toBe(opened.subscribersBefore + WS_OPERATION_LIMIT);
    const messageId = await publishPushLog();
    await waitForDelivery(opened.operations, messageId);
    for (const operation of opened.operations) {
      expect(operation.error).toBeUndefined();
      expect(operation.completed).toBe(false);
    }
    await closeConnection(opened);
  });

  it('frees a slot on client complete', async () => {
    const opened = await openSubscriptions(WS_OPERATION_LIMIT);
    const [first, ...others] = opened.operations;
    const rejected = collect(opened.probe.client, subscription);
    await rejected.ended;
    expect(rejected.error).toEqual([limitError]);

    // The complete message goes out just before the next subscribe, with no wait between them.
    first.unsubscribe();
    const replacement = collect(opened.probe.client, subscription);
    // The feed's count is the same before and after the swap, so only a streamed row shows that
    // the replacement is attached. Each round ends once the other subscriptions have the row.
    await waitFor(
      async () => {
        await waitForDelivery(others, await publishPushLog());
        return replacement.results.length > 0 || replacement.error !== undefined;
      },
      { description: 'a push log on the replacement subscription' },
    );

    expect(replacement.error).toBeUndefined();
    expect(replacement.results[0].data?.deliveryLog.messageId).toMatch(/^ws-limit-/);
    const overLimit = collect(opened.probe.client, subscription);
    await overLimit.ended;
    expect(overLimit.error).toEqual([limitError]);
    await closeConnection(opened);
  });

  it('ignores operations rejected before running', async () => {
    const opened = await openSubscriptions(WS_OPERATION_LIMIT - 1);

    for (let attempt = 0; attempt < WS_OPERATION_LIMIT; attempt++) {
      const invalid = collect(opened.probe.client, 'subscription { deliveryLog { noSuchField } }');
      await invalid.ended;
      expect(invalid.error).toEqual([expect.objectContaining({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })]);
    }
    const last = collect(opened.probe.client, subscription);
    await waitForFeedSubscribers(app, opened.subscribersBefore + WS_OPERATION_LIMIT);
    const messageId = await publishPushLog();

    await waitForDelivery([...opened.operations, last], messageId);
    const overLimit = collect(opened.probe.client, subscription);
    await overLimit.ended;
    expect(overLimit.error).toEqual([limitError]);
    await closeConnection(opened);
  });

  it('frees the slot of a finished query', async () => {
    const opened = await openSubscriptions(WS_OPERATION_LIMIT - 1);

    const query = collect(opened.probe.client, '{ workspace { id } }');
    await query.ended;
    const subscribersAfterQuery = feed().subscriberCount;
    const afterQuery = collect(opened.probe.client, subscription);

    expect(query.error).toBeUndefined();
    expect(query.results).toEqual([{ data: { workspace: { id: expect.any(String) } } }]);
    await waitForFeedSubscribers(app, subscribersAfterQuery + 1);
    expect(afterQuery.error).toBeUndefined();
    await closeConnection(opened);
  });

  it('limits each connection on its own', async () => {
    const first = await openSubscriptions(WS_OPERATION_LIMIT);

    const second = await openSubscriptions(WS_OPERATION_LIMIT);

    expect(feed().subscriberCount).toBe(first.subscribersBefore + 2 * WS_OPERATION_LIMIT);
    for (const operation of second.operations) expect(operation.error).toBeUndefined();
    await closeConnection(second);
    await closeConnection(first);
  });

  it('releases the feed subscribers on disconnect', async () => {
    const opened = await openSubscriptions(WS_OPERATION_LIMIT);
    const rejected = collect(opened.probe.client, subscription);
    await rejected.ended;

    await opened.probe.client.dispose();

    await waitFor(() => feed().subscriberCount === opened.subscribersBefore, { description: `the deliveryLog subscriber count to return to ${opened.subscribersBefore}` });
    expect(feed().subscriberCount).toBe(opened.subscribersBefore);
  });
});

/** A paged field and where it sits: on Query, or on a type that `PARENT_PATHS` can reach. */
interface PagedField {
  parent: string;
  field: GraphQLField<unknown, unknown>;
}

/** How to reach one object of each type that has paged fields below the root. */
const PARENT_PATHS: Record<string, (inner: string) => string> = {
  DocumentRecord: (inner) => `documentRecord(id: "${recordId}") { ${inner} }`,
};

/** Root list fields that return the whole list without paging, each with the reason it stays small. */
const UNPAGED_ROOT_LISTS: Record<string, string> = {
  apiKeys: 'keys are created one by one by admins',
  documents: 'at most one document per template of the record',
};

function pagedFields(): PagedField[] {
  const fields: PagedField[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || type === schema.getMutationType() || type === schema.getSubscriptionType()) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.args.some((arg) => arg.name === 'first')) fields.push({ parent: type.name, field });
    }
  }
  return fields;
}

/** Builds a query for the field with `first` and placeholder values for its other required arguments. */
function pageQuery({ parent, field }: PagedField, first: number): string {
  const args = [`first: ${first}`];
  for (const arg of field.args) {
    if (arg.name === 'first' || !String(arg.type).endsWith('!')) continue;
    if (arg.name === 'documentRecordId') args.push(`documentRecordId: "${recordId}"`);
    else throw new Error(`${parent}.${field.name} has required argument ${arg.name}: add a value for it to pageQuery.`);
  }
  const selection = `${field.name}(${args.join(', ')}) { totalCount }`;
  if (parent === 'Query') return `{ ${selection} }`;
  const path = PARENT_PATHS[parent];
  if (!path) throw new Error(`${parent}.${field.name} is a paged field below the root: add a way to reach ${parent} to PARENT_PATHS.`);
  return `{ ${path(selection)} }`;
}

describe('page size', () => {
  it('every paged field rejects first above the maximum', async () => {
    const fields = pagedFields();
    expect(fields.length).toBeGreaterThan(5);

    for (const paged of fields) {
      for (const first of [MAX_PAGE_SIZE + 1, 0, -1]) {
        const response = await call(pageQuery(paged, first));

        const error = response.body.errors?.[0];
        expect({ field: `${paged.parent}.${paged.field.name}`, first, code: error?.extensions?.code, argument: error?.extensions?.field }).toEqual({
          field: `${paged.parent}.${paged.field.name}`,
          first,
          code: 'BAD_USER_INPUT',
          argument: 'first',
        });
        expect(error?.message).toBe(`first=${first} is invalid: ask for 1 to ${MAX_PAGE_SIZE} items per page and follow pageInfo.endCursor for more.`);
      }
    }
  });

  it('every paged field accepts the maximum', async () => {
    for (const paged of pagedFields()) {
      const response = await call(pageQuery(paged, MAX_PAGE_SIZE));

      expect({ field: `${paged.parent}.${paged.field.name}`, errors: response.body.errors ?? [] }).toEqual({ field: `${paged.parent}.${paged.field.name}`, errors: [] });
    }
  });

  it('lists without paging are only the known small ones', () => {
    const unpaged = Object.values(schema.getQueryType()!.getFields())
      .filter((field) => isListType(getNullableType(field.type)) && !field.args.some((arg) => arg.name === 'first'))
      .map((field) => `${field.name}: ${getNamedType(field.type).name}`);

    expect(unpaged.map((entry) => entry.split(':')[0]).sort()).toEqual(Object.keys(UNPAGED_ROOT_LISTS).sort());
  });
});
