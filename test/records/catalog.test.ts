import pg from 'pg';
import type { ExecutionResult } from 'graphql';
import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { waitFor } from '../support/wait';
import { countRows, expectFieldError, onlyError } from './api-assertions';
import { Template } from '../../src/catalog/template.entity';
import { TemplateSuite } from '../../src/catalog/template-suite.entity';
import { DocumentRecordType } from '../../src/catalog/document-record-type.entity';
import { createWorkspace } from '../../src/workspace/workspace.service';
import { DEFAULT_LAYOUT } from '../../src/rendering/document-content';
import {
  CreateApiKeyDocument,
  CreateDocumentDocument,
  CreateDocumentRecordDocument,
  CreateDocumentRecordTypeDocument,
  CreateTemplateDocument,
  CreateTemplateSuiteDocument,
  DocumentRecordTypeDocument,
  DocumentRecordTypesDocument,
  TemplateDocument,
  TemplatesDocument,
  TemplateSuiteDocument,
  TemplateSuitesDocument,
  UpdateDocumentRecordTypeDocument,
  UpdateTemplateDocument,
  UpdateTemplateSuiteDocument,
  CreateUserDocument,
  type TemplateLayoutInput,
} from '../generated/graphql';

let app: TestApp;
let memberKey: string;
let suiteId: string;

beforeAll(async () => {
  app = await startTestApp();
  memberKey = dataOf(await app.request(CreateApiKeyDocument, { input: { name: 'Member', role: 'MEMBER' } })).createApiKey.key;
  suiteId = dataOf(await app.request(CreateTemplateSuiteDocument, { input: { name: 'Sales contracts' } })).createTemplateSuite.id;
});

afterAll(async () => {
  await app?.stop();
});

/** Counts the other sessions that wait for a lock while running a statement that matches `pattern` (ILIKE). */
async function lockWaits(client: pg.Client, pattern: string): Promise<number> {
  const { rows } = await client.query<{ count: string }>(
    `select count(*) from pg_stat_activity where pid <> pg_backend_pid() and wait_event_type = 'Lock' and query ilike $1`,
    [pattern],
  );
  return Number(rows[0].count);
}

async function createTemplate(name: string, layout?: TemplateLayoutInput) {
  return dataOf(await app.request(CreateTemplateDocument, { input: { templateSuiteId: suiteId, name, layout } })).createTemplate;
}

describe('template suites', () => {
  it('creates, renames and reads a suite', async () => {
    const created = dataOf(await app.request(CreateTemplateSuiteDocument, { input: { name: ' NDAs ' } })).createTemplateSuite;
    expect(created.name).toBe('NDAs');

    dataOf(await app.request(UpdateTemplateSuiteDocument, { id: created.id, input: { name: 'Mutual NDAs' } }));

    expect(dataOf(await app.request(TemplateSuiteDocument, { id: created.id })).templateSuite).toEqual({ id: created.id, name: 'Mutual NDAs' });
  });

  it('rejects an empty suite name', async () => {
    const before = await countRows(app, TemplateSuite);

    const error = expectFieldError(await app.request(CreateTemplateSuiteDocument, { input: { name: '' } }), 'name');

    expect(error.message).toContain('name is empty');
    expect(await countRows(app, TemplateSuite)).toBe(before);
  });

  it('rejects a suite name with a control character', async () => {
    const before = await countRows(app, TemplateSuite);

    const error = expectFieldError(await app.request(CreateTemplateSuiteDocument, { input: { name: 'Sales\u001bcontracts' } }), 'name');

    expect(error.message).toContain('control character U+001B at character 6');
    expect(await countRows(app, TemplateSuite)).toBe(before);
  });

  it('pages suites with a total count', async () => {
    for (const name of ['Suite A', 'Suite B', 'Suite C']) dataOf(await app.request(CreateTemplateSuiteDocument, { input: { name } }));
    const total = await countRows(app, TemplateSuite);

    const first = dataOf(await app.request(TemplateSuitesDocument, { first: 2 })).templateSuites;
    const second = dataOf(await app.request(TemplateSuitesDocument, { first: 100, after: first.pageInfo.endCursor })).templateSuites;

    expect(first.totalCount).toBe(total);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const ids = [...first.edges, ...second.edges].map((edge) => edge.node.id);
    expect(new Set(ids).size).toBe(total);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expectFieldError(await app.request(TemplateSuitesDocument, { first: 101 }), 'first');
  });
});

