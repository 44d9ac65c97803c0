import { randomBytes } from 'node:crypto';
import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { startListener, type TestListener } from '../support/listener';
import { recordEvent, seedWorkspace, type SeededWorkspace } from '../support/fixtures';
import { createEnabledConnection, errorOf, loadMessage, seedContractRecord, seedTemplate, waitForLogs } from './attachment-helpers';
import { CreateDocumentDocument, UploadFileDocument } from '../generated/graphql';
import { parsePrometheusText, sampleValue } from '../observability/prometheus-text';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { PushMessageState } from '../../src/delivery/push-message.entity';
import { REDACTED_FILE_DATA } from '../../src/delivery/push-payload';
import type { DocumentRecord } from '../../src/records/document-record.entity';

const UPLOAD_LIMIT = 4096;
const MESSAGE_SIZE_LIMIT = 6000;

let app: TestApp;
let seeded: SeededWorkspace;
let listener: TestListener;

beforeAll(async () => {
  app = await startTestApp({
    DOCPUSH_UPLOAD_LIMIT: String(UPLOAD_LIMIT),
    DOCPUSH_MESSAGE_SIZE_LIMIT: String(MESSAGE_SIZE_LIMIT),
    ...(process.env.TEST_LOG_LEVEL ? { LOG_LEVEL: process.env.TEST_LOG_LEVEL } : {}),
  });
  seeded = await seedWorkspace(app);
  listener = await startListener();
});

afterAll(async () => {
  await listener?.close();
  await app?.stop();
});

function uploadInput(record: DocumentRecord, fileName: string, bytes: Buffer) {
  return { documentRecordId: String(record.id), fileName, mimeType: 'application/octet-stream', contentBase64: bytes.toString('base64') };
}

describe('upload size limit', () => {
  test('rejects a file over the limit', async () => {
    const record = await seedContractRecord(app, seeded, seeded.suite);
    const error = errorOf(await app.request(UploadFileDocument, { input: uploadInput(record, 'big.bin', randomBytes(UPLOAD_LIMIT + 1)) }));
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'contentBase64' });
    expect(error.message).toContain(`${UPLOAD_LIMIT + 1} bytes`);
    expect(error.message).toContain(`limit of ${UPLOAD_LIMIT} bytes`);
    expect(error.message).toContain('DOCPUSH_UPLOAD_LIMIT');
  });

  test('accepts a file at the limit', async () => {
    const record = await seedContractRecord(app, seeded, seeded.suite);
    const uploaded = dataOf(await app.request(UploadFileDocument, { input: uploadInput(record, 'exact.bin', randomBytes(UPLOAD_LIMIT)) })).uploadFile;
    expect(uploaded.size).toBe(UPLOAD_LIMIT);
  });
});

describe('message size limit', () => {
  test('fails an oversized message unsent, without retries', async () => {
    await createEnabledConnection(app, { url: listener.url, attachFilesUploaded: true });
    const bigRecord = await seedContractRecord(app, seeded, seeded.suite);
    const file = randomBytes(UPLOAD_LIMIT);
    dataOf(await app.request(UploadFileDocument, { input: uploadInput(bigRecord, 'annex.bin', file) }));

    const { messageIds: [bigMessageId] } = await recordEvent(app, bigRecord, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
    const [log] = await waitForLogs(app, { messageId: bigMessageId }, 1);
    // The body that would have been sent is the logged one with the file's data put back.
    const fullSize = Buffer.byteLength(log.requestBody.replace(JSON.stringify(REDACTED_FILE_DATA), JSON.stringify(file.toString('base64'))));
    expect(fullSize).toBeGreaterThan(MESSAGE_SIZE_LIMIT);
    expect(log).toMatchObject({ responseCode: 0, outcome: 'FAILED', requestHeaders: {} });
    expect(log.responseError).toContain(`would be ${fullSize} bytes`);
    expect(log.responseError).toContain(`limit of ${MESSAGE_SIZE_LIMIT} bytes`);
    expect(log.responseError).toContain('DOCPUSH_MESSAGE_SIZE_LIMIT');

    const failed = await loadMessage(app, bigMessageId);
    expect(failed.state).toBe(PushMessageState.FAILED);
    expect(failed.nextAttemptAt).toBeNull();
    expect(failed.lastError).toContain(`would be ${fullSize} bytes`);

    // A message of a record without files goes through the same connection afterwards.
    const smallRecord = await seedContractRecord(app, seeded, seeded.suite);
    const { messageIds: [smallMessageId] } = await recordEvent(app, smallRecord, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
    const [request] = await listener.waitForRequests(1);
    expect(request.headers['webhook-id']).toBe(smallMessageId);
    expect(JSON.parse(request.body).files).toEqual({ uploaded: [] });

    const [smallLog] = await waitForLogs(app, { messageId: smallMessageId }, 1);
    expect(smallLog.outcome).toBe('SUCCEEDED');
    expect(listener.requests).toHaveLength(1);
    expect(await waitForLogs(app, { messageId: bigMessageId }, 1)).toHaveLength(1);
    expect((await loadMessage(app, bigMessageId)).attempts).toBe(1);
  });
});

describe('generated files over the size limit', () => {
  /** Returns how many txt files this process has rendered, from /metrics, which shows the series from the first render on. */
  async function txtRenders(): Promise<number> {
    const response = await fetch(`${app.app.monitoringUrl}/metrics`);
    const samples = parsePrometheusText(await response.text());
    const series = samples.filter((sample) => sample.name === 'docpush_render_duration_seconds_count' && sample.labels.file_type === 'txt');
    return series.length === 0 ? 0 : sampleValue(series, 'docpush_render_duration_seconds_count');
  }

  test('stops rendering once past the limit', async () => {
    const record = await seedContractRecord(app, seeded, seeded.suite);
    // Each document renders to more than 3,000 bytes of text, so its Base64 data passes 4,000 bytes and two pass the limit.
    const content = { title: 'Annex', blocks: [{ kind: 'paragraph' as const, text: 'Scope of the annex. '.repeat(150) }] };
    for (let index = 1; index <= 5; index += 1) {
      const template = await seedTemplate(app, seeded, seeded.suite, `Annex ${index}`);
      const input = { documentRecordId: String(record.id), templateId: String(template.id), content };
      dataOf(await app.request(CreateDocumentDocument, { input }));
    }
    const connection = await createEnabledConnection(app, { url: listener.url, attachFilesGenerated: true, fileTypes: ['txt'] });
    const rendersBefore = await txtRenders();

    await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
    const [log] = await waitForLogs(app, { connectionId: connection.id }, 1);

    expect(await txtRenders()).toBe(rendersBefore + 2);
    expect(log).toMatchObject({ responseCode: 0, outcome: 'FAILED' });
    expect(log.responseError).toContain('would be more than');
    expect(log.responseError).toContain(`limit of ${MESSAGE_SIZE_LIMIT} bytes`);
    expect(JSON.parse(log.requestBody).files.generated).toHaveLength(2);
  });
});
