import { spawn, type ChildProcess } from 'node:child_process';
import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { startListener, type TestListener } from '../support/listener';
import { recordEvent, seedWorkspace, type SeededWorkspace } from '../support/fixtures';
import { waitFor } from '../support/wait';
import { createEnabledConnection, seedContractRecord, seedTemplate, waitForLogs } from './attachment-helpers';
import { CreateDocumentDocument } from '../generated/graphql';
import { DocumentRecordEventType } from '../../src/records/event-type';

jest.setTimeout(120_000);

/** A document near the content limits; rendering it to PDF took about a second on the 2-core test machine. */
const LARGE_PARAGRAPH = 'The Provider shall operate the platform with due care and report every incident. '.repeat(6);
const LARGE_BLOCKS = Array.from({ length: 1900 }, () => ({ kind: 'paragraph' as const, text: LARGE_PARAGRAPH }));

/** Pause between the events recorded while the files render. */
const EVENT_INTERVAL_MS = 100;
/** Bound on those events, in case the files never arrive. */
const MAX_EVENTS = 100;

let app: TestApp;
let seeded: SeededWorkspace;
let filesListener: TestListener;
let quickListener: { url: string; process: ChildProcess; output: () => string };

/**
 * Starts a listener in a process of its own that responds with 200 after 100 ms, well within the
 * attempt time-out, so a blocked event loop in the test process cannot delay its responses.
 */
async function startQuickListenerProcess() {
  const script = `require('node:http').createServer((request, response) => {
      request.resume();
      request.on('end', () => setTimeout(() => { response.writeHead(200); response.end('ok'); console.log('responded'); }, 100));
    }).listen(0, '127.0.0.1', function () { console.log('port ' + this.address().port); });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitFor(() => /port \d+/.test(output), { description: 'the listener process to start' });
  const port = /port (\d+)/.exec(output)![1];
  return { url: `http://127.0.0.1:${port}/webhook`, process: child, output: () => output };
}

beforeAll(async () => {
  // The job lock lifetime also limits each render, and its default of four attempt time-outs (2 s)
  // could end these renders on a loaded machine.
  app = await startTestApp({ DOCPUSH_ATTEMPT_TIMEOUT: '500ms', DOCPUSH_JOB_LOCK_LIFETIME: '60s', DOCPUSH_RETRY_SCHEDULE: '1m' });
  seeded = await seedWorkspace(app);
  filesListener = await startListener();
  quickListener = await startQuickListenerProcess();
});

afterAll(async () => {
  quickListener?.process.kill();
  await filesListener?.close();
  await app?.stop();
});

describe('rendering attachments', () => {
  it('leaves attempts of other connections alone', async () => {
    const template = await seedTemplate(app, seeded, seeded.suite, 'Service agreement');
    const record = await seedContractRecord(app, seeded, seeded.suite);
    const content = { title: 'Service Agreement', blocks: LARGE_BLOCKS };
    dataOf(await app.request(CreateDocumentDocument, { input: { documentRecordId: String(record.id), templateId: String(template.id), content } }));

    const plain = await createEnabledConnection(app, { url: quickListener.url, name: 'Without files', eventTypes: [DocumentRecordEventType.DocumentDownload] });
    await createEnabledConnection(app, {
      url: filesListener.url,
      name: 'With files',
      attachFilesGenerated: true,
      fileTypes: ['pdf', 'pdfa', 'docx', 'odt', 'rtf'],
    });
    await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
    // Events for the other connection keep coming while the files render, so some of its attempts
    // are in flight during a render, whichever message the worker claims first.
    let events = 0;
    while (filesListener.requests.length === 0 && events < MAX_EVENTS) {
      await recordEvent(app, record, DocumentRecordEventType.DocumentDownload, seeded.author);
      events++;
      await new Promise((resolve) => setTimeout(resolve, EVENT_INTERVAL_MS));
    }
    await filesListener.waitForRequests(1, 60_000);

    const logs = await waitForLogs(app, { connectionId: plain.id }, events, 30_000);
    expect(events).toBeGreaterThan(1);
    expect(quickListener.output()).toContain('responded');
    // The listener responded with 200 after 100 ms, so only the renders of the other message could hold a response back.
    expect(logs.map((log) => log.responseError)).toEqual(logs.map(() => ''));
    expect(logs.map((log) => log.responseCode)).toEqual(logs.map(() => 200));
    expect(logs.map((log) => log.outcome)).toEqual(logs.map(() => 'SUCCEEDED'));
  });
});