describe('templates', () => {
  it('gives a new template the default layout', async () => {
    const template = await createTemplate('Purchase agreement');

    expect(template).toMatchObject({ name: 'Purchase agreement', templateSuiteId: suiteId, layout: DEFAULT_LAYOUT });
  });

  it('merges partial layouts', async () => {
    const template = await createTemplate('Letter', { pageSize: 'LETTER', margins: { left: 30 }, headerText: 'ACME' });
    expect(template.layout).toEqual({ ...DEFAULT_LAYOUT, pageSize: 'LETTER', margins: { ...DEFAULT_LAYOUT.margins, left: 30 }, headerText: 'ACME' });

    const input = { layout: { orientation: 'landscape' as const, fontFamily: 'serif' as const, fontSize: 12.5, headerText: null } };
    const updated = dataOf(await app.request(UpdateTemplateDocument, { id: template.id, input })).updateTemplate;

    expect(updated.layout).toEqual({
      ...DEFAULT_LAYOUT,
      pageSize: 'LETTER',
      orientation: 'landscape',
      margins: { ...DEFAULT_LAYOUT.margins, left: 30 },
      fontFamily: 'serif',
      fontSize: 12.5,
      headerText: null,
    });
    expect(dataOf(await app.request(TemplateDocument, { id: template.id })).template).toEqual(updated);
  });

  it.each<[string, TemplateLayoutInput]>([
    ['layout.fontSize', { fontSize: 3.5 }],
    ['layout.fontSize', { fontSize: 73 }],
    ['layout.margins.left', { margins: { left: -1 } }],
    ['layout.margins', { margins: { left: 90, right: 90 } }],
    ['layout.margins', { orientation: 'landscape', margins: { top: 90, bottom: 90 } }],
    ['layout.headerText', { headerText: 'h'.repeat(501) }],
    ['layout.footerText', { footerText: 'f'.repeat(501) }],
  ])('rejects %s out of range and stores nothing', async (field, layout) => {
    const before = await countRows(app, Template);

    const result = await app.request(CreateTemplateDocument, { input: { templateSuiteId: suiteId, name: 'Broken', layout } });

    const error = expectFieldError(result, field);
    expect(error.message).toMatch(/use|give|Shorten/);
    expect(await countRows(app, Template)).toBe(before);
  });

  it.each<[string, string, TemplateLayoutInput, string]>([
    [
      'a line break in the header',
      'layout.headerText',
      { headerText: 'ACME s.r.o.\nLegal' },
      'layout.headerText contains the control character U+000A at character 12: remove it, and write it on one line without tabs.',
    ],
    [
      'a tab in the footer',
      'layout.footerText',
      { footerText: 'Page\tConfidential' },
      'layout.footerText contains the control character U+0009 at character 5: remove it, and write it on one line without tabs.',
    ],
    [
      'a right-to-left override in the footer',
      'layout.footerText',
      { footerText: 'Draft \u202Elaitnedifnoc' },
      'layout.footerText contains the bidirectional control character U+202E RIGHT-TO-LEFT OVERRIDE at character 7: ' +
        'remove it, because it changes the order in which the text is displayed.',
    ],
  ])('rejects %s and stores nothing', async (_case, field, layout, start) => {
    const before = await countRows(app, Template);

    const result = await app.request(CreateTemplateDocument, { input: { templateSuiteId: suiteId, name: 'Broken', layout } });

    const error = expectFieldError(result, field);
    expect(error.message.startsWith(start)).toBe(true);
    expect(await countRows(app, Template)).toBe(before);
  });

  it('allows only closed isolates in margin texts', async () => {
    const closed = await createTemplate('Isolated', { headerText: 'ACME \u2067שלום\u2069 Ltd', footerText: ' Confidential ' });
    const unclosed = await app.request(CreateTemplateDocument, { input: { templateSuiteId: suiteId, name: 'Open', layout: { headerText: 'ACME \u2067שלום' } } });

    expect(closed.layout).toMatchObject({ headerText: 'ACME \u2067שלום\u2069 Ltd', footerText: 'Confidential' });
    const error = expectFieldError(unclosed, 'layout.headerText');
    expect(error.message).toContain('U+2067 RIGHT-TO-LEFT ISOLATE at character 6: close it with U+2069');
  });

  it('accepts a stored two-line header sent back', async () => {
    const template = await createTemplate('Two lines', { headerText: 'ACME' });
    // A text stored before margin texts had to be one line, written past the API.
    const em = app.app.services.orm.em.fork();
    const stored = await em.findOneOrFail(Template, Number(template.id));
    stored.layout = { ...stored.layout, headerText: 'ACME\nLegal' };
    await em.flush();

    const resent = await app.request(UpdateTemplateDocument, { id: template.id, input: { name: 'Renamed', layout: { headerText: 'ACME\nLegal', fontSize: 12 } } });
    const changed = await app.request(UpdateTemplateDocument, { id: template.id, input: { layout: { headerText: 'ACME\nSales' } } });

    expect(dataOf(resent).updateTemplate).toMatchObject({ name: 'Renamed', layout: { headerText: 'ACME\nLegal', fontSize: 12 } });
    expectFieldError(changed, 'layout.headerText');
    const read = dataOf(await app.request(TemplateDocument, { id: template.id })).template;
    expect(read.layout.headerText).toBe('ACME\nLegal');
  });

  it('rejects an unknown page size', async () => {
    const layout = { pageSize: 'A5' } as unknown as TemplateLayoutInput;
    const result = await app.request(CreateTemplateDocument, { input: { templateSuiteId: suiteId, name: 'A5', layout } });

    expect(onlyError(result).extensions?.code).toBe('BAD_USER_INPUT');
    expect(onlyError(result).message).toContain('A5');
  });

  it('keeps the layout when an update is rejected', async () => {
    const template = await createTemplate('Stable');

    expectFieldError(await app.request(UpdateTemplateDocument, { id: template.id, input: { name: 'Renamed', layout: { fontSize: 100 } } }), 'layout.fontSize');

    expect(dataOf(await app.request(TemplateDocument, { id: template.id })).template).toEqual(template);
  });

  it('rejects an unknown template suite', async () => {
    const before = await countRows(app, Template);

    const error = expectFieldError(await app.request(CreateTemplateDocument, { input: { templateSuiteId: '31337', name: 'Orphan' } }), 'templateSuiteId');

    expect(error.message).toContain('31337');
    expect(await countRows(app, Template)).toBe(before);
  });

  it('treats a suite of another workspace as unknown', async () => {
    const other = await createWorkspace(app.app.services.orm.em.fork(), 'Other tenant');
    const foreignSuite = dataOf(await app.request(CreateTemplateSuiteDocument, { input: { name: 'Foreign' } }, other.adminKey)).createTemplateSuite;
    const before = await countRows(app, Template);

    expectFieldError(await app.request(CreateTemplateDocument, { input: { templateSuiteId: foreignSuite.id, name: 'Cross' } }), 'templateSuiteId');
    expectFieldError(await app.request(TemplateSuiteDocument, { id: foreignSuite.id }), 'id', 'NOT_FOUND');

    expect(await countRows(app, Template)).toBe(before);
    expect(dataOf(await app.request(TemplateSuitesDocument, { first: 100 }, other.adminKey)).templateSuites.totalCount).toBe(1);
  });

  it('moves a template between suites', async () => {
    const otherSuite = dataOf(await app.request(CreateTemplateSuiteDocument, { input: { name: 'Leases' } })).createTemplateSuite;
    const template = await createTemplate('Lease');

    dataOf(await app.request(UpdateTemplateDocument, { id: template.id, input: { templateSuiteId: otherSuite.id } }));

    const listed = dataOf(await app.request(TemplatesDocument, { templateSuiteId: otherSuite.id })).templates;
    expect(listed.totalCount).toBe(1);
    expect(listed.edges[0].node).toMatchObject({ id: template.id, templateSuiteId: otherSuite.id });
  });

  it.each(['999999', 'abc'])('lists templates of suite %j as NOT_FOUND', async (templateSuiteId) => {
    const error = expectFieldError(await app.request(TemplatesDocument, { templateSuiteId }), 'templateSuiteId', 'NOT_FOUND');

    expect(error.message).toBe(
      `Template suite "${templateSuiteId}" was not found in this workspace: check templateSuiteId, or list its template suites with the templateSuites query.`,
    );
  });

  it('keeps a template with documents in its suite', async () => {
    const otherSuite = dataOf(await app.request(CreateTemplateSuiteDocument, { input: { name: 'Employment' } })).createTemplateSuite;
    const template = await createTemplate('Offer letter');
    const author = dataOf(await app.request(CreateUserDocument, { input: { name: 'Eva', email: 'eva.catalog@example.com' } })).createUser;
    const record = dataOf(
      await app.request(CreateDocumentRecordDocument, { input: { name: 'Offer', authorId: author.id, templateSuiteId: suiteId } }),
    ).createDocumentRecord;
    const content = { title: 'Offer letter', blocks: [] };
    dataOf(await app.request(CreateDocumentDocument, { input: { documentRecordId: record.id, templateId: template.id, content } }));

    const result = await app.request(UpdateTemplateDocument, { id: template.id, input: { templateSuiteId: otherSuite.id } });

    const error = onlyError(result);
    expect(error.extensions).toEqual({ code: 'CONFLICT', field: 'templateSuiteId' });
    expect(error.message).toBe(
      `templateSuiteId cannot change from ${suiteId} to ${otherSuite.id}: template ${template.id} has 1 document(s) in document records of ` +
        `template suite ${suiteId}. Keep templateSuiteId ${suiteId}, or create a new template in template suite ${otherSuite.id}.`,
    );
    const stored = dataOf(await app.request(TemplateDocument, { id: template.id })).template;
    expect(stored.templateSuiteId).toBe(suiteId);
  });

  it('keeps a template in its suite while a document is created', async () => {
    const otherSuite = dataOf(await app.request(CreateTemplateSuiteDocument, { input: { name: 'Leases' } })).createTemplateSuite;
    const template = await createTemplate('Lease');
    const author = dataOf(await app.request(CreateUserDocument, { input: { name: 'Ida', email: 'ida.catalog@example.com' } })).createUser;
    const record = dataOf(
      await app.request(CreateDocumentRecordDocument, { input: { name: 'Lease', authorId: author.id, templateSuiteId: suiteId } }),
    ).createDocumentRecord;
    const blocker = new pg.Client({ connectionString: app.databaseUrl });
    // pg_stat_activity is read outside the blocker's transaction, which would see one snapshot of it.
    const observer = new pg.Client({ connectionString: app.databaseUrl });
    await Promise.all([blocker.connect(), observer.connect()]);
    let creating: Promise<ExecutionResult<unknown>> | undefined;
    let moving: Promise<ExecutionResult<unknown>> | undefined;
    try {
      // EXCLUSIVE lets both requests read documents but blocks the insert of the new document,
      // which createDocument makes after it has checked the template's suite.
      await blocker.query('begin');
      await blocker.query('lock table documents in exclusive mode');
      const content = { title: 'Lease', blocks: [] };
      creating = app.request(CreateDocumentDocument, { input: { documentRecordId: record.id, templateId: template.id, content } });
      await waitFor(async () => (await lockWaits(observer, 'insert into "documents"%')) > 0, { description: 'the held document insert' });

      let moveSettled = false;
      moving = app.request(UpdateTemplateDocument, { id: template.id, input: { templateSuiteId: otherSuite.id } });
      void moving.finally(() => (moveSettled = true));
      await waitFor(async () => moveSettled || (await lockWaits(observer, '%from "templates"%for update%')) > 0, {
        description: 'the move to finish or to wait for the template',
      });
      await blocker.query('commit');
    } finally {
      await blocker.query('rollback');
      await Promise.all([blocker.end(), observer.end()]);
    }

    expect((await creating!).errors).toBeUndefined();
    const error = onlyError(await moving!);
    expect(error.extensions).toEqual({ code: 'CONFLICT', field: 'templateSuiteId' });
    const stored = dataOf(await app.request(TemplateDocument, { id: template.id })).template;
    expect(stored.templateSuiteId).toBe(suiteId);
  });
});

