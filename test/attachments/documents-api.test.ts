import pg from 'pg';
import type { ExecutionResult } from 'graphql';
import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { seedWorkspace, type SeededWorkspace } from '../support/fixtures';
import { countLockWaits } from '../support/test-database';
import { waitFor } from '../support/wait';
import { errorOf, seedContractRecord, seedTemplate } from './attachment-helpers';
import {
  CreateDocumentDocument,
  DocumentsDocument,
  UpdateDocumentDocument,
  UpdateDocumentRecordDocument,
  type ContentBlockInput,
  type DocumentContentInput,
} from '../generated/graphql';
import type { Template } from '../../src/catalog/template.entity';
import { Document } from '../../src/documents/document.entity';
import { DocumentRecord } from '../../src/records/document-record.entity';
import { DocumentRecordEvent } from '../../src/records/document-record-event.entity';

let app: TestApp;
let seeded: SeededWorkspace;
let template: Template;
let otherSuiteTemplate: Template;

beforeAll(async () => {
  app = await startTestApp(process.env.TEST_LOG_LEVEL ? { LOG_LEVEL: process.env.TEST_LOG_LEVEL } : {});
  seeded = await seedWorkspace(app);
  template = await seedTemplate(app, seeded, seeded.suite, 'Service Agreement');
  otherSuiteTemplate = await seedTemplate(app, seeded, seeded.otherSuite, 'NDA');
});

afterAll(async () => {
  await app?.stop();
});

const CONTENT: DocumentContentInput = {
  title: 'Service Agreement',
  blocks: [
    { kind: 'heading', level: 1, text: '1. Scope' },
    { kind: 'paragraph', text: 'The Provider operates the platform.' },
    { kind: 'list', ordered: true, items: ['Hosting', 'Support'] },
    { kind: 'list', items: ['Bullet'] },
    { kind: 'propertyTable', caption: 'Contract details' },
    { kind: 'propertyTable' },
  ],
};

async function create(recordId: number, templateId: number, content: DocumentContentInput = CONTENT, actingUserId?: string) {
  return app.request(CreateDocumentDocument, { input: { documentRecordId: String(recordId), templateId: String(templateId), content }, actingUserId });
}

/**
 * Runs two requests on one record with their transactions overlapping. Another session locks
 * `heldTable` in EXCLUSIVE mode, which lets both requests read it but stops the first at its
 * write there, after it has locked the record. The second request starts once the first waits,
 * and the table is released once the second waits for a lock too or has finished.
 */
async function overlap(
  heldTable: string,
  first: () => Promise<ExecutionResult<unknown>>,
  second: () => Promise<ExecutionResult<unknown>>,
): Promise<[ExecutionResult<unknown>, ExecutionResult<unknown>]> {
  const holder = new pg.Client({ connectionString: app.databaseUrl });
  // pg_stat_activity is read outside the holder's transaction, which would see one snapshot of it.
  const observer = new pg.Client({ connectionString: app.databaseUrl });
  await Promise.all([holder.connect(), observer.connect()]);
  let firstResult: Promise<ExecutionResult<unknown>> | undefined;
  let secondResult: Promise<ExecutionResult<unknown>> | undefined;
  try {
    await holder.query('begin');
    await holder.query(`lock table ${heldTable} in exclusive mode`);
    firstResult = first();
    await waitFor(async () => (await countLockWaits(observer)) > 0, { description: `the first request to wait for ${heldTable}` });

    let secondSettled = false;
    secondResult = second();
    void secondResult.finally(() => (secondSettled = true));
    await waitFor(async () => secondSettled || (await countLockWaits(observer)) > 1, {
      description: 'the second request to wait for a lock or to finish',
    });
    await holder.query('commit');
  } finally {
    await holder.query('rollback');
    await Promise.all([holder.end(), observer.end()]);
  }
  return [await firstResult!, await secondResult!];
}

async function documentsOf(recordId: number) {
  return app.app.services.orm.em.fork().find(Document, { documentRecord: recordId });
}

async function eventsOf(recordId: number) {
  return app.app.services.orm.em.fork().find(DocumentRecordEvent, { documentRecord: recordId }, { populate: ['author'], orderBy: { id: 'asc' } });
}

