import { parse } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { seedWorkspace, type SeededWorkspace } from '../support/fixtures';
import { errorOf, seedContractRecord } from './attachment-helpers';
import { DeleteFileDocument, FilesDocument, UploadFileDocument, type FilesQuery } from '../generated/graphql';
import { DocumentRecord } from '../../src/records/document-record.entity';
import { createWorkspace } from '../../src/workspace/workspace.service';
import { newRecordCode } from '../../src/common/ids';
import { MAX_PAGE_SIZE } from '../../src/graphql/pagination';
import { cursorWithId } from '../support/cursors';

let app: TestApp;
let seeded: SeededWorkspace;

beforeAll(async () => {
  app = await startTestApp();
  seeded = await seedWorkspace(app);
});

afterAll(async () => {
  await app?.stop();
});

type FilePage = FilesQuery['files'];

/** Uploads a small text file through the API and returns its id. */
async function upload(recordId: number, fileName: string, key = app.adminKey): Promise<string> {
  const input = { documentRecordId: String(recordId), fileName, mimeType: 'text/plain', contentBase64: Buffer.from(fileName).toString('base64') };
  return dataOf(await app.request(UploadFileDocument, { input }, key)).uploadFile.id;
}

/** Uploads `count` files named `<prefix>-<n>.txt` one after another and returns their ids in upload order. */
async function uploadMany(recordId: number, prefix: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let n = 0; n < count; n += 1) ids.push(await upload(recordId, `${prefix}-${n}.txt`));
  return ids;
}

async function listFiles(recordId: number | string, page: { first?: number; after?: string | null } = {}, key = app.adminKey): Promise<FilePage> {
  return dataOf(await app.request(FilesDocument, { documentRecordId: String(recordId), ...page }, key)).files;
}

/** Follows endCursor from the first page to the last and returns every page. */
async function listAllPages(recordId: number, first?: number): Promise<FilePage[]> {
  const pages = [await listFiles(recordId, { first })];
  while (pages.at(-1)!.pageInfo.hasNextPage) {
    pages.push(await listFiles(recordId, { first, after: pages.at(-1)!.pageInfo.endCursor }));
  }
  return pages;
}

const idsOf = (page: FilePage) => page.edges.map((edge) => edge.node.id);

describe('files paging', () => {
  test('pages more files than one page, newest first', async () => {
    const record = await seedContractRecord(app, seeded, seeded.suite);
    const uploaded = await uploadMany(record.id, 'scan', 23);

    const pages = await listAllPages(record.id);

    expect(pages.map((page) => page.edges.length)).toEqual([20, 3]);
    expect(pages[0].totalCount).toBe(23);
    expect(pages[0].pageInfo).toEqual({ hasNextPage: true, endCursor: pages[0].edges[19].cursor });
    expect(pages[1].pageInfo).toEqual({ hasNextPage: false, endCursor: pages[1].edges[2].cursor });
    expect(pages.flatMap(idsOf)).toEqual([...uploaded].reverse());
    expect(pages[1].edges.map((edge) => edge.node.fileName)).toEqual(['scan-2.txt', 'scan-1.txt', 'scan-0.txt']);
  });

  test('pages a full record 100 files at a time', async () => {
    const full = await seedContractRecord(app, seeded, seeded.suite);
    const em = app.app.services.orm.em.fork();
    await em.execute(
      `insert into uploaded_files (workspace_id, document_record_id, file_name, mime_type, size, sha256, data, uploaded_at)
       select ?, ?, 'seeded-' || n || '.txt', 'text/plain', 1, repeat('0', 64), '\\x41'::bytea, now()
         from generate_series(1, 1000) as n`,
      [seeded.workspaceId, full.id],
    );

    const pages = await listAllPages(full.id, MAX_PAGE_SIZE);
    const ids = pages.flatMap(idsOf).map(Number);

    expect(pages).toHaveLength(10);
    expect(pages.every((page) => page.edges.length === MAX_PAGE_SIZE)).toBe(true);
    expect(new Set(ids).size).toBe(1000);
    expect(ids).toEqual([...ids].sort((x, y) => y - x));
  });

  test('keeps its order while files change between pages', async () => {
    const record = await seedContractRecord(app, seeded, seeded.suite);
    const [file0, file1, file2, file3, file4] = await uploadMany(record.id, 'draft', 5);

    const page1 = await listFiles(record.id, { first: 2 });
    await upload(record.id, 'draft-new.txt');
    dataOf(await app.request(DeleteFileDocument, { id: file2 }));
    const page2 = await listFiles(record.id, { first: 10, after: page1.pageInfo.endCursor });
    const page2Again = await listFiles(record.id, { first: 10, after: page1.pageInfo.endCursor });

    expect(idsOf(page1)).toEqual([file4, file3]);
    expect(idsOf(page2)).toEqual([file1, file0]);
    expect(page2.pageInfo.hasNextPage).toBe(false);
    expect(page2Again).toEqual(page2);
    expect(page2.totalCount).toBe(5);
  });
});

