import mammoth from 'mammoth';
import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { recordEvent, seedUser, seedWorkspace, type SeededWorkspace } from '../support/fixtures';
import { createEnabledConnection, decodeData, seedContractRecord, seedTemplate, toBlockInputs } from './attachment-helpers';
import { serviceAgreementBlocks } from '../rendering/contract.fixture';
import { UpdateDocumentDocument, UpdateDocumentRecordDocument, UpdateTemplateDocument } from '../generated/graphql';
import { attachFiles, type AttachFilesOptions, type AttachResult } from '../../src/delivery/steps/attach-files.step';
import { buildPayload } from '../../src/delivery/steps/build-request.step';
import { PushMessage } from '../../src/delivery/push-message.entity';
import { Document } from '../../src/documents/document.entity';
import { DocumentRecord } from '../../src/records/document-record.entity';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { User } from '../../src/workspace/user.entity';
import type { Template } from '../../src/catalog/template.entity';
import { AppMetrics } from '../../src/observability/metrics';
import { RenderCache } from '../../src/rendering/render-cache';
import type { GeneratedFilePayload } from '../../src/delivery/push-payload';

// A fan-out of one event to this many connections, each asking for DOCX and PDF.
const CONNECTION_COUNT = 10;
const FILE_TYPES = ['docx', 'pdf'] as const;
const MESSAGE_SIZE_LIMIT_BYTES = 50 * 1024 * 1024;

let app: TestApp;
let seeded: SeededWorkspace;
let agreementTemplate: Template;

beforeAll(async () => {
  // An API-only process runs no worker, so the test alone attaches files to the messages.
  app = await startTestApp({ DOCPUSH_ROLE: 'api' });
  seeded = await seedWorkspace(app);
  agreementTemplate = await seedTemplate(app, seeded, seeded.suite, 'Service Agreement');
  for (let index = 0; index < CONNECTION_COUNT; index++) {
    await createEnabledConnection(app, {
      name: `Listener ${index + 1}`,
      url: `http://127.0.0.1:9/hooks/${index + 1}`,
      eventTypes: ['DocumentRecordUpdated'],
      attachFilesGenerated: true,
      fileTypes: [...FILE_TYPES],
    });
  }
});

afterAll(async () => {
  await app?.stop();
});

/** Creates metrics for one test, so its render count starts at 0. */
function newMetrics(): AppMetrics {
  return new AppMetrics({ orm: app.app.services.orm, deliveryLogFeed: { subscriberCount: 0 }, logger: app.app.services.logger });
}

/** Returns how many files observeRender has counted, that is how many real renders ran. */
async function renderCount(metrics: AppMetrics): Promise<number> {
  const histogram = await metrics.registry.getSingleMetric('docpush_render_duration_seconds')!.get();
  const counts = histogram.values.filter((value) => (value as { metricName?: string }).metricName === 'docpush_render_duration_seconds_count');
  return counts.reduce((sum, value) => sum + value.value, 0);
}

/** Loads the message as the delivery pipeline claims it, on a fresh fork that reads current rows, and attaches its files. */
async function attach(messageId: string, options: Omit<AttachFilesOptions, 'messageSizeLimitBytes'>): Promise<AttachResult> {
  const em = app.app.services.orm.em.fork();
  const message = await em.findOneOrFail(PushMessage, messageId, {
    populate: [
      'connection',
      'event',
      'event.author',
      'event.documentRecord',
      'event.documentRecord.author',
      'event.documentRecord.owner',
      'event.documentRecord.templateSuite',
      'event.documentRecord.documentRecordType',
      'workspace',
      'workspace.defaultApiUser',
    ],
  });
  return attachFiles(em, message, buildPayload(message, { detailLinkBaseUrl: null }), { messageSizeLimitBytes: MESSAGE_SIZE_LIMIT_BYTES, ...options });
}

function generatedFiles(result: AttachResult): GeneratedFilePayload[] {
  if (result.kind !== 'ready') throw new Error(`expected a ready payload, got ${result.kind}: ${JSON.stringify(result)}`);
  return result.payload.files!.generated!;
}

async function docxText(file: GeneratedFilePayload): Promise<string> {
  return (await mammoth.extractRawText({ buffer: decodeData(file.data) })).value;
}

async function insertDocument(recordId: number, template: Template, content: Document['content']): Promise<number> {
  const em = app.app.services.orm.em.fork();
  const document = em.create(Document, { workspace: seeded.workspaceId, documentRecord: recordId, template: template.id, content });
  await em.flush();
  return document.id;
}

