import { randomBytes } from 'node:crypto';
import { startTestApp, type TestApp } from '../support/test-app';
import { startListener, type TestListener } from '../support/listener';
import { seedRecord, seedWorkspace, recordEvent, type SeededWorkspace } from '../support/fixtures';
import { waitFor } from '../support/wait';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { PushLog } from '../../src/delivery/push-log.entity';
import { PushMessage } from '../../src/delivery/push-message.entity';
import { generateApiKey } from '../../src/security/api-key';
import { bearer, captureLogs, collect, openWs, postGraphQL, type CollectedOperation, type RawResponse } from './security-support';

const MASK = '********';
const CONNECTION_FIELDS = 'id signingSecret headers { name value secret }';

let app: TestApp;
let seeded: SeededWorkspace;
let logs: ReturnType<typeof captureLogs>;
let okListener: TestListener;
let failingListener: TestListener;

/** Every secret the scenario handles; none may show up where it is searched for. */
const secrets: Array<{ label: string; value: string }> = [];
/** Every GraphQL error message the scenario received. */
const errorMessages: string[] = [];
const streams: CollectedOperation[] = [];

function remember(label: string, value: string): string {
  secrets.push({ label, value });
  return value;
}

async function call(key: string | null, query: string, variables: Record<string, unknown> = {}, authorization?: string): Promise<RawResponse> {
  const response = await postGraphQL(app.url, query, variables, authorization ?? (key === null ? null : bearer(key)));
  for (const error of response.body.errors ?? []) errorMessages.push(error.message);
  return response;
}

async function data(key: string, query: string, variables: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const response = await call(key, query, variables);
  if (response.body.errors) throw new Error(`GraphQL request failed: ${JSON.stringify(response.body.errors)}`);
  return response.body.data!;
}

const randomSecret = (prefix: string) => `${prefix}-${randomBytes(12).toString('hex')}`;

beforeAll(async () => {
  logs = captureLogs();
  app = await startTestApp({ DOCPUSH_RETRY_SCHEDULE: '100ms', DOCPUSH_SECRET_ROTATION_GRACE: '1h' }, { logger: logs.logger });
  seeded = await seedWorkspace(app);
  // Both listeners echo the request headers, as test endpoints do. The failing one redirects,
  // which is not followed, and repeats its token in a header and in the redirect's Location too.
  okListener = await startListener((request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ headers: request.headers }));
  });
  failingListener = await startListener((request, response) => {
    const token = String(request.headers['x-api-token']);
    response.writeHead(307, { 'content-type': 'application/json', 'x-echo-token': token, location: `https://login.example.com/retry?token=${token}` });
    response.end(JSON.stringify({ error: 'listener failed', headers: request.headers }).replaceAll('/', '\\/'));
  });
  remember('first admin key', app.adminKey);
  await runScenario();
}, 60_000);

afterAll(async () => {
  await okListener?.close();
  await failingListener?.close();
  await app?.stop();
});

