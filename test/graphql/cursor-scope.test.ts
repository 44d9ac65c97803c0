import { parse, type ExecutionResult } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { startListener, type TestListener } from '../support/listener';
import { waitFor } from '../support/wait';
import { unscopedCursor } from '../support/cursors';
import { createEnabledConnection, setUpWorkspaceThroughApi, type ApiWorkspace } from '../records/api-setup';
import { createOtherWorkspace } from '../security/security-support';
import {
  CreateDocumentRecordDocument,
  CreateDocumentRecordTypeDocument,
  CreateTemplateDocument,
  CreateTemplateSuiteDocument,
  UploadFileDocument,
} from '../generated/graphql';

const FIX = 'pass the endCursor of the same query with the same arguments, or omit after';

/** One page of any list, as the queries below select it. */
interface PageOfList {
  edges: Array<{ cursor: string }>;
  pageInfo: { endCursor: string | null };
}

type ListDocument = TypedDocumentNode<Record<string, unknown>, { after?: string | null }>;

/** A paged query: the list name that its cursors carry, its document, and where its page sits in the result. */
interface PagedQuery {
  label: string;
  list: string;
  document: ListDocument;
  pageOf: (data: Record<string, unknown>) => PageOfList;
}

const PAGE_FIELDS = 'edges { cursor } pageInfo { endCursor }';

let app: TestApp;
let listener: TestListener;
let ws: ApiWorkspace;
let recordIds: [string, string];
let connectionIds: [string, string];
let suiteIds: [string, string];

beforeAll(async () => {
  app = await startTestApp();
  listener = await startListener();
  ws = await setUpWorkspaceThroughApi(app);
  connectionIds = [
    await createEnabledConnection(app, listener.url, ['DocumentRecordCreated']),
    await createEnabledConnection(app, listener.url, ['DocumentRecordCreated']),
  ];
  const otherSuite = dataOf(await app.request(CreateTemplateSuiteDocument, { input: { name: 'NDAs' } })).createTemplateSuite;
  dataOf(await app.request(CreateTemplateDocument, { input: { templateSuiteId: otherSuite.id, name: 'Mutual NDA' } }));
  dataOf(await app.request(CreateDocumentRecordTypeDocument, { input: { name: 'Invoice' } }));
  suiteIds = [ws.suiteId, otherSuite.id];
  recordIds = [await createRecord('Lease A'), await createRecord('Lease B')];
  for (const recordId of recordIds) {
    for (const fileName of ['scan-1.txt', 'scan-2.txt']) {
      const input = { documentRecordId: recordId, fileName, mimeType: 'text/plain', contentBase64: Buffer.from(fileName).toString('base64') };
      dataOf(await app.request(UploadFileDocument, { input }));
    }
  }
  await waitFor(() => listener.requests.length >= 4, { description: 'four deliveries, one per record and connection' });
});

afterAll(async () => {
  await listener?.close();
  await app?.stop();
});

async function createRecord(name: string): Promise<string> {
  const input = { name, authorId: ws.authorId, templateSuiteId: ws.suiteId, documentRecordTypeId: ws.recordTypeId };
  return dataOf(await app.request(CreateDocumentRecordDocument, { input }, ws.memberKey)).createDocumentRecord.id;
}

/** Builds the query of a top-level list; `args` are the arguments before first and after, such as `filter: {...}, `. */
function topLevelList(label: string, field: string, args = '', list = field): PagedQuery {
  const document = parse(`query ($after: String) { ${field}(${args}first: 1, after: $after) { ${PAGE_FIELDS} } }`) as ListDocument;
  return { label, list, document, pageOf: (data) => data[field] as PageOfList };
}

function recordEventsField(recordId: string): PagedQuery {
  const document = parse(`query ($after: String) { documentRecord(id: "${recordId}") { events(first: 1, after: $after) { ${PAGE_FIELDS} } } }`) as ListDocument;
  return { label: 'documentRecord.events', list: 'documentRecordEvents', document, pageOf: (data) => (data.documentRecord as { events: PageOfList }).events };
}

/** Returns every paged query of the API, each with at least two rows, ordered so that no two neighbours share a list. */
function everyList(): PagedQuery[] {
  return [
    topLevelList('users', 'users'),
    topLevelList('templateSuites', 'templateSuites'),
    topLevelList('templates', 'templates'),
    topLevelList('documentRecordTypes', 'documentRecordTypes'),
    topLevelList('documentRecords', 'documentRecords'),
    topLevelList('documentRecordEvents', 'documentRecordEvents', `documentRecordId: "${recordIds[0]}", `),
    topLevelList('files', 'files', `documentRecordId: "${recordIds[0]}", `),
    recordEventsField(recordIds[0]),
    topLevelList('pushConnections', 'pushConnections'),
    topLevelList('pushLogs', 'pushLogs'),
    topLevelList('pushMessages', 'pushMessages'),
  ];
}

async function requestPage(query: PagedQuery, after?: string | null): Promise<ExecutionResult<Record<string, unknown>>> {
  return app.request(query.document, { after });
}

async function endCursorOf(query: PagedQuery, key?: string): Promise<string> {
  const page = query.pageOf(dataOf(await app.request(query.document, { after: null }, key)));
  expect(page.pageInfo.endCursor).not.toBeNull();
  return page.pageInfo.endCursor!;
}