describe('createDocument', () => {
  test('stores content and records NewDocumentVersion', async () => {
    const record = await seedContractRecord(app, seeded, seeded.suite);
    const document = dataOf(await create(record.id, template.id, CONTENT, String(seeded.author.id))).createDocument;
    expect(document).toMatchObject({ documentRecordId: String(record.id), templateId: String(template.id), version: 1 });
    expect(document.content.title).toBe('Service Agreement');
    expect(document.content.blocks).toEqual([
      { kind: 'heading', level: 1, text: '1. Scope', ordered: null, items: null, caption: null },
      { kind: 'paragraph', level: null, text: 'The Provider operates the platform.', ordered: null, items: null, caption: null },
      { kind: 'list', level: null, text: null, ordered: true, items: ['Hosting', 'Support'], caption: null },
      { kind: 'list', level: null, text: null, ordered: false, items: ['Bullet'], caption: null },
      { kind: 'propertyTable', level: null, text: null, ordered: null, items: null, caption: 'Contract details' },
      { kind: 'propertyTable', level: null, text: null, ordered: null, items: null, caption: null },
    ]);

    const events = await eventsOf(record.id);
    expect(events.map((event) => [event.type, event.parameters, event.author?.id])).toEqual([['NewDocumentVersion', { templateId: template.id }, seeded.author.id]]);
    const listed = dataOf(await app.request(DocumentsDocument, { documentRecordId: String(record.id) })).documents;
    expect(listed).toEqual([document]);
  });

  test('rejects a template of another suite', async () => {
    const record = await seedContractRecord(app, seeded, seeded.suite);
    const error = errorOf(await create(record.id, otherSuiteTemplate.id));
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'templateId' });
    expect(error.message).toContain(`templateId "${otherSuiteTemplate.id}"`);
    expect(error.message).toContain(`template suite ${seeded.suite.id}`);
    expect(await eventsOf(record.id)).toEqual([]);
  });

  test('rejects a record without template suite', async () => {
    const record = await seedContractRecord(app, seeded, null);
    const error = errorOf(await create(record.id, template.id));
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'templateId' });
    expect(error.message).toContain('has no template suite');
  });

  test('rejects a second document of a template', async () => {
    const record = await seedContractRecord(app, seeded, seeded.suite);
    const first = dataOf(await create(record.id, template.id)).createDocument;
    const error = errorOf(await create(record.id, template.id));
    expect(error).toMatchObject({ code: 'CONFLICT', field: 'templateId' });
    expect(error.message).toContain(`document ${first.id}`);
    expect(error.message).toContain('updateDocument');
  });

  test('rejects unknown ids', async () => {
    const record = await seedContractRecord(app, seeded, seeded.suite);
    expect(errorOf(await create(999999, template.id))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'documentRecordId' });
    expect(errorOf(await create(record.id, 999999))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'templateId' });
    const error = errorOf(await create(record.id, template.id, CONTENT, '999999'));
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'actingUserId' });
    expect(await eventsOf(record.id)).toEqual([]);
  });

  test('rejects a locked record', async () => {
    const record = await seedContractRecord(app, seeded, seeded.suite);
    await app.app.services.orm.em.fork().nativeUpdate(DocumentRecord, record.id, { locked: true });
    const error = errorOf(await create(record.id, template.id));
    expect(error).toMatchObject({ code: 'CONFLICT', field: 'documentRecordId' });
    expect(error.message).toContain('is locked');
  });
});