describe('document record types', () => {
  it('ADMIN key manages record types and MEMBER key reads them', async () => {
    const created = dataOf(await app.request(CreateDocumentRecordTypeDocument, { input: { name: 'Contract' } })).createDocumentRecordType;

    dataOf(await app.request(UpdateDocumentRecordTypeDocument, { id: created.id, input: { name: 'Invoice' } }));

    expect(dataOf(await app.request(DocumentRecordTypeDocument, { id: created.id }, memberKey)).documentRecordType.name).toBe('Invoice');
    const listed = dataOf(await app.request(DocumentRecordTypesDocument, { first: 10 }, memberKey)).documentRecordTypes;
    expect(listed.edges.map((edge) => edge.node.id)).toContain(created.id);
  });

  it('MEMBER key cannot change the catalog', async () => {
    const suite = await app.request(CreateTemplateSuiteDocument, { input: { name: 'Member suite' } }, memberKey);
    const type = await app.request(CreateDocumentRecordTypeDocument, { input: { name: 'Member type' } }, memberKey);

    expect(suite.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(type.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('rejects a long record type name', async () => {
    const before = await countRows(app, DocumentRecordType);

    expectFieldError(await app.request(CreateDocumentRecordTypeDocument, { input: { name: 'n'.repeat(201) } }), 'name');

    expect(await countRows(app, DocumentRecordType)).toBe(before);
  });
});
