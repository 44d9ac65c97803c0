/**
 * Two concurrent updates must not combine into a state that neither would be allowed to reach
 * alone: a new URL from one and the stored secret header value, sent back masked, from the other.
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

const UPDATE = 'mutation ($id: ID!, $input: UpdatePushConnectionInput!) { updatePushConnection(id: $id, input: $input) { id } }';
const READ = 'query ($id: ID!) { pushConnection(id: $id) { url headers { name secret } } }';

async function createWithSecret(secret: string): Promise<string> {
  const created = okData(
    await call('mutation ($input: CreatePushConnectionInput!) { createPushConnection(input: $input) { id } }', {
      input: {
        name: `CRM ${randomBytes(4).toString('hex')}`,
        url: ownerListener.url,
        eventTypes: ['SignCompleted'],
        headers: [{ name: 'Authorization', value: secret, secret: true }],
      },
    }),
  );
  const id: string = created.createPushConnection.id;
  okData(await call('mutation ($id: ID!) { enablePushConnection(id: $id) { id } }', { id }));
  return id;
}

/** Sends a test message and waits until its attempt is logged. */
async function sendTest(id: string): Promise<void> {
  const test = okData(await call('mutation ($id: ID!) { sendTestMessage(connectionId: $id) { id } }', { id }));
  const messageId: string = test.sendTestMessage.id;
  await waitFor(async () => (await app.app.services.orm.em.fork().count(PushLog, { messageId })) > 0, {
    description: `a push log row of ${messageId}`,
  });
}

describe('secret header under concurrent updates', () => {
  it('never keeps it for a new URL', async () => {
    const secret = `Bearer ${randomBytes(16).toString('hex')}`;
    const states: string[] = [];
    for (let round = 0; round < 10; round++) {
      const id = await createWithSecret(secret);

      // One update moves the URL and removes the secret, and the other sends the secret back masked.
      await Promise.all([
        call(UPDATE, { id, input: { url: otherListener.url, headers: [] } }),
        call(UPDATE, { id, input: { headers: [{ name: 'Authorization', value: '********', secret: true }] } }),
      ]);

      const stored = okData(await call(READ, { id })).pushConnection;
      const keptSecret = stored.headers.some((header: { secret: boolean }) => header.secret);
      states.push(`${stored.url === otherListener.url ? 'new URL' : 'old URL'}, ${keptSecret ? 'secret kept' : 'no secret'}`);
      if (stored.url === otherListener.url) await sendTest(id);
    }

    expect(states).not.toContain('new URL, secret kept');
    expect(otherListener.requests.filter((request) => request.headers.authorization === secret)).toHaveLength(0);
  });
});