describe('template suite of a record with documents', () => {
  test('rejects a change or removal', async () => {
    const record = await seedContractRecord(app, seeded, seeded.suite);
    dataOf(await create(record.id, template.id));

    for (const templateSuiteId of [String(seeded.otherSuite.id), null]) {
      const error = errorOf(await app.request(UpdateDocumentRecordDocument, { id: String(record.id), input: { templateSuiteId } }));

      expect(error).toMatchObject({ code: 'CONFLICT', field: 'templateSuiteId' });
      expect(error.message).toContain(`cannot change from ${seeded.suite.id} to ${templateSuiteId ?? 'none'}`);
    }
    const stored = await app.app.services.orm.em.fork().findOneOrFail(DocumentRecord, record.id);
    expect(stored.templateSuite?.id).toBe(seeded.suite.id);
    expect((await eventsOf(record.id)).map((event) => event.type)).toEqual(['NewDocumentVersion']);
  });

  test('accepts the same suite and a record without documents', async () => {
    const record = await seedContractRecord(app, seeded, seeded.suite);
    dataOf(await create(record.id, template.id));
    const empty = await seedContractRecord(app, seeded, seeded.suite);

    const same = await app.request(UpdateDocumentRecordDocument, { id: String(record.id), input: { templateSuiteId: String(seeded.suite.id) } });
    const moved = await app.request(UpdateDocumentRecordDocument, { id: String(empty.id), input: { templateSuiteId: String(seeded.otherSuite.id) } });

    expect(same.errors).toBeUndefined();
    expect(moved.errors).toBeUndefined();
  });

  test('rejects a document during a suite change', async () => {
    const record = await seedContractRecord(app, seeded, seeded.suite);
    const changeSuite = () => app.request(UpdateDocumentRecordDocument, { id: String(record.id), input: { templateSuiteId: String(seeded.otherSuite.id) } });

    // The suite change stops at the insert of its DocumentRecordUpdated event, with the record
    // locked, and the document of the old suite's template is requested meanwhile.
    const [changed, created] = await overlap('document_record_events', changeSuite, () => create(record.id, template.id));

    expect(changed.errors).toBeUndefined();
    const error = errorOf(created);
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'templateId' });
    expect(error.message).toContain(`but document record ${record.id} uses template suite ${seeded.otherSuite.id}`);
    const stored = await app.app.services.orm.em.fork().findOneOrFail(DocumentRecord, record.id);
    expect(stored.templateSuite?.id).toBe(seeded.otherSuite.id);
    expect(await documentsOf(record.id)).toEqual([]);
  });

  test('rejects a suite change during a document', async () => {
    const record = await seedContractRecord(app, seeded, seeded.suite);
    const changeSuite = () => app.request(UpdateDocumentRecordDocument, { id: String(record.id), input: { templateSuiteId: String(seeded.otherSuite.id) } });

    // The document stops at its insert, with the record locked, and the suite change is requested meanwhile.
    const [created, changed] = await overlap('documents', () => create(record.id, template.id), changeSuite);

    expect(created.errors).toBeUndefined();
    const error = errorOf(changed);
    expect(error).toMatchObject({ code: 'CONFLICT', field: 'templateSuiteId' });
    expect(error.message).toContain(`cannot change from ${seeded.suite.id} to ${seeded.otherSuite.id}`);
    const stored = await app.app.services.orm.em.fork().findOneOrFail(DocumentRecord, record.id);
    expect(stored.templateSuite?.id).toBe(seeded.suite.id);
    expect((await documentsOf(record.id)).map((document) => document.template.id)).toEqual([template.id]);
  });
});

describe('content checks', () => {
  let recordId: number;

  beforeAll(async () => {
    recordId = (await seedContractRecord(app, seeded, seeded.suite)).id;
  });

  const paragraph: ContentBlockInput = { kind: 'paragraph', text: 'First.' };

  test.each<[string, DocumentContentInput, string, string]>([
    ['heading without level', { title: 'T', blocks: [paragraph, { kind: 'heading', text: 'No level' }] }, 'content.blocks[1].level', 'is missing'],
    ['heading level 4', { title: 'T', blocks: [{ kind: 'heading', level: 4, text: 'Deep' }] }, 'content.blocks[0].level', 'is 4'],
    ['list without items', { title: 'T', blocks: [paragraph, paragraph, paragraph, { kind: 'list', ordered: true }] }, 'content.blocks[3].items', 'is missing'],
    ['list with an empty item', { title: 'T', blocks: [{ kind: 'list', items: ['One', ' '] }] }, 'content.blocks[0].items[1]', 'is empty'],
    ['paragraph with items', { title: 'T', blocks: [{ kind: 'paragraph', text: 'x', items: ['y'] }] }, 'content.blocks[0].items', 'does not apply to a paragraph block'],
    ['table with text', { title: 'T', blocks: [{ kind: 'propertyTable', text: 'x' }] }, 'content.blocks[0].text', 'does not apply to a propertyTable block'],
    ['blank paragraph', { title: 'T', blocks: [{ kind: 'paragraph', text: '  ' }] }, 'content.blocks[0].text', 'is empty'],
    ['blank title', { title: ' ', blocks: [] }, 'content.title', 'give the document a title'],
    ['title of control characters', { title: '\u0001\u0002', blocks: [] }, 'content.title', 'contains only control or invisible characters, such as U+0001'],
    ['paragraph of control characters', { title: 'T', blocks: [{ kind: 'paragraph', text: '\u0007\u001F\u007F' }] }, 'content.blocks[0].text', 'is empty'],
    ['heading of a zero-width space', { title: 'T', blocks: [{ kind: 'heading', level: 1, text: '\u200B' }] }, 'content.blocks[0].text', 'is empty'],
    ['list item of U+FFFE', { title: 'T', blocks: [{ kind: 'list', items: ['One', '\uFFFE'] }] }, 'content.blocks[0].items[1]', 'give the item text'],
    [
      'fifth property table',
      { title: 'T', blocks: [paragraph, ...Array.from({ length: 5 }, (): ContentBlockInput => ({ kind: 'propertyTable' }))] },
      'content.blocks[5]',
      'is property table 5; a document may have at most 4',
    ],
    ['overlong heading', { title: 'T', blocks: [{ kind: 'heading', level: 2, text: 'x'.repeat(1001) }] }, 'content.blocks[0].text', '1001 characters'],
    ['overlong title', { title: 'x'.repeat(501), blocks: [] }, 'content.title', 'is 501 characters long; the maximum is 500. Shorten it.'],
    [
      'overlong caption',
      { title: 'T', blocks: [{ kind: 'propertyTable', caption: 'x'.repeat(501) }] },
      'content.blocks[0].caption',
      'is 501 characters long; the maximum is 500. Shorten it.',
    ],
    [
      'overlong list item',
      { title: 'T', blocks: [{ kind: 'list', items: ['x'.repeat(10_001)] }] },
      'content.blocks[0].items[0]',
      'the maximum is 10000. Split it into several items.',
    ],
    [
      'too many combining marks',
      { title: 'T', blocks: [{ kind: 'paragraph', text: `Zalgo a${'\u0301'.repeat(31)}` }] },
      'content.blocks[0].text',
      'has 31 combining marks in a row at character 8; the maximum is 30',
    ],
  ])('rejects %s', async (_case, content, field, expected) => {
    const error = errorOf(await create(recordId, template.id, content));
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(error.message).toContain(field);
    expect(error.message).toContain(expected);
  });

  test('rejects an unknown kind', async () => {
    const content = { title: 'T', blocks: [{ kind: 'table' }] } as unknown as DocumentContentInput;
    const result = await create(recordId, template.id, content);
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].message).toContain('ContentBlockKind');
  });
});

