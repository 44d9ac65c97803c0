import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { startTestApp, type TestApp } from '../support/test-app';
import { startListener, type ReceivedRequest, type TestListener } from '../support/listener';
import { seedRecord, seedWorkspace, recordEvent, type SeededWorkspace } from '../support/fixtures';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { PushConnection } from '../../src/connections/push-connection.entity';
import { MAX_PREVIOUS_SIGNING_SECRETS } from '../../src/signing/webhook-signature';
import { bearer, okData, postGraphQL } from './security-support';

let app: TestApp;
let seeded: SeededWorkspace;
let listener: TestListener;

beforeAll(async () => {
  // The default grace period of 24 hours, so that no rotated secret expires during the test.
  app = await startTestApp();
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

function verifyWith(secret: string, request: ReceivedRequest): unknown {
  return new Webhook(secret).verify(request.body, request.headers as Record<string, string>);
}

describe('rotations within one grace period', () => {
  it('keep a limited number of secrets', async () => {
    const created = (await run('mutation ($input: CreatePushConnectionInput!) { createPushConnection(input: $input) { id signingSecret } }', {
      input: { name: 'Often rotated', url: listener.url, eventTypes: ['DocumentRecordUpdated'] },
    })).createPushConnection;
    await run('mutation ($id: ID!) { enablePushConnection(id: $id) { id } }', { id: created.id });
    const secrets: string[] = [created.signingSecret];
    for (let rotation = 0; rotation < MAX_PREVIOUS_SIGNING_SECRETS + 2; rotation += 1) {
      const rotated = (await run('mutation ($id: ID!) { rotatePushConnectionSecret(id: $id) { signingSecret } }', { id: created.id })).rotatePushConnectionSecret;
      secrets.push(rotated.signingSecret);
    }

    const record = await seedRecord(app, seeded);
    await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
    const [request] = await listener.waitForRequests(1);

    const keptSecrets = secrets.slice(-(MAX_PREVIOUS_SIGNING_SECRETS + 1));
    const droppedSecrets = secrets.slice(0, secrets.length - keptSecrets.length);
    const signatures = String(request.headers['webhook-signature']).split(' ');
    expect(droppedSecrets).toHaveLength(2);
    expect(signatures).toHaveLength(MAX_PREVIOUS_SIGNING_SECRETS + 1);
    for (const secret of keptSecrets) expect(verifyWith(secret, request)).toEqual(JSON.parse(request.body));
    for (const secret of droppedSecrets) expect(() => verifyWith(secret, request)).toThrow(WebhookVerificationError);

    const stored = await app.app.services.orm.em.fork().findOneOrFail(PushConnection, Number(created.id));
    expect(stored.signingSecrets).toHaveLength(MAX_PREVIOUS_SIGNING_SECRETS + 1);
    expect(stored.signingSecrets.filter((secret) => secret.expiresAt === null)).toHaveLength(1);
  });
});