/** Returns the single error of a request that must fail, with its message and extensions. */
function errorOf(result: ExecutionResult<unknown>): { message: string; code: unknown; field: unknown } {
  expect(result.errors).toHaveLength(1);
  const [error] = result.errors!;
  return { message: error.message, code: error.extensions?.code, field: error.extensions?.field };
}

function otherArgumentsError(after: string, list: string) {
  return { code: 'BAD_USER_INPUT', field: 'after', message: `after ${JSON.stringify(after)} is a cursor of ${list} with other arguments, filters or workspace: ${FIX}.` };
}

describe('cursor of the same list', () => {
  it('pages every list', async () => {
    for (const query of everyList()) {
      const after = await endCursorOf(query);

      const next = query.pageOf(dataOf(await requestPage(query, after)));

      expect({ list: query.label, rows: next.edges.length }).toEqual({ list: query.label, rows: 1 });
      expect(next.edges[0].cursor).not.toBe(after);
    }
  });

  it('is shared by both timeline queries', async () => {
    const timeline = topLevelList('documentRecordEvents', 'documentRecordEvents', `documentRecordId: "${recordIds[0]}", `);
    const after = await endCursorOf(timeline);

    const result = await requestPage(recordEventsField(recordIds[0]), after);

    expect(result.errors).toBeUndefined();
  });

  it('accepts an equal filter written differently', async () => {
    const inUtc = topLevelList('pushLogs', 'pushLogs', 'filter: { from: "2026-01-01T00:00:00Z" }, ');
    const inPrague = topLevelList('pushLogs', 'pushLogs', 'filter: { from: "2026-01-01T01:00:00+01:00" }, ');
    const after = await endCursorOf(inUtc);

    const result = await requestPage(inPrague, after);

    expect(result.errors).toBeUndefined();
  });
});

describe('cursor of another list', () => {
  it('is rejected by every list', async () => {
    const lists = everyList();
    for (const [index, query] of lists.entries()) {
      const source = lists[(index + lists.length - 1) % lists.length];
      const after = await endCursorOf(source);

      const error = errorOf(await requestPage(query, after));

      expect({ into: query.label, ...error }).toEqual({
        into: query.label,
        code: 'BAD_USER_INPUT',
        field: 'after',
        message: `after ${JSON.stringify(after)} is a cursor of ${source.list}, not of ${query.list}: ${FIX}.`,
      });
    }
  });
});

describe('cursor of other arguments', () => {
  const cases: Array<[string, () => [PagedQuery, PagedQuery]]> = [
    ['files of another record', () => [topLevelList('files', 'files', `documentRecordId: "${recordIds[0]}", `), topLevelList('files', 'files', `documentRecordId: "${recordIds[1]}", `)]],
    [
      'events of another record',
      () => [
        topLevelList('documentRecordEvents', 'documentRecordEvents', `documentRecordId: "${recordIds[0]}", `),
        topLevelList('documentRecordEvents', 'documentRecordEvents', `documentRecordId: "${recordIds[1]}", `),
      ],
    ],
    ['events field of another record', () => [recordEventsField(recordIds[0]), recordEventsField(recordIds[1])]],
    ['templates of one suite', () => [topLevelList('templates', 'templates', `templateSuiteId: "${suiteIds[1]}", `), topLevelList('templates', 'templates')]],
    [
      'logs of another connection',
      () => [
        topLevelList('pushLogs', 'pushLogs', `filter: { connectionId: "${connectionIds[0]}" }, `),
        topLevelList('pushLogs', 'pushLogs', `filter: { connectionId: "${connectionIds[1]}" }, `),
      ],
    ],
    ['logs without a filter', () => [topLevelList('pushLogs', 'pushLogs', 'filter: { outcome: SUCCEEDED }, '), topLevelList('pushLogs', 'pushLogs')]],
    [
      'messages of another connection',
      () => [
        topLevelList('pushMessages', 'pushMessages', `filter: { connectionId: "${connectionIds[0]}" }, `),
        topLevelList('pushMessages', 'pushMessages', `filter: { connectionId: "${connectionIds[1]}" }, `),
      ],
    ],
  ];

  it.each(cases)('rejects %s', async (_case, queriesFor) => {
    const [source, target] = queriesFor();
    const after = await endCursorOf(source);

    const error = errorOf(await requestPage(target, after));

    expect(error).toEqual(otherArgumentsError(after, target.list));
  });

  it('rejects a cursor of another workspace', async () => {
    const other = await createOtherWorkspace(app, 'Cursor tenant');
    const users = topLevelList('users', 'users');
    const after = await endCursorOf(users, other.adminKey);

    const error = errorOf(await requestPage(users, after));

    expect(error).toEqual(otherArgumentsError(after, 'users'));
  });
});

describe('cursor of an earlier build', () => {
  it('is rejected with the way forward', async () => {
    const after = unscopedCursor(1);

    const error = errorOf(await requestPage(topLevelList('users', 'users'), after));

    expect(error).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'after',
      message:
        `after ${JSON.stringify(after)} is a cursor of an earlier docpush version, which names no list: ` +
        'omit after to start again from the first page, then pass the endCursor of the same query with the same arguments.',
    });
  });
});

describe('empty cursor', () => {
  it('is rejected by every list', async () => {
    for (const query of everyList()) {
      const error = errorOf(await requestPage(query, ''));

      expect({ list: query.label, ...error }).toEqual({
        list: query.label,
        code: 'BAD_USER_INPUT',
        field: 'after',
        message: 'after is an empty string, which is not a cursor: pass the endCursor of the previous page, or omit after (or pass null) for the first page.',
      });
    }
  });
});
