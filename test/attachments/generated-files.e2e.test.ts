import JSZip from 'jszip';
import mammoth from 'mammoth';
import { XMLValidator } from 'fast-xml-parser';
import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { startListener, type TestListener } from '../support/listener';
import { recordEvent, seedWorkspace, type SeededWorkspace } from '../support/fixtures';
import { validatePushResponse } from '../support/push-response-schema';
import { waitFor } from '../support/wait';
import { inspectPdfs, pdfText } from '../rendering/pdf-inspect';
import { serviceAgreementBlocks, CONTRACT_PROPERTIES } from '../rendering/contract.fixture';
import { CYRILLIC_PARAGRAPH, CZECH_PARAGRAPH } from '../rendering/sample-input';
import {
  bodyOf,
  collectDeliveryLog,
  createEnabledConnection,
  decodeData,
  disableConnection,
  loadMessage,
  redactedCopy,
  seedContractRecord,
  seedTemplate,
  toBlockInputs,
  waitForLogs,
} from './attachment-helpers';
import { CreateDocumentDocument, UpdateDocumentDocument, type DocumentContentInput } from '../generated/graphql';
import { Document } from '../../src/documents/document.entity';
import type { Template } from '../../src/catalog/template.entity';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { PushMessageState } from '../../src/delivery/push-message.entity';
import { REDACTED_FILE_DATA } from '../../src/delivery/push-payload';
import type { ContentBlock } from '../../src/rendering/document-content';

const RECITAL = 'The Client engages the Provider to operate its document automation platform.';

let app: TestApp;
let seeded: SeededWorkspace;
let agreementTemplate: Template;
let annexTemplate: Template;

beforeAll(async () => {
  app = await startTestApp(process.env.TEST_LOG_LEVEL ? { LOG_LEVEL: process.env.TEST_LOG_LEVEL } : {});
  seeded = await seedWorkspace(app);
  agreementTemplate = await seedTemplate(app, seeded, seeded.suite, 'Service Agreement');
  annexTemplate = await seedTemplate(app, seeded, seeded.suite, 'Price Annex');
});

afterAll(async () => {
  await app?.stop();
});

function contractContent(extraBlocks: ContentBlock[] = []): DocumentContentInput {
  const translations: ContentBlock[] = [
    { kind: 'heading', level: 2, text: 'Translations' },
    { kind: 'paragraph', text: CYRILLIC_PARAGRAPH },
    { kind: 'paragraph', text: CZECH_PARAGRAPH },
  ];
  return { title: 'Service Agreement', blocks: toBlockInputs([...serviceAgreementBlocks(), ...translations, ...extraBlocks]) };
}

async function createDocument(recordId: number, template: Template, content: DocumentContentInput) {
  const input = { documentRecordId: String(recordId), templateId: String(template.id), content };
  return dataOf(await app.request(CreateDocumentDocument, { input, actingUserId: String(seeded.author.id) })).createDocument;
}

/** Starts a listener and an enabled connection that attaches generated files of NewDocumentVersion events. */
async function listenForDocuments(fileTypes: CreateConnectionFileTypes, attachFilesUploaded = false) {
  const listener = await startListener();
  const connection = await createEnabledConnection(app, {
    url: listener.url,
    eventTypes: ['NewDocumentVersion'],
    attachFilesGenerated: true,
    attachFilesUploaded,
    fileTypes,
  });
  return { listener, connection };
}

/** Writes a document row through the ORM, bypassing the API's content checks. */
async function insertDocument(recordId: number, template: Template, content: Document['content']): Promise<number> {
  const em = app.app.services.orm.em.fork();
  const document = em.create(Document, { workspace: seeded.workspaceId, documentRecord: recordId, template: template.id, content });
  await em.flush();
  return document.id;
}

type CreateConnectionFileTypes = NonNullable<Parameters<typeof createEnabledConnection>[1]['fileTypes']>;

