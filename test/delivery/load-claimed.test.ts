import { LoadStrategy } from '@mikro-orm/postgresql';
import { startTestApp, type TestApp } from '../support/test-app';
import { seedWorkspace, seedRecord, recordEvent, type SeededWorkspace } from '../support/fixtures';
import { createEnabledConnection } from '../reliability/reliability-support';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { PushMessage } from '../../src/delivery/push-message.entity';
import { DELIVERY_RELATIONS, claimAndLoadDueMessages } from '../../src/delivery/steps/claim-batch.step';
import { buildPayload, buildRequest } from '../../src/delivery/steps/build-request.step';

// The API role starts no dispatcher, so only the claim in beforeAll takes the recorded messages.
let app: TestApp;
let seeded: SeededWorkspace;
let messageIds: string[];
/** The recorded messages as the claim returned them. */
let claimed: PushMessage[];

beforeAll(async () => {
  app = await startTestApp({ DOCPUSH_ROLE: 'api' });
  seeded = await seedWorkspace(app);
  await createEnabledConnection(app, {
    name: 'Archive',
    url: 'http://127.0.0.1:9/webhook',
    eventTypes: ['SignCompleted'],
    attachFilesGenerated: true,
    fileTypes: ['pdf'],
    headers: [
      { name: 'X-Acting-User', value: '{{LEGITO.currentUser.email}} {{event.author.customData}}' },
      { name: 'X-Api-User', value: '{{LEGITO.currentUser.name}}', useDefaultApiUser: true },
      { name: 'Authorization', value: 'Bearer archive-token', secret: true },
    ],
  });
  const record = await seedRecord(app, seeded);
  const bare = await seedRecord(app, seeded, { suite: null, recordType: null, name: 'Bare record' });
  const signed = await recordEvent(app, record, DocumentRecordEventType.SignCompleted, seeded.author, { documentVersionId: 5 });
  const system = await recordEvent(app, bare, DocumentRecordEventType.SignCompleted, null);
  messageIds = [...signed.messageIds, ...system.messageIds];
  claimed = await claimAndLoadDueMessages(app.app.services.orm.em.fork(), { limit: 10, connectionConcurrency: 10, staleAfterMs: 60_000, now: new Date() });
});

afterAll(async () => {
  await app?.stop();
});

async function loadThroughOrm(): Promise<Map<string, PushMessage>> {
  const em = app.app.services.orm.em.fork();
  const messages = await em.find(PushMessage, { id: { $in: messageIds } }, { populate: [...DELIVERY_RELATIONS], strategy: LoadStrategy.JOINED });
  return new Map(messages.map((message) => [message.id, message]));
}

describe('claimAndLoadDueMessages', () => {
  it('loads every claimed message', () => {
    expect(messageIds).toHaveLength(2);
    expect(claimed.map((message) => message.id).sort()).toEqual([...messageIds].sort());
    for (const message of claimed) {
      expect(message.state).toBe('DELIVERING');
      expect(message.attempts).toBe(1);
    }
  });

  it('builds the same signed request as the ORM load', async () => {
    const fromOrm = await loadThroughOrm();
    const now = new Date('2026-12-05T10:00:00.000Z');

    for (const message of claimed) {
      const expected = fromOrm.get(message.id)!;
      expect(buildPayload(message, { detailLinkBaseUrl: null })).toEqual(buildPayload(expected, { detailLinkBaseUrl: null }));
      const request = buildRequest(message, buildPayload(message, { detailLinkBaseUrl: null }), app.app.services.secretBox, now);
      const expectedRequest = buildRequest(expected, buildPayload(expected, { detailLinkBaseUrl: null }), app.app.services.secretBox, now);
      expect(request).toEqual(expectedRequest);
    }
  });

  it('matches the ORM load in every field the steps read', async () => {
    const fromOrm = await loadThroughOrm();

    for (const message of claimed) {
      const expected = fromOrm.get(message.id)!;
      expect({ state: message.state, attempts: message.attempts, isTest: message.isTest, nextAttemptAt: message.nextAttemptAt }).toEqual({
        state: expected.state,
        attempts: expected.attempts,
        isTest: expected.isTest,
        nextAttemptAt: expected.nextAttemptAt,
      });
      const { connection } = message;
      expect({
        id: connection.id,
        name: connection.name,
        url: connection.url,
        enabled: connection.enabled,
        deletedAt: connection.deletedAt,
        headers: connection.headers,
        signingSecrets: connection.signingSecrets,
        attachFilesGenerated: connection.attachFilesGenerated,
        attachFilesUploaded: connection.attachFilesUploaded,
        fileTypes: connection.fileTypes,
      }).toEqual({
        id: expected.connection.id,
        name: expected.connection.name,
        url: expected.connection.url,
        enabled: expected.connection.enabled,
        deletedAt: expected.connection.deletedAt,
        headers: expected.connection.headers,
        signingSecrets: expected.connection.signingSecrets,
        attachFilesGenerated: expected.connection.attachFilesGenerated,
        attachFilesUploaded: expected.connection.attachFilesUploaded,
        fileTypes: expected.connection.fileTypes,
      });
      expect(message.workspace.id).toBe(expected.workspace.id);
      expect(message.workspace.defaultApiUser).toMatchObject({ id: seeded.defaultApiUser.id, email: seeded.defaultApiUser.email });
      expect(message.event.documentRecord.workspace.id).toBe(expected.event.documentRecord.workspace.id);
      expect(message.event.documentRecord.createdAt).toEqual(expected.event.documentRecord.createdAt);
    }
  });

  it('loads a system event without author', () => {
    const authors = claimed.map((message) => message.event.author?.id ?? null).sort();
    expect(authors).toEqual([seeded.author.id, null].sort());
  });

  it('returns nothing when nothing is due', async () => {
    const again = await claimAndLoadDueMessages(app.app.services.orm.em.fork(), { limit: 10, connectionConcurrency: 10, staleAfterMs: 60_000, now: new Date() });

    expect(again).toEqual([]);
  });
});