/** Creates keys and connections with secret headers, rotates, delivers, subscribes and sends bad keys. */
async function runScenario(): Promise<void> {
  const admin = app.adminKey;
  const member = remember('member key', (await data(admin, 'mutation { createApiKey(input: { name: "member", role: MEMBER }) { key } }')).createApiKey.key);
  const secondAdmin = await data(admin, 'mutation { createApiKey(input: { name: "second admin", role: ADMIN }) { key apiKey { id } } }');
  remember('second admin key', secondAdmin.createApiKey.key);

  const tokenValue = remember('secret header value', randomSecret('token'));
  const bearerValue = remember('secret bearer header value', `Bearer ${randomSecret('listener')}`);
  const created = (await data(admin, `mutation ($input: CreatePushConnectionInput!) { createPushConnection(input: $input) { ${CONNECTION_FIELDS} } }`, {
    input: {
      name: 'Secret headers',
      url: okListener.url,
      eventTypes: ['DocumentRecordUpdated'],
      headers: [
        { name: 'X-Api-Token', value: tokenValue, secret: true },
        { name: 'Authorization', value: bearerValue, secret: true },
        { name: 'X-Actor', value: '{{LEGITO.currentUser.email}}' },
      ],
    },
  })).createPushConnection;
  connectionOutputs.push(created);
  remember('signing secret', created.signingSecret);
  await data(admin, 'mutation ($id: ID!) { enablePushConnection(id: $id) { id } }', { id: created.id });
  okConnectionId = created.id;

  const rotatedValue = remember('replaced secret header value', randomSecret('rotated-token'));
  const updated = (await data(admin, `mutation ($id: ID!, $input: UpdatePushConnectionInput!) { updatePushConnection(id: $id, input: $input) { ${CONNECTION_FIELDS} } }`, {
    id: created.id,
    input: {
      headers: [
        { name: 'X-Api-Token', value: rotatedValue, secret: true },
        { name: 'Authorization', value: MASK, secret: true },
        { name: 'X-Actor', value: '{{LEGITO.currentUser.email}}' },
      ],
    },
  })).updatePushConnection;
  connectionOutputs.push(updated);
  const rotated = (await data(admin, `mutation ($id: ID!) { rotatePushConnectionSecret(id: $id) { ${CONNECTION_FIELDS} } }`, { id: created.id })).rotatePushConnectionSecret;
  connectionOutputs.push(rotated);
  remember('rotated signing secret', rotated.signingSecret);
  currentTokenValue = rotatedValue;
  currentBearerValue = bearerValue;

  const failing = (await data(admin, `mutation ($input: CreatePushConnectionInput!) { createPushConnection(input: $input) { ${CONNECTION_FIELDS} } }`, {
    input: { name: 'Failing', url: failingListener.url, eventTypes: ['DocumentRecordUpdated'], headers: [{ name: 'X-Api-Token', value: remember('failing header value', randomSecret('fail')), secret: true }] },
  })).createPushConnection;
  connectionOutputs.push(failing);
  remember('failing signing secret', failing.signingSecret);
  await data(admin, 'mutation ($id: ID!) { enablePushConnection(id: $id) { id } }', { id: failing.id });
  failingConnectionId = failing.id;

  await subscribeAndSendBadKeys(member);
  const record = await seedRecord(app, seeded);
  await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
  await waitForDeliveries();

  await call(admin, 'mutation ($id: ID!) { revokeApiKey(id: $id) { id } }', { id: secondAdmin.createApiKey.apiKey.id });
  await call(secondAdmin.createApiKey.key, '{ workspace { id } }');
  const listed = await data(admin, `query ($id: ID!) { pushConnection(id: $id) { ${CONNECTION_FIELDS} } pushConnections(first: 10) { edges { node { headers { name value secret } } } } }`, {
    id: created.id,
  });
  connectionOutputs.push(listed.pushConnection, ...listed.pushConnections.edges.map((edge: { node: unknown }) => edge.node));
}

let okConnectionId: string;
let failingConnectionId: string;
let currentTokenValue: string;
let currentBearerValue: string;
const connectionOutputs: Array<{ headers?: Array<{ name: string; value: string; secret: boolean }> }> = [];

async function subscribeAndSendBadKeys(member: string): Promise<void> {
  const subscribersBefore = app.app.services.deliveryLogFeed.subscriberCount;
  const adminSocket = openWs(app.url, { authorization: bearer(app.adminKey) });
  streams.push(collect(adminSocket.client, 'subscription { deliveryLog { connectionId requestHeaders requestBody responseBody responseError } }'));
  const memberSocket = openWs(app.url, { authorization: bearer(member) });
  streams.push(collect(memberSocket.client, 'subscription { deliveryLog { id } }'));
  await waitFor(() => app.app.services.deliveryLogFeed.subscriberCount >= subscribersBefore + 1, { description: 'the admin deliveryLog subscriber' });

  const unknownKey = remember('unknown key', generateApiKey().key);
  const malformed = remember('malformed key', `dpk_${randomBytes(10).toString('hex')}`);
  for (const authorization of [bearer(unknownKey), bearer(malformed), `Token ${unknownKey}`, unknownKey]) {
    await call(null, '{ workspace { id } }', {}, authorization);
  }
  const badSocket = openWs(app.url, { authorization: bearer(unknownKey) });
  const badStream = collect(badSocket.client, 'subscription { deliveryLog { id } }');
  await badSocket.closed;
  await badStream.ended;
  await call(member, '{ pushConnections(first: 1) { totalCount } }');
  await call(app.adminKey, 'query ($x: Int!) { workspace { id } }', { x: 'not a number' });
}

async function waitForDeliveries(): Promise<void> {
  const admin = streams[0];
  await waitFor(() => admin.results.filter((result) => result.data?.deliveryLog.connectionId === okConnectionId).length >= 1, {
    description: 'the successful delivery on the subscription',
  });
  await waitFor(() => admin.results.filter((result) => result.data?.deliveryLog.connectionId === failingConnectionId).length >= 2, {
    description: 'two failed attempts on the subscription',
  });
}

