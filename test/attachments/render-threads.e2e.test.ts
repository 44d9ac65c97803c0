import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { startListener, type TestListener } from '../support/listener';
import { waitFor } from '../support/wait';
import { recordEvent, seedWorkspace, type SeededWorkspace } from '../support/fixtures';
import { createEnabledConnection, seedContractRecord, seedTemplate } from './attachment-helpers';
import { CreateDocumentDocument } from '../generated/graphql';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { newSecretKey, startDocpushProcess, type DocpushProcess } from '../reliability/docpush-process';
import type { PushPayload } from '../../src/delivery/push-payload';

jest.setTimeout(120_000);

const CONTENT = { title: 'Service Agreement', blocks: [{ kind: 'paragraph' as const, text: 'The Provider shall operate the platform.' }] };

let listener: TestListener;

beforeAll(async () => {
  listener = await startListener();
});

afterAll(async () => {
  await listener?.close();
});

/** Seeds a record with one document and a connection that attaches it as PDF, then records an event. */
async function sendRecordWithPdf(app: TestApp, seeded: SeededWorkspace): Promise<void> {
  const template = await seedTemplate(app, seeded, seeded.suite, 'Service agreement');
  const record = await seedContractRecord(app, seeded, seeded.suite);
  dataOf(await app.request(CreateDocumentDocument, { input: { documentRecordId: String(record.id), templateId: String(template.id), content: CONTENT } }));
  await createEnabledConnection(app, { url: listener.url, attachFilesGenerated: true, fileTypes: ['pdf'] });
  await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
}

function receivedPdf(): Buffer {
  const payload = JSON.parse(listener.requests.at(-1)!.body) as PushPayload;
  return Buffer.from(payload.files!.generated![0].data, 'base64');
}

describe('render threads of a worker', () => {
  it('end when the app stops', async () => {
    const app = await startTestApp({ DOCPUSH_RENDER_THREADS: '2' });
    let stopped = false;
    try {
      await sendRecordWithPdf(app, await seedWorkspace(app));
      await listener.waitForRequests(listener.requests.length + 1, 30_000);
      const threads = app.app.renderPool!.workers();
      expect(threads.length).toBe(1);

      await app.stop();
      stopped = true;

      // A Worker's threadId becomes -1 once its thread has exited.
      await waitFor(() => threads.every((thread) => thread.threadId === -1), { timeoutMs: 10_000, description: 'the render threads to exit' });
      expect(app.app.renderPool!.threadCount).toBe(0);
      expect(threads.map((thread) => thread.threadId)).toEqual([-1]);
    } finally {
      if (!stopped) await app.stop();
    }
  });

  it('render under ts-node in a worker process', async () => {
    const secretKey = newSecretKey();
    const app = await startTestApp({ DOCPUSH_ROLE: 'api', DOCPUSH_SECRET_KEY: secretKey });
    let worker: DocpushProcess | null = null;
    try {
      // Started as `npm start` starts docpush, so its render thread must load the TypeScript sources.
      worker = await startDocpushProcess({
        DATABASE_URL: app.databaseUrl,
        DOCPUSH_SECRET_KEY: secretKey,
        DOCPUSH_ROLE: 'worker',
        DOCPUSH_ALLOW_HTTP: 'true',
        DOCPUSH_ALLOWED_CIDRS: '127.0.0.0/8',
      });
      const before = listener.requests.length;
      await sendRecordWithPdf(app, await seedWorkspace(app));
      await listener.waitForRequests(before + 1, 60_000);

      expect(receivedPdf().subarray(0, 5).toString('latin1')).toBe('%PDF-');
    } finally {
      await worker?.kill('SIGKILL');
      await app.stop();
    }
  });
});