describe('updateDocument', () => {
  test('bumps the version and records the event', async () => {
    const record = await seedContractRecord(app, seeded, seeded.suite);
    const created = dataOf(await create(record.id, template.id)).createDocument;
    const content = { title: 'Service Agreement v2', blocks: [{ kind: 'paragraph' as const, text: 'Second version.' }] };

    const second = dataOf(await app.request(UpdateDocumentDocument, { id: created.id, content })).updateDocument;
    const third = dataOf(await app.request(UpdateDocumentDocument, { id: created.id, content, actingUserId: String(seeded.author.id) })).updateDocument;
    expect([second.version, third.version]).toEqual([2, 3]);
    expect(third.content.title).toBe('Service Agreement v2');

    const events = await eventsOf(record.id);
    expect(events.map((event) => [event.type, event.parameters, event.author?.id ?? null])).toEqual([
      ['NewDocumentVersion', { templateId: template.id }, null],
      ['NewDocumentVersion', { templateId: template.id }, null],
      ['NewDocumentVersion', { templateId: template.id }, seeded.author.id],
    ]);
  });

  test('concurrent updates give distinct versions', async () => {
    const record = await seedContractRecord(app, seeded, seeded.suite);
    const created = dataOf(await create(record.id, template.id)).createDocument;
    const content = { title: 'Parallel', blocks: [] };
    const results = await Promise.all([1, 2, 3, 4].map(() => app.request(UpdateDocumentDocument, { id: created.id, content })));
    expect(results.map((result) => dataOf(result).updateDocument.version).sort()).toEqual([2, 3, 4, 5]);
  });

  test('rejects unknown id and bad content', async () => {
    const missing = errorOf(await app.request(UpdateDocumentDocument, { id: '999999', content: CONTENT }));
    expect(missing).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    const record = await seedContractRecord(app, seeded, seeded.suite);
    const created = dataOf(await create(record.id, template.id)).createDocument;
    const bad = errorOf(await app.request(UpdateDocumentDocument, { id: created.id, content: { title: 'T', blocks: [{ kind: 'list', items: [] }] } }));
    expect(bad).toMatchObject({ code: 'BAD_USER_INPUT', field: 'content.blocks[0].items' });
  });

  test('documents of an unknown record is NOT_FOUND', async () => {
    const error = errorOf(await app.request(DocumentsDocument, { documentRecordId: '999999' }));
    expect(error).toMatchObject({ code: 'NOT_FOUND', field: 'documentRecordId' });
  });
});