/** Returns the text of each place that a secret could leak to. */
async function searchedTexts(): Promise<Array<{ place: string; text: string }>> {
  const rows = await app.app.services.orm.em.fork().find(PushLog, {});
  const messages = await app.app.services.orm.em.fork().find(PushMessage, {});
  return [
    { place: 'server log', text: logs.text() },
    { place: 'GraphQL error messages', text: errorMessages.join('\n') },
    { place: 'push log rows', text: JSON.stringify(rows.map((row) => ({ ...row, workspace: undefined }))) },
    { place: 'push message errors', text: JSON.stringify(messages.map((message) => message.lastError)) },
    { place: 'subscription payloads', text: JSON.stringify(streams.map((stream) => ({ results: stream.results, error: stream.error }))) },
  ];
}

describe('secret hygiene', () => {
  it('searches a non-trivial log and every secret', () => {
    expect(logs.text()).toContain('api key revoked');
    expect(logs.text()).toContain('delivery failed');
    expect(errorMessages.length).toBeGreaterThanOrEqual(6);
    expect(secrets.length).toBeGreaterThanOrEqual(10);
  });

  it('no secret appears in logs, errors, push logs or subscriptions', async () => {
    const leaks: string[] = [];
    for (const { place, text } of await searchedTexts()) {
      for (const { label, value } of secrets) {
        // The Base64 part of a signing secret and the random part of a key are secret on their own.
        const cores = [value, value.replace(/^whsec_/, ''), value.replace(/^(Bearer |dpk_)/, '')];
        if (cores.some((core) => core.length >= 16 && text.includes(core))) leaks.push(`${label} in ${place}`);
      }
    }

    expect(leaks).toEqual([]);
  });

  it('masks secret header values in API output', () => {
    const secretHeaders = connectionOutputs.flatMap((output) => output.headers ?? []).filter((header) => header.secret);

    expect(secretHeaders.length).toBeGreaterThanOrEqual(8);
    expect(secretHeaders.filter((header) => header.value !== MASK)).toEqual([]);
  });

  it('masks secret headers in push logs and the subscription but sends them', async () => {
    const [received] = okListener.requests;
    expect(received.headers['x-api-token']).toBe(currentTokenValue);
    expect(received.headers.authorization).toBe(currentBearerValue);
    expect(received.headers['x-actor']).toBe('jana@example.com');

    const row = await app.app.services.orm.em.fork().findOneOrFail(PushLog, { connectionId: Number(okConnectionId) });
    expect(row.requestHeaders).toMatchObject({ 'x-api-token': MASK, authorization: MASK, 'x-actor': 'jana@example.com' });
    expect(JSON.parse(row.responseBody).headers).toMatchObject({ 'x-api-token': MASK, authorization: MASK, 'x-actor': 'jana@example.com' });

    const streamed = streams[0].results.map((result) => result.data?.deliveryLog).find((log) => log?.connectionId === okConnectionId);
    expect(streamed.requestHeaders).toMatchObject({ 'x-api-token': MASK, authorization: MASK });
  });

  it('masks secret values that a redirect echoes', async () => {
    const rows = await app.app.services.orm.em.fork().find(PushLog, { connectionId: Number(failingConnectionId) });

    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows) {
      expect(row.responseHeaders['x-echo-token']).toBe(MASK);
      expect(row.responseHeaders.location).toBe(`https://login.example.com/retry?token=${MASK}`);
      expect(row.responseError).toContain(`(Location: https://login.example.com/retry?token=${MASK})`);
      expect(JSON.parse(row.responseBody).headers['x-api-token']).toBe(MASK);
    }
  });
});

describe('reserved header names', () => {
  const reserved = ['webhook-id', 'Webhook-Signature', 'WEBHOOK-TIMESTAMP', 'webhook-anything', 'Content-Type', 'content-length', 'Host', 'Transfer-Encoding'];

  it.each(reserved)('%s is rejected when a connection is saved', async (name) => {
    const create = await call(app.adminKey, 'mutation ($input: CreatePushConnectionInput!) { createPushConnection(input: $input) { id } }', {
      input: { name: 'Override', url: okListener.url, eventTypes: ['DocumentRecordUpdated'], headers: [{ name, value: 'forged' }] },
    });
    const update = await call(app.adminKey, 'mutation ($id: ID!, $input: UpdatePushConnectionInput!) { updatePushConnection(id: $id, input: $input) { id } }', {
      id: okConnectionId,
      input: { headers: [{ name: 'X-Fine', value: 'ok' }, { name, value: 'forged', secret: true }] },
    });

    expect(create.body.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'headers[0].name' });
    expect(create.body.errors?.[0].message).toBe(`Header name ${JSON.stringify(name)} is reserved: docpush sets it itself. Choose another name.`);
    expect(update.body.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'headers[1].name' });
  });
});
