/**
 * A secret header is masked in API output, so an ADMIN key that reads the connection gets only
 * "********". A new URL must not carry the stored value along. Otherwise any ADMIN key could read
 * every secret header: point the URL at a server of its own, or at its own path on a shared
 * webhook host, and send a test message.
 */
import { randomBytes } from 'node:crypto';
import { startTestApp, type TestApp } from '../support/test-app';
import { startListener, type TestListener } from '../support/listener';
import { waitFor } from '../support/wait';
import { PushLog } from '../../src/delivery/push-log.entity';
import { bearer, okData, postGraphQL } from './security-support';

let app: TestApp;
let ownerListener: TestListener;
let otherListener: TestListener;

beforeAll(async () => {
  app = await startTestApp();
  ownerListener = await startListener();
  otherListener = await startListener();
});

afterAll(async () => {
  await ownerListener?.close();
  await otherListener?.close();
  await app?.stop();
});

const call = (query: string, variables: Record<string, unknown> = {}) => postGraphQL(app.url, query, variables, bearer(app.adminKey));

const UPDATE = 'mutation ($id: ID!, $input: UpdatePushConnectionInput!) { updatePushConnection(id: $id, input: $input) { id url headers { name value } } }';

/** Creates an enabled connection to the owner's listener with a secret Authorization header, and returns its id and the secret. */
async function createWithSecret(): Promise<{ id: string; secret: string }> {
  const secret = `Bearer ${randomBytes(16).toString('hex')}`;
  const created = okData(
    await call('mutation ($input: CreatePushConnectionInput!) { createPushConnection(input: $input) { id } }', {
      input: {
        name: `CRM ${randomBytes(4).toString('hex')}`,
        url: ownerListener.url,
        eventTypes: ['SignCompleted'],
        headers: [
          { name: 'Authorization', value: secret, secret: true },
          { name: 'X-Tenant', value: 'acme' },
        ],
      },
    }),
  );
  const id: string = created.createPushConnection.id;
  okData(await call('mutation ($id: ID!) { enablePushConnection(id: $id) { id } }', { id }));
  return { id, secret };
}

/** Sends a test message, waits until its attempt is logged and returns the message id. */
async function sendTest(id: string): Promise<string> {
  const test = okData(await call('mutation ($id: ID!) { sendTestMessage(connectionId: $id) { id } }', { id }));
  const messageId: string = test.sendTestMessage.id;
  await waitFor(async () => (await app.app.services.orm.em.fork().count(PushLog, { messageId })) > 0, {
    description: `a push log row of ${messageId}`,
  });
  return messageId;
}

function requestsWith(listener: TestListener, authorization: string) {
  return listener.requests.filter((request) => request.headers.authorization === authorization);
}

async function storedUrlOf(id: string): Promise<string> {
  return okData(await call('query ($id: ID!) { pushConnection(id: $id) { url } }', { id })).pushConnection.url;
}

describe('secret header on a URL change', () => {
  it('rejects another server keeping it', async () => {
    const { id, secret } = await createWithSecret();

    // The caller changes only the URL and never sends the secret, as an ADMIN key that does not know it would.
    const response = await call(UPDATE, { id, input: { url: otherListener.url } });

    expect(response.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'headers' });
    expect(response.body.errors?.[0].message).toBe(
      'url changes the connection\'s listener URL, and secret header "Authorization" would send its stored value to the new URL. ' +
        'Send the header again with its value (not the mask) in the same update, or remove it.',
    );
    expect(await storedUrlOf(id)).toBe(ownerListener.url);
    await sendTest(id);
    expect(requestsWith(otherListener, secret)).toHaveLength(0);
  });

  it('rejects the mask sent back', async () => {
    const { id } = await createWithSecret();
    const headers = [
      { name: 'X-Tenant', value: 'acme' },
      { name: 'Authorization', value: '********', secret: true },
    ];

    const response = await call(UPDATE, { id, input: { url: otherListener.url, headers } });

    expect(response.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'headers[1].value' });
    expect(await storedUrlOf(id)).toBe(ownerListener.url);
  });

  it('sends a value sent again', async () => {
    const { id } = await createWithSecret();
    const replaced = `Bearer ${randomBytes(16).toString('hex')}`;

    okData(await call(UPDATE, { id, input: { url: otherListener.url, headers: [{ name: 'Authorization', value: replaced, secret: true }] } }));
    await sendTest(id);

    expect(requestsWith(otherListener, replaced)).toHaveLength(1);
  });

  it('accepts another origin without it', async () => {
    const { id } = await createWithSecret();

    const updated = okData(await call(UPDATE, { id, input: { url: otherListener.url, headers: [{ name: 'X-Tenant', value: 'acme' }] } }));

    expect(updated.updatePushConnection.url).toBe(otherListener.url);
    expect(updated.updatePushConnection.headers).toEqual([{ name: 'X-Tenant', value: 'acme' }]);
  });

  it('rejects another path keeping it', async () => {
    const { id } = await createWithSecret();

    const response = await call(UPDATE, { id, input: { url: `${ownerListener.url}/other-tenant` } });

    expect(response.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'headers' });
    expect(await storedUrlOf(id)).toBe(ownerListener.url);
  });

  it('keeps it for the stored URL', async () => {
    const { id, secret } = await createWithSecret();

    okData(await call(UPDATE, { id, input: { url: ownerListener.url, name: 'Renamed CRM' } }));
    await sendTest(id);

    expect(requestsWith(ownerListener, secret)).toHaveLength(1);
  });
});

describe('secret header under concurrent updates', () => {
  it('never keeps it for a new URL', async () => {
    const states: string[] = [];
    const secrets: string[] = [];
    for (let round = 0; round < 10; round++) {
      const { id, secret } = await createWithSecret();
      secrets.push(secret);

      // One update moves the URL and removes the secret, and the other sends the secret back masked.
      // Each passes the rule alone, so only applying them one after the other keeps them apart.
      await Promise.all([
        call(UPDATE, { id, input: { url: otherListener.url, headers: [] } }),
        call(UPDATE, { id, input: { headers: [{ name: 'Authorization', value: '********', secret: true }] } }),
      ]);

      const stored = okData(await call('query ($id: ID!) { pushConnection(id: $id) { url headers { name secret } } }', { id })).pushConnection;
      const keptSecret = stored.headers.some((header: { secret: boolean }) => header.secret);
      states.push(`${stored.url === otherListener.url ? 'new URL' : 'old URL'}, ${keptSecret ? 'secret kept' : 'no secret'}`);
      if (stored.url === otherListener.url) await sendTest(id);
    }

    expect(states).not.toContain('new URL, secret kept');
    expect(otherListener.requests.filter((request) => secrets.includes(String(request.headers.authorization)))).toHaveLength(0);
  });
});