describe('files scoping', () => {
  /** Creates a second workspace with one record and returns its admin key and the record id. */
  async function createOtherWorkspace(): Promise<{ adminKey: string; recordId: number }> {
    const em = app.app.services.orm.em.fork();
    const { workspace, defaultApiUser, adminKey } = await createWorkspace(em, 'Other tenant');
    const record = em.create(DocumentRecord, { workspace, code: newRecordCode(), name: 'Other record', author: defaultApiUser, owner: defaultApiUser });
    await em.flush();
    return { adminKey, recordId: record.id };
  }

  test('lists only the files of its record', async () => {
    const record = await seedContractRecord(app, seeded, seeded.suite);
    const sibling = await seedContractRecord(app, seeded, seeded.suite);
    const own = await uploadMany(record.id, 'own', 3);
    await uploadMany(sibling.id, 'sibling', 2);

    const page = await listFiles(record.id, { first: MAX_PAGE_SIZE });

    expect(page.totalCount).toBe(3);
    expect(idsOf(page)).toEqual([...own].reverse());
    expect(page.edges.every((edge) => edge.node.documentRecordId === String(record.id))).toBe(true);
  });

  test('treats a record of another workspace as missing', async () => {
    const record = await seedContractRecord(app, seeded, seeded.suite);
    await upload(record.id, 'private.txt');
    const other = await createOtherWorkspace();

    const foreign = errorOf(await app.request(FilesDocument, { documentRecordId: String(record.id) }, other.adminKey));
    const missing = errorOf(await app.request(FilesDocument, { documentRecordId: '999999999' }, other.adminKey));

    expect(foreign).toMatchObject({ code: 'NOT_FOUND', field: 'documentRecordId' });
    expect(foreign.message.replace(String(record.id), '<id>')).toBe(missing.message.replace('999999999', '<id>'));
  });

  test('rejects the cursor of another workspace', async () => {
    const other = await createOtherWorkspace();
    await upload(other.recordId, 'tenant-b-0.txt', other.adminKey);
    const record = await seedContractRecord(app, seeded, seeded.suite);
    await uploadMany(record.id, 'tenant-a', 2);
    const after = (await listFiles(record.id, { first: 1 })).pageInfo.endCursor!;

    const error = errorOf(await app.request(FilesDocument, { documentRecordId: String(other.recordId), after }, other.adminKey));

    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    expect(error.message).toBe(
      `after ${JSON.stringify(after)} is a cursor of files with other arguments, filters or workspace: pass the endCursor of the same query with the same arguments, or omit after.`,
    );
  });
});

