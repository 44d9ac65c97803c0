import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { startListener, type TestListener } from '../support/listener';
import { seedWorkspace, seedRecord, recordEvent, type SeededWorkspace } from '../support/fixtures';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { PushMessage } from '../../src/delivery/push-message.entity';
import {
  CreatePushConnectionDocument,
  EnablePushConnectionDocument,
  DisablePushConnectionDocument,
  type CreatePushConnectionInput,
} from '../generated/graphql';

let app: TestApp;
let seeded: SeededWorkspace;
let listener: TestListener;

beforeAll(async () => {
  // A long poll interval proves that new jobs wake the worker through LISTEN/NOTIFY.
  app = await startTestApp({ DOCPUSH_JOB_POLL_INTERVAL: '10m' });
  seeded = await seedWorkspace(app);
  listener = await startListener();
});

afterAll(async () => {
  await listener?.close();
  await app?.stop();
});

async function connection(input: Partial<CreatePushConnectionInput>, enabled = true) {
  const created = dataOf(
    await app.request(CreatePushConnectionDocument, {
      input: { name: 'Matching', url: listener.url, eventTypes: ['SignCompleted'], ...input },
    }),
  ).createPushConnection;
  if (enabled) dataOf(await app.request(EnablePushConnectionDocument, { id: created.id }));
  return created;
}

async function messagesOf(connectionId: string): Promise<PushMessage[]> {
  return app.app.services.orm.em.fork().find(PushMessage, { connection: Number(connectionId) });
}

describe('event matching', () => {
  it('creates no message for an event type the connection does not select', async () => {
    const selective = await connection({ eventTypes: ['FileUpload'] });
    const record = await seedRecord(app, seeded);

    await recordEvent(app, record, DocumentRecordEventType.SignCompleted, seeded.author);

    expect(await messagesOf(selective.id)).toHaveLength(0);
  });

  it('creates no message for a disabled connection', async () => {
    const disabled = await connection({}, false);
    const reenabledThenDisabled = await connection({});
    dataOf(await app.request(DisablePushConnectionDocument, { id: reenabledThenDisabled.id }));
    const record = await seedRecord(app, seeded);

    await recordEvent(app, record, DocumentRecordEventType.SignCompleted, seeded.author);

    expect(await messagesOf(disabled.id)).toHaveLength(0);
    expect(await messagesOf(reenabledThenDisabled.id)).toHaveLength(0);
  });

  it('applies the template suite filter', async () => {
    const filtered = await connection({ templateSuiteAll: false, templateSuites: [String(seeded.otherSuite.id)] });
    const inOtherSuite = await seedRecord(app, seeded, { suite: seeded.otherSuite });
    const inSuite = await seedRecord(app, seeded, { suite: seeded.suite });
    const withoutSuite = await seedRecord(app, seeded, { suite: null });

    await recordEvent(app, inSuite, DocumentRecordEventType.SignCompleted, seeded.author);
    await recordEvent(app, withoutSuite, DocumentRecordEventType.SignCompleted, seeded.author);
    expect(await messagesOf(filtered.id)).toHaveLength(0);

    await recordEvent(app, inOtherSuite, DocumentRecordEventType.SignCompleted, seeded.author);
    expect(await messagesOf(filtered.id)).toHaveLength(1);
  });

  it('applies the record type filter', async () => {
    const filtered = await connection({ documentRecordTypeAll: false, documentRecordTypes: [String(seeded.otherRecordType.id)] });
    const contract = await seedRecord(app, seeded, { recordType: seeded.recordType });
    const untyped = await seedRecord(app, seeded, { recordType: null });
    const invoice = await seedRecord(app, seeded, { recordType: seeded.otherRecordType });

    await recordEvent(app, contract, DocumentRecordEventType.SignCompleted, seeded.author);
    await recordEvent(app, untyped, DocumentRecordEventType.SignCompleted, seeded.author);
    expect(await messagesOf(filtered.id)).toHaveLength(0);

    await recordEvent(app, invoice, DocumentRecordEventType.SignCompleted, seeded.author);
    expect(await messagesOf(filtered.id)).toHaveLength(1);
  });

  it('sends nothing to non-matching listeners while a matching one receives the event', async () => {
    const quietListener = await startListener();
    try {
      await connection({ url: quietListener.url, eventTypes: ['LinkAdded'] });
      await connection({ url: quietListener.url, eventTypes: ['DateSigning'] }, false);
      const control = await connection({ eventTypes: ['DateSigning'] });
      const record = await seedRecord(app, seeded);
      const before = listener.requests.length;

      const sentAt = Date.now();
      const { messageIds } = await recordEvent(app, record, DocumentRecordEventType.DateSigning, seeded.author);
      expect(messageIds).toHaveLength(1);

      const [request] = (await listener.waitForRequests(before + 1)).slice(before);
      expect(request.headers['webhook-id']).toBe(messageIds[0]);
      expect(JSON.parse(request.body).pushConnectionSystemName).toBe(control.systemName);
      // The worker polls every 10 minutes here, so only a NOTIFY can explain a prompt delivery.
      expect(request.receivedAt - sentAt).toBeLessThan(1000);
      expect(quietListener.requests).toHaveLength(0);
    } finally {
      await quietListener.close();
    }
  });
});