describe('generated files in a push', () => {
  let listener: TestListener;
  let connectionId: string;

  afterEach(async () => {
    if (connectionId) await disableConnection(app, connectionId);
    await listener?.close();
  });

  test('DOCX and PDF of each document arrive and parse', async () => {
    ({ listener, connection: { id: connectionId } } = await listenForDocuments(['docx', 'pdf']));
    const record = await seedContractRecord(app, seeded, seeded.suite);
    // The annex exists before the agreement's event, so that message carries both documents.
    await insertDocument(record.id, annexTemplate, { title: 'Price Annex', blocks: [{ kind: 'paragraph', text: 'Prices are listed in euros.' }] });
    const document = await createDocument(record.id, agreementTemplate, contractContent());

    const [request] = await listener.waitForRequests(1);
    const body = bodyOf(request);
    expect(body.eventType).toBe('NewDocumentVersion');
    expect(body.event.parameters).toEqual({ templateId: agreementTemplate.id });
    expect(validatePushResponse(body)).toEqual({ valid: true, errors: [] });
    expect(body.files).toBeDefined();
    expect(body.files).not.toHaveProperty('uploaded');

    const generated = body.files!.generated!;
    expect(generated.map((file) => [file.fileName, file.templateId])).toEqual([
      ['service-agreement-price-annex.docx', annexTemplate.id],
      ['service-agreement-price-annex.pdf', annexTemplate.id],
      ['service-agreement.docx', agreementTemplate.id],
      ['service-agreement.pdf', agreementTemplate.id],
    ]);
    for (const file of generated) {
      expect(file.documentRecordId).toBe(record.id);
      expect(file.documentRecordCode).toBe(record.code);
      expect(decodeData(file.data).length).toBe(file.size);
    }

    const docx = decodeData(generated[2].data);
    const docxText = (await mammoth.extractRawText({ buffer: docx })).value;
    expect(docxText).toContain('Service Agreement');
    expect(docxText).toContain(RECITAL);
    expect(docxText).toContain(CONTRACT_PROPERTIES[4].value);
    expect(docxText).toContain('Jana Nováková');
    expect(docxText).toContain(CYRILLIC_PARAGRAPH);
    expect(docxText).toContain(CZECH_PARAGRAPH);

    const [agreementPdf, annexPdf] = await inspectPdfs([decodeData(generated[3].data), decodeData(generated[1].data)]);
    expect(agreementPdf.numPages).toBeGreaterThanOrEqual(2);
    const pdfContent = pdfText(agreementPdf);
    expect(pdfContent).toContain('Service Agreement');
    expect(pdfContent).toContain(RECITAL);
    expect(pdfContent).toContain(CONTRACT_PROPERTIES[4].value);
    expect(pdfContent).toContain(CYRILLIC_PARAGRAPH);
    expect(pdfContent).toContain(CZECH_PARAGRAPH);
    expect(pdfText(annexPdf)).toContain('Prices are listed in euros.');
    expect(document.version).toBe(1);
  });

  test('update pushes the new version', async () => {
    ({ listener, connection: { id: connectionId } } = await listenForDocuments(['docx']));
    const record = await seedContractRecord(app, seeded, seeded.suite);
    const created = await createDocument(record.id, agreementTemplate, contractContent());
    await listener.waitForRequests(1);

    const changed = contractContent([{ kind: 'paragraph', text: 'Amendment 1 extends the initial term to 36 months.' }]);
    const updated = dataOf(await app.request(UpdateDocumentDocument, { id: created.id, content: changed })).updateDocument;
    expect(updated.version).toBe(2);

    const [, second] = await listener.waitForRequests(2);
    const body = bodyOf(second);
    expect(body.event.parameters).toEqual({ templateId: agreementTemplate.id });
    expect(body.event.authorId).toBeNull();
    const text = (await mammoth.extractRawText({ buffer: decodeData(body.files!.generated![0].data) })).value;
    expect(text).toContain('Amendment 1 extends the initial term to 36 months.');
  });

  test('all eight file types arrive with unique names', async () => {
    ({ listener, connection: { id: connectionId } } = await listenForDocuments(['docx', 'pdf', 'pdfa', 'html', 'rtf', 'xml', 'odt', 'txt']));
    const record = await seedContractRecord(app, seeded, seeded.suite);
    await createDocument(record.id, agreementTemplate, contractContent());

    const [request] = await listener.waitForRequests(1);
    const body = bodyOf(request);
    expect(validatePushResponse(body)).toEqual({ valid: true, errors: [] });
    const files = body.files!.generated!;
    const names = files.map((file) => file.fileName);
    expect(names).toEqual([
      'service-agreement.docx',
      'service-agreement.pdf',
      'service-agreement-2.pdf',
      'service-agreement.html',
      'service-agreement.rtf',
      'service-agreement.xml',
      'service-agreement.odt',
      'service-agreement.txt',
    ]);
    expect(new Set(names.map((name) => name.toLowerCase())).size).toBe(names.length);

    const decoded = files.map((file) => decodeData(file.data));
    expect(decoded.map((bytes) => bytes.length)).toEqual(files.map((file) => file.size));
    const [docx, pdf, pdfa, html, rtf, xml, odt, txt] = decoded;
    expect((await mammoth.extractRawText({ buffer: docx })).value).toContain(RECITAL);
    const [pdfInspection, pdfaInspection] = await inspectPdfs([pdf, pdfa]);
    expect(pdfText(pdfInspection)).toContain(RECITAL);
    expect(pdfText(pdfaInspection)).toContain(RECITAL);
    expect(pdfaInspection.xmp).toContain('pdfaid');
    expect(html.toString('utf8')).toContain(RECITAL);
    expect(rtf.toString('latin1')).toMatch(/^\{\\rtf1/);
    expect(XMLValidator.validate(xml.toString('utf8'))).toBe(true);
    expect(xml.toString('utf8')).toContain(CYRILLIC_PARAGRAPH);
    const odtZip = await JSZip.loadAsync(odt);
    expect(await odtZip.file('mimetype')!.async('string')).toBe('application/vnd.oasis.opendocument.text');
    expect(await odtZip.file('content.xml')!.async('string')).toContain(CZECH_PARAGRAPH);
    expect(txt.toString('utf8')).toContain(RECITAL);
  });

  test('log and subscription show the notice in place of data', async () => {
    ({ listener, connection: { id: connectionId } } = await listenForDocuments(['docx', 'txt']));
    const client = app.wsClient();
    const subscribersBefore = app.app.services.deliveryLogFeed.subscriberCount;
    const stream = collectDeliveryLog(client, { connectionId });
    await waitFor(() => app.app.services.deliveryLogFeed.subscriberCount > subscribersBefore, { description: 'the deliveryLog subscription to start' });

    const record = await seedContractRecord(app, seeded, seeded.suite);
    await createDocument(record.id, agreementTemplate, contractContent());
    const [request] = await listener.waitForRequests(1);
    const sent = bodyOf(request);
    expect(sent.files!.generated).toHaveLength(2);

    const [log] = await waitForLogs(app, { connectionId }, 1);
    const expected = redactedCopy(sent);
    expect(JSON.parse(log.requestBody)).toEqual(expected);
    expect(log.requestBody).toBe(JSON.stringify(expected));
    expect(log.requestBody.split(REDACTED_FILE_DATA)).toHaveLength(3);

    await waitFor(() => stream.received.length >= 1, { description: 'the deliveryLog subscription to stream the attempt' });
    expect(stream.errors).toEqual([]);
    expect(stream.received[0].requestBody).toBe(log.requestBody);
    await client.dispose();
  });
});

describe('render failure', () => {
  let listener: TestListener;
  let connectionId: string;

  afterEach(async () => {
    if (connectionId) await disableConnection(app, connectionId);
    await listener?.close();
  });

  test('logs the format and reason, then retries', async () => {
    ({ listener, connection: { id: connectionId } } = await listenForDocuments(['pdf']));
    const record = await seedContractRecord(app, seeded, seeded.suite);
    // The API rejects this heading level, so the row is written straight through the ORM.
    const brokenContent = { title: 'Broken', blocks: [{ kind: 'heading', level: 7, text: 'Too deep' }] } as unknown as Document['content'];
    const documentId = await insertDocument(record.id, agreementTemplate, brokenContent);

    const { messageIds } = await recordEvent(app, record, DocumentRecordEventType.NewDocumentVersion, seeded.author, { templateId: agreementTemplate.id });
    const [first] = await waitForLogs(app, { messageId: messageIds[0] }, 1);
    expect(first.responseCode).toBe(0);
    expect(first.outcome).toBe('FAILED');
    expect(first.responseError).toContain(`Rendering document ${documentId} as pdf failed`);
    expect(first.responseError).toContain('heading level 7');
    expect(JSON.parse(first.requestBody)).not.toHaveProperty('files');

    // TEST_ENV retries after 200 ms and 400 ms, then the message is failed for good.
    const logs = await waitForLogs(app, { messageId: messageIds[0] }, 3);
    expect(logs.map((log) => log.attempt)).toEqual([1, 2, 3]);
    await waitFor(async () => (await loadMessage(app, messageIds[0])).state === PushMessageState.FAILED, {
      description: 'the message to fail after its retries',
    });
    expect(listener.requests).toHaveLength(0);
  });

  test('retry after a fix sends the file', async () => {
    ({ listener, connection: { id: connectionId } } = await listenForDocuments(['docx']));
    const record = await seedContractRecord(app, seeded, seeded.suite);
    const brokenContent = { title: 'Broken', blocks: [{ kind: 'table', rows: [] }] } as unknown as Document['content'];
    const documentId = await insertDocument(record.id, agreementTemplate, brokenContent);

    const { messageIds } = await recordEvent(app, record, DocumentRecordEventType.NewDocumentVersion, null, { templateId: agreementTemplate.id });
    const [first] = await waitForLogs(app, { messageId: messageIds[0] }, 1);
    expect(first.responseError).toContain('as docx failed');
    expect(first.responseError).toContain('"table"');
    await app.app.services.orm.em.fork().nativeUpdate(Document, documentId, { content: { title: 'Repaired', blocks: [{ kind: 'paragraph', text: 'Fixed text.' }] } });

    const [request] = await listener.waitForRequests(1);
    expect(request.headers['webhook-id']).toBe(messageIds[0]);
    const text = (await mammoth.extractRawText({ buffer: decodeData(bodyOf(request).files!.generated![0].data) })).value;
    expect(text).toContain('Fixed text.');
  });
});