/** Seeds a contract record with one agreement document and records an event, which queues one message per connection. */
async function seedEventWithDocument(template: Template = agreementTemplate, name?: string) {
  const record = await seedContractRecord(app, seeded, seeded.suite, name);
  const documentId = await insertDocument(record.id, template, { title: 'Service Agreement', blocks: serviceAgreementBlocks() });
  const { messageIds } = await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
  expect(messageIds).toHaveLength(CONNECTION_COUNT);
  return { record, documentId, messageIds };
}

describe('render cache in attachFiles', () => {
  test('fan-out and retries render once', async () => {
    const metrics = newMetrics();
    const cache = new RenderCache();
    const { messageIds } = await seedEventWithDocument();

    const first = generatedFiles(await attach(messageIds[0], { metrics, renderCache: cache }));
    expect(first.map((file) => file.fileName)).toEqual(['service-agreement.docx', 'service-agreement.pdf']);
    expect(await renderCount(metrics)).toBe(2);

    for (const messageId of messageIds.slice(1)) {
      const files = generatedFiles(await attach(messageId, { metrics, renderCache: cache }));
      expect(files).toEqual(first);
    }
    // A retry of the first message.
    expect(generatedFiles(await attach(messageIds[0], { metrics, renderCache: cache }))).toEqual(first);

    expect(await renderCount(metrics)).toBe(2);
    expect(cache.stats()).toMatchObject({ misses: 2, hits: 2 * CONNECTION_COUNT, coalesced: 0, entries: 2 });
    expect(cache.stats().bytes).toBe(first[0].size + first[1].size);
  });

  test('concurrent messages render once', async () => {
    const metrics = newMetrics();
    const cache = new RenderCache();
    const { messageIds } = await seedEventWithDocument();

    const results = await Promise.all(messageIds.map((messageId) => attach(messageId, { metrics, renderCache: cache })));

    expect(await renderCount(metrics)).toBe(2);
    const first = generatedFiles(results[0]);
    for (const result of results) expect(generatedFiles(result)).toEqual(first);
    const stats = cache.stats();
    expect(stats.misses).toBe(2);
    expect(stats.hits + stats.coalesced).toBe(2 * (CONNECTION_COUNT - 1));
  });

  test('without a cache every attempt renders', async () => {
    const metrics = newMetrics();
    const { messageIds } = await seedEventWithDocument();

    generatedFiles(await attach(messageIds[0], { metrics }));
    generatedFiles(await attach(messageIds[1], { metrics }));
    generatedFiles(await attach(messageIds[0], { metrics }));

    expect(await renderCount(metrics)).toBe(3 * FILE_TYPES.length);
  });

  test('new document version renders anew', async () => {
    const metrics = newMetrics();
    const cache = new RenderCache();
    const { documentId, messageIds } = await seedEventWithDocument();
    generatedFiles(await attach(messageIds[0], { metrics, renderCache: cache }));

    const amendment = 'Amendment 1 extends the initial term to 36 months.';
    const content = { title: 'Service Agreement', blocks: toBlockInputs([...serviceAgreementBlocks(), { kind: 'paragraph', text: amendment }]) };
    const updated = dataOf(await app.request(UpdateDocumentDocument, { id: String(documentId), content })).updateDocument;
    expect(updated.version).toBe(2);

    const files = generatedFiles(await attach(messageIds[1], { metrics, renderCache: cache }));
    expect(await renderCount(metrics)).toBe(4);
    expect(await docxText(files[0])).toContain(amendment);
  });

  test('changed record property renders anew for a later event', async () => {
    const metrics = newMetrics();
    const cache = new RenderCache();
    const { record, messageIds } = await seedEventWithDocument();
    const before = generatedFiles(await attach(messageIds[0], { metrics, renderCache: cache }));
    expect(await docxText(before[0])).toContain('EUR 12,450.00 excluding VAT');

    const properties: Array<Record<string, unknown>> = record.properties.map((property) =>
      property.name === 'Monthly fee' ? { ...property, value: 'EUR 13,000.00 excluding VAT' } : { ...property },
    );
    dataOf(await app.request(UpdateDocumentRecordDocument, { id: String(record.id), input: { properties } }));

    // A retry of the first message renders the record as it was at its event, so the cache serves it.
    const retried = generatedFiles(await attach(messageIds[0], { metrics, renderCache: cache }));
    expect(retried).toEqual(before);
    expect(await renderCount(metrics)).toBe(2);

    const later = await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
    const after = generatedFiles(await attach(later.messageIds[0], { metrics, renderCache: cache }));
    expect(await renderCount(metrics)).toBe(4);
    const text = await docxText(after[0]);
    expect(text).toContain('EUR 13,000.00 excluding VAT');
    expect(text).not.toContain('EUR 12,450.00 excluding VAT');
  });

  test('renamed property user renders anew', async () => {
    const metrics = newMetrics();
    const cache = new RenderCache();
    const lawyer = (await seedUser(app, seeded, 'Petr Svoboda')).id;
    const { record } = await seedEventWithDocument();
    const em = app.app.services.orm.em.fork();
    const managed = await em.findOneOrFail(DocumentRecord, record.id);
    managed.properties = managed.properties.map((property) => (property.type === 'user' ? { ...property, value: lawyer } : property));
    await em.flush();
    // An event after the change, so that its record snapshot contains the user property.
    const { messageIds } = await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
    expect(await docxText(generatedFiles(await attach(messageIds[0], { metrics, renderCache: cache }))[0])).toContain('Petr Svoboda');

    await app.app.services.orm.em.fork().nativeUpdate(User, { id: lawyer }, { name: 'Petr Dvořák' });

    const text = await docxText(generatedFiles(await attach(messageIds[1], { metrics, renderCache: cache }))[0]);
    expect(await renderCount(metrics)).toBe(4);
    expect(text).toContain('Petr Dvořák');
  });

  test('changed template layout renders anew', async () => {
    const metrics = newMetrics();
    const cache = new RenderCache();
    const template = await seedTemplate(app, seeded, seeded.suite, 'Service Agreement');
    const { messageIds } = await seedEventWithDocument(template);
    generatedFiles(await attach(messageIds[0], { metrics, renderCache: cache }));

    const layout = { headerText: 'Northwind Consulting – Amended Agreement' };
    dataOf(await app.request(UpdateTemplateDocument, { id: String(template.id), input: { layout } }));

    generatedFiles(await attach(messageIds[1], { metrics, renderCache: cache }));
    expect(await renderCount(metrics)).toBe(4);
  });

  test('evicted files render again', async () => {
    const first = await seedEventWithDocument(agreementTemplate, 'Service Agreement A');
    const second = await seedEventWithDocument(agreementTemplate, 'Service Agreement B');
    // A budget that fits the files of one record only, plus 1 KiB (less than any file), measured on an uncached render.
    const measured = generatedFiles(await attach(first.messageIds[0], {}));
    const metrics = newMetrics();
    const cache = new RenderCache({ maxBytes: measured[0].size + measured[1].size + 1024, maxEntryShare: 1 });

    generatedFiles(await attach(first.messageIds[0], { metrics, renderCache: cache }));
    expect(cache.stats().entries).toBe(2);
    generatedFiles(await attach(second.messageIds[0], { metrics, renderCache: cache }));
    expect(cache.stats().evictions).toBe(2);
    expect(await renderCount(metrics)).toBe(4);

    generatedFiles(await attach(first.messageIds[1], { metrics, renderCache: cache }));
    expect(await renderCount(metrics)).toBe(6);
    expect(cache.stats().hits).toBe(0);
  });

  test('render failure is retried', async () => {
    const metrics = newMetrics();
    const cache = new RenderCache();
    const record = await seedContractRecord(app, seeded, seeded.suite);
    // The API rejects this heading level, so the row is written straight through the ORM.
    const brokenContent = { title: 'Broken', blocks: [{ kind: 'heading', level: 7, text: 'Too deep' }] } as unknown as Document['content'];
    const documentId = await insertDocument(record.id, agreementTemplate, brokenContent);
    const { messageIds } = await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);

    for (const attempt of [1, 2]) {
      const result = await attach(messageIds[0], { metrics, renderCache: cache });
      expect(result.kind).toBe('render_failed');
      expect(cache.stats().misses).toBe(attempt);
    }
    expect(cache.stats().entries).toBe(0);
    expect(await renderCount(metrics)).toBe(0);

    // Corrected content without a new version is picked up by the next attempt.
    await app.app.services.orm.em.fork().nativeUpdate(Document, { id: documentId }, { content: { title: 'Fixed', blocks: [{ kind: 'heading', level: 2, text: 'Fixed' }] } });
    const files = generatedFiles(await attach(messageIds[0], { metrics, renderCache: cache }));
    expect(files).toHaveLength(2);
    expect(await renderCount(metrics)).toBe(2);
  });
});