describe('files page arguments', () => {
  test('rejects the plain-list selection of earlier builds', async () => {
    const record = await seedContractRecord(app, seeded, seeded.suite);
    const plainList: TypedDocumentNode<unknown, { id: string }> = parse('query ($id: ID!) { files(documentRecordId: $id) { id fileName } }');

    const error = errorOf(await app.request(plainList, { id: String(record.id) }));

    expect(error.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(error.message).toContain('Cannot query field "id" on type "FileConnection"');
  });

  test.each([0, -1, MAX_PAGE_SIZE + 1])('rejects first=%s', async (first) => {
    const record = await seedContractRecord(app, seeded, seeded.suite);

    const error = errorOf(await app.request(FilesDocument, { documentRecordId: String(record.id), first }));

    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(error.message).toBe(`first=${first} is invalid: ask for 1 to ${MAX_PAGE_SIZE} items per page and follow pageInfo.endCursor for more.`);
  });

  test.each([
    ['text', () => 'not-a-cursor'],
    ['a cursor of id 0', (cursor: string) => cursorWithId(cursor, 0)],
    ['an id beyond 2^53', (cursor: string) => cursorWithId(cursor, '9007199254740993')],
  ])('rejects %s as after', async (_case, afterFor) => {
    const record = await seedContractRecord(app, seeded, seeded.suite);
    await uploadMany(record.id, 'cursor', 2);
    const after = afterFor((await listFiles(record.id, { first: 1 })).pageInfo.endCursor!);

    const error = errorOf(await app.request(FilesDocument, { documentRecordId: String(record.id), after }));

    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    expect(error.message).toBe(`after ${JSON.stringify(after)} is not a valid cursor: pass the endCursor of the same query with the same arguments, or omit after.`);
  });
});

describe('files query plan', () => {
  const FILES_INDEX = 'uploaded_files_document_record_id_id_index';

  /**
   * Returns the plan nodes of `sql` that read uploaded_files or one of its indexes, such as
   * "Seq Scan on uploaded_files" or "Bitmap Index Scan on uploaded_files_pkey".
   */
  async function scansOfFiles(sql: string, params: unknown[]): Promise<string[]> {
    const rows = await app.app.services.orm.em.fork().execute<Array<{ 'QUERY PLAN': unknown }>>(`explain (format json) ${sql}`, params);
    const plan = rows[0]['QUERY PLAN'];
    const documents = (typeof plan === 'string' ? JSON.parse(plan) : plan) as Array<{ Plan: Record<string, unknown> }>;
    const scans: string[] = [];
    const visit = (node: Record<string, unknown>): void => {
      const target = (node['Index Name'] ?? node['Relation Name']) as string | undefined;
      if (target?.startsWith('uploaded_files')) scans.push(`${node['Node Type']} on ${target}`);
      for (const child of (node.Plans as Array<Record<string, unknown>> | undefined) ?? []) visit(child);
    };
    visit(documents[0].Plan);
    return scans;
  }

  test('reads one record through its index', async () => {
    const record = await seedContractRecord(app, seeded, seeded.suite);
    const fileIds = await uploadMany(record.id, 'old', 3);
    const em = app.app.services.orm.em.fork();
    // 20,000 newer files of 100 other records, which a scan by id alone would step over.
    const others = await Promise.all(Array.from({ length: 100 }, () => seedContractRecord(app, seeded, seeded.suite)));
    await em.execute(
      `insert into uploaded_files (workspace_id, document_record_id, file_name, mime_type, size, sha256, data, uploaded_at)
       select ?, (?::int[])[1 + n % 100], 'other-' || n || '.txt', 'text/plain', 1, repeat('0', 64), '\\x41'::bytea, now()
         from generate_series(1, 20000) as n`,
      [seeded.workspaceId, `{${others.map((other) => other.id).join(',')}}`],
    );
    await em.execute('analyze uploaded_files');

    // Statements of the shape that findPage sends: the page after the newest file, and the count.
    const pageScans = await scansOfFiles(
      'select id, file_name from uploaded_files where workspace_id = ? and document_record_id = ? and id < ? order by id desc limit 21',
      [seeded.workspaceId, record.id, Number(fileIds[2])],
    );
    const countScans = await scansOfFiles('select count(*) from uploaded_files where workspace_id = ? and document_record_id = ?', [seeded.workspaceId, record.id]);

    expect(pageScans).toContainEqual(expect.stringMatching(new RegExp(` on ${FILES_INDEX}$`)));
    expect(pageScans.filter((scan) => !scan.endsWith(FILES_INDEX) && scan !== 'Bitmap Heap Scan on uploaded_files')).toEqual([]);
    expect(countScans).toContainEqual(expect.stringMatching(new RegExp(` on ${FILES_INDEX}$`)));
    expect(countScans.filter((scan) => !scan.endsWith(FILES_INDEX) && scan !== 'Bitmap Heap Scan on uploaded_files')).toEqual([]);
  });
});
