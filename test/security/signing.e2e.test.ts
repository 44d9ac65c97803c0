import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { startTestApp, type TestApp } from '../support/test-app';
import { startListener, type ReceivedRequest, type TestListener } from '../support/listener';
import { seedRecord, seedWorkspace, recordEvent, type SeededWorkspace } from '../support/fixtures';
import { waitFor } from '../support/wait';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { PushConnection } from '../../src/connections/push-connection.entity';
import { generateSigningSecret } from '../../src/signing/webhook-signature';
import { bearer, okData, postGraphQL } from './security-support';

const GRACE_MS = 1500;

let app: TestApp;
let seeded: SeededWorkspace;
let listener: TestListener;

beforeAll(async () => {
  // One retry 1.1 s after a failure, so the two attempts fall into different Unix seconds.
  app = await startTestApp({ DOCPUSH_SECRET_ROTATION_GRACE: `${GRACE_MS}ms`, DOCPUSH_RETRY_SCHEDULE: '1100ms' });
  seeded = await seedWorkspace(app);
  listener = await startListener();
});

afterAll(async () => {
  await listener?.close();
  await app?.stop();
});

async function run(query: string, variables: Record<string, unknown>) {
  return okData(await postGraphQL(app.url, query, variables, bearer(app.adminKey)));
}

async function createEnabledConnection(url: string): Promise<{ id: string; signingSecret: string }> {
  const created = (await run('mutation ($input: CreatePushConnectionInput!) { createPushConnection(input: $input) { id signingSecret } }', {
    input: { name: 'Signed listener', url, eventTypes: ['DocumentRecordUpdated'] },
  })).createPushConnection;
  await run('mutation ($id: ID!) { enablePushConnection(id: $id) { id } }', { id: created.id });
  return created;
}

/** Records one event that the connection matches and returns the request it caused at `target`. */
async function deliverOne(target: TestListener, connectionPath: string): Promise<ReceivedRequest> {
  const before = target.requests.filter((request) => request.url === connectionPath).length;
  const record = await seedRecord(app, seeded);
  await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
  await waitFor(() => target.requests.filter((request) => request.url === connectionPath).length > before, { description: `a request at ${connectionPath}` });
  return target.requests.filter((request) => request.url === connectionPath)[before];
}

function verifyWith(secret: string, request: ReceivedRequest): unknown {
  return new Webhook(secret).verify(request.body, request.headers as Record<string, string>);
}

function signaturesOf(request: ReceivedRequest): string[] {
  return String(request.headers['webhook-signature']).split(' ');
}

describe('signed deliveries', () => {
  it('verify with the connection secret', async () => {
    const connection = await createEnabledConnection(`${listener.url}/plain`);

    const request = await deliverOne(listener, '/webhook/plain');

    expect(verifyWith(connection.signingSecret, request)).toEqual(JSON.parse(request.body));
    expect(signaturesOf(request)).toHaveLength(1);
    expect(() => verifyWith(generateSigningSecret(), request)).toThrow(WebhookVerificationError);
  });

  it('carry both signatures until the grace period ends', async () => {
    const connection = await createEnabledConnection(`${listener.url}/rotated`);
    const oldSecret = connection.signingSecret;

    const rotated = (await run('mutation ($id: ID!) { rotatePushConnectionSecret(id: $id) { signingSecret } }', { id: connection.id })).rotatePushConnectionSecret;
    const newSecret = rotated.signingSecret;
    const during = await deliverOne(listener, '/webhook/rotated');

    expect(newSecret).not.toBe(oldSecret);
    expect(signaturesOf(during)).toHaveLength(2);
    expect(verifyWith(oldSecret, during)).toEqual(JSON.parse(during.body));
    expect(verifyWith(newSecret, during)).toEqual(JSON.parse(during.body));

    const stored = await app.app.services.orm.em.fork().findOneOrFail(PushConnection, Number(connection.id));
    const graceEnd = Math.max(...stored.signingSecrets.map((secret) => (secret.expiresAt ? Date.parse(secret.expiresAt) : 0)));
    expect(graceEnd - Date.now()).toBeLessThanOrEqual(GRACE_MS);
    await waitFor(() => Date.now() > graceEnd, { description: 'the end of the rotation grace period', timeoutMs: GRACE_MS + 1000 });
    const after = await deliverOne(listener, '/webhook/rotated');

    expect(signaturesOf(after)).toHaveLength(1);
    expect(verifyWith(newSecret, after)).toEqual(JSON.parse(after.body));
    expect(() => verifyWith(oldSecret, after)).toThrow(WebhookVerificationError);
  });

  it('re-sign each attempt under one webhook-id', async () => {
    const flaky = await startListener();
    let answered = 0;
    flaky.respondWith((_request, response) => {
      answered += 1;
      response.writeHead(answered === 1 ? 500 : 200, { 'content-type': 'text/plain' });
      response.end(answered === 1 ? 'try again' : 'ok');
    });
    try {
      const connection = await createEnabledConnection(flaky.url);
      const record = await seedRecord(app, seeded);
      const { messageIds } = await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);

      const [first, second] = await flaky.waitForRequests(2, 10_000);

      // The event also matches the connections of the tests above, so it has one message per connection.
      expect(messageIds).toContain(first.headers['webhook-id']);
      expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
      expect(Number(second.headers['webhook-timestamp'])).toBeGreaterThan(Number(first.headers['webhook-timestamp']));
      expect(second.headers['webhook-signature']).not.toBe(first.headers['webhook-signature']);
      expect(second.body).toBe(first.body);
      for (const request of [first, second]) expect(verifyWith(connection.signingSecret, request)).toEqual(JSON.parse(request.body));
    } finally {
      await flaky.close();
    }
  });
});
