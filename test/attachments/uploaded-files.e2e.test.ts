import { randomBytes } from 'node:crypto';
import { parse } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { startListener, type TestListener } from '../support/listener';
import { recordEvent, seedWorkspace, type SeededWorkspace } from '../support/fixtures';
import { validatePushResponse } from '../support/push-response-schema';
import {
  bodyOf,
  createEnabledConnection,
  decodeData,
  disableConnection,
  errorOf,
  redactedCopy,
  seedContractRecord,
  seedTemplate,
  sha256,
  waitForLogs,
} from './attachment-helpers';
import { CreateDocumentDocument, DeleteFileDocument, FilesDocument, UploadFileDocument } from '../generated/graphql';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { REDACTED_FILE_DATA } from '../../src/delivery/push-payload';
import { DocumentRecordEvent } from '../../src/records/document-record-event.entity';
import { UploadedFile } from '../../src/documents/uploaded-file.entity';
import { MAX_FILES_PER_RECORD } from '../../src/documents/uploaded-file.service';
import type { DocumentRecord } from '../../src/records/document-record.entity';

/** A binary file with NUL bytes at the start, inside and at the end, and every byte value once. */
const BINARY = Buffer.concat([Buffer.from([0, 0, 0x50, 0x4b, 0, 0xff]), Buffer.from(Array.from({ length: 256 }, (_, byte) => byte)), randomBytes(3000), Buffer.alloc(17)]);
const TEXT = Buffer.from('Příloha č. 1 – ceník služeb\nПриложение 1\n', 'utf8');

let app: TestApp;
let seeded: SeededWorkspace;
let listener: TestListener;
let connectionIds: string[] = [];

beforeAll(async () => {
  app = await startTestApp(process.env.TEST_LOG_LEVEL ? { LOG_LEVEL: process.env.TEST_LOG_LEVEL } : {});
  seeded = await seedWorkspace(app);
  listener = await startListener();
});

afterEach(async () => {
  for (const id of connectionIds) await disableConnection(app, id);
  connectionIds = [];
  listener.requests.length = 0;
});

afterAll(async () => {
  await listener?.close();
  await app?.stop();
});

async function connect(input: Omit<Parameters<typeof createEnabledConnection>[1], 'url'>) {
  const connection = await createEnabledConnection(app, { url: listener.url, ...input });
  connectionIds.push(connection.id);
  return connection;
}

async function upload(record: DocumentRecord, fileName: string, bytes: Buffer, mimeType = 'application/octet-stream') {
  const input = { documentRecordId: String(record.id), fileName, mimeType, contentBase64: bytes.toString('base64') };
  return dataOf(await app.request(UploadFileDocument, { input, actingUserId: String(seeded.author.id) })).uploadFile;
}

describe('uploaded files in a push', () => {
  test('arrive byte-identical, binary included', async () => {
    const record = await seedContractRecord(app, seeded, seeded.suite);
    const binary = await upload(record, 'scan.bin', BINARY);
    const text = await upload(record, 'Příloha 1.txt', TEXT, 'text/plain; charset=utf-8');
    expect(binary).toMatchObject({ fileName: 'scan.bin', size: BINARY.length, sha256: sha256(BINARY), documentRecordId: String(record.id) });
    expect(text).toMatchObject({ fileName: 'Příloha 1.txt', mimeType: 'text/plain; charset=utf-8', size: TEXT.length, sha256: sha256(TEXT) });

    await connect({ attachFilesUploaded: true });
    const { messageIds } = await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
    const [request] = await listener.waitForRequests(1);
    expect(request.headers['webhook-id']).toBe(messageIds[0]);

    const body = bodyOf(request);
    expect(validatePushResponse(body)).toEqual({ valid: true, errors: [] });
    expect(Object.keys(body.files!)).toEqual(['uploaded']);
    const [first, second] = body.files!.uploaded!;
    expect(first).toMatchObject({
      id: Number(binary.id),
      fileName: 'scan.bin',
      documentRecordId: record.id,
      documentRecordCode: record.code,
      uploadedDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/),
      size: BINARY.length,
    });
    expect(sha256(decodeData(first.data))).toBe(sha256(BINARY));
    expect(decodeData(first.data).equals(BINARY)).toBe(true);
    expect(second.fileName).toBe('Příloha 1.txt');
    expect(sha256(decodeData(second.data))).toBe(text.sha256);
  });

  test('FileUpload and FileDeleted events name the file', async () => {
    const record = await seedContractRecord(app, seeded, seeded.suite);
    await connect({ eventTypes: ['FileUpload', 'FileDeleted'], attachFilesUploaded: true });

    const keptFile = await upload(record, 'kept.pdf', Buffer.from('%PDF-1.7 kept'));
    const [uploadRequest] = await listener.waitForRequests(1);
    const uploadBody = bodyOf(uploadRequest);
    expect(uploadBody.event).toMatchObject({ type: 'FileUpload', parameters: { fileId: Number(keptFile.id), fileName: 'kept.pdf', size: 13 }, authorId: seeded.author.id });

    const removedFile = await upload(record, 'removed.pdf', Buffer.from('%PDF-1.7 removed'));
    await listener.waitForRequests(2);
    const deleted = dataOf(await app.request(DeleteFileDocument, { id: removedFile.id })).deleteFile;
    expect(deleted).toMatchObject({ id: removedFile.id, fileName: 'removed.pdf' });

    const requests = await listener.waitForRequests(3);
    const deleteBody = requests.map(bodyOf).find((body) => body.eventType === 'FileDeleted')!;
    expect(deleteBody.event).toMatchObject({ parameters: { fileId: Number(removedFile.id), fileName: 'removed.pdf', size: 16 }, authorId: null });
    expect(deleteBody.files!.uploaded!.map((file) => file.fileName)).toEqual(['kept.pdf']);

    const files = dataOf(await app.request(FilesDocument, { documentRecordId: String(record.id) })).files;
    expect(files.edges.map((edge) => edge.node.fileName)).toEqual(['kept.pdf']);
    const events = await app.app.services.orm.em.fork().find(DocumentRecordEvent, { documentRecord: record.id }, { orderBy: { id: 'asc' } });
    expect(events.map((event) => [event.type, event.parameters])).toEqual([
      ['FileUpload', { fileId: Number(keptFile.id), fileName: 'kept.pdf', size: 13 }],
      ['FileUpload', { fileId: Number(removedFile.id), fileName: 'removed.pdf', size: 16 }],
      ['FileDeleted', { fileId: Number(removedFile.id), fileName: 'removed.pdf', size: 16 }],
    ]);
  });

  test('both options give unique names and a redacted log', async () => {
    const template = await seedTemplate(app, seeded, seeded.suite, 'Service Agreement');
    const record = await seedContractRecord(app, seeded, seeded.suite);
    const content = { title: 'Service Agreement', blocks: [{ kind: 'paragraph' as const, text: 'Short agreement.' }] };
    dataOf(await app.request(CreateDocumentDocument, { input: { documentRecordId: String(record.id), templateId: String(template.id), content } }));
    // The name that the generated PDF would take, in other letter case.
    await upload(record, 'Service-Agreement.PDF', Buffer.from('%PDF-1.4 uploaded'), 'application/pdf');

    const connection = await connect({ attachFilesUploaded: true, attachFilesGenerated: true, fileTypes: ['pdf', 'txt'] });
    await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
    const [request] = await listener.waitForRequests(1);
    const body = bodyOf(request);
    expect(validatePushResponse(body)).toEqual({ valid: true, errors: [] });
    expect(body.files!.uploaded!.map((file) => file.fileName)).toEqual(['Service-Agreement.PDF']);
    expect(body.files!.generated!.map((file) => file.fileName)).toEqual(['service-agreement-2.pdf', 'service-agreement.txt']);

    const [log] = await waitForLogs(app, { connectionId: connection.id }, 1);
    expect(JSON.parse(log.requestBody)).toEqual(redactedCopy(body));
    expect(log.requestBody).toBe(JSON.stringify(redactedCopy(body)));
  });

  test('an echoed file stays out of the log', async () => {
    const record = await seedContractRecord(app, seeded, seeded.suite);
    await upload(record, 'scan.bin', BINARY);
    const data = BINARY.toString('base64');
    // An echo as PHP's json_encode writes it, with escaped slashes, wrapped in an object.
    listener.respondWith((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(`{"received":${request.body.replaceAll('/', '\\/')}}`);
    });
    try {
      const connection = await connect({ attachFilesUploaded: true });
      await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
      const [request] = await listener.waitForRequests(1);
      expect(request.body).toContain(data);

      const [log] = await waitForLogs(app, { connectionId: connection.id }, 1);
      expect(log.responseBody).toContain('"received":');
      expect(log.responseBody).toContain(`"data":"${REDACTED_FILE_DATA}"`);
      expect(log.responseBody).not.toContain(data.slice(0, 64).replaceAll('/', '\\/'));
      expect(log.responseBody).not.toContain(data.slice(0, 64));
    } finally {
      listener.respondWith((_request, response) => response.end('ok'));
    }
  });

  test('an echo cut short inside file data stays out of the log', async () => {
    const record = await seedContractRecord(app, seeded, seeded.suite);
    await upload(record, 'scan.bin', BINARY);
    const data = BINARY.toString('base64');
    // The echo breaks off 30 characters into the file data, fewer than the 64 that identify it anywhere in a body.
    listener.respondWith((request, response) => {
      const echo = `{"received":${request.body}}`;
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(echo)) });
      response.write(echo.slice(0, echo.indexOf(data) + 30), () => response.socket!.resetAndDestroy());
    });
    try {
      const connection = await connect({ attachFilesUploaded: true });
      await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);

      const [log] = await waitForLogs(app, { connectionId: connection.id }, 1);
      expect(log.outcome).toBe('SUCCEEDED');
      expect(log.responseBodyIncomplete).toBe(true);
      expect(log.responseBody).toContain('"received":');
      expect(log.responseBody.endsWith(`"data":"${REDACTED_FILE_DATA}`)).toBe(true);
      expect(log.responseBody).not.toContain(data.slice(0, 30));
    } finally {
      listener.respondWith((_request, response) => response.end('ok'));
    }
  });

  test('an echo logged as Base64 stays out of the log', async () => {
    const record = await seedContractRecord(app, seeded, seeded.suite);
    await upload(record, 'scan.bin', BINARY);
    const data = BINARY.toString('base64');
    // A NUL byte after the echo makes the push log store the body as Base64.
    listener.respondWith((request, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.end(Buffer.concat([Buffer.from(`{"received":${request.body}}`), Buffer.from([0])]));
    });
    try {
      const connection = await connect({ attachFilesUploaded: true });
      await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);

      const [log] = await waitForLogs(app, { connectionId: connection.id }, 1);
      expect(log.responseBodyEncoding).toBe('base64');
      const logged = Buffer.from(log.responseBody, 'base64').toString('latin1');
      expect(logged.startsWith('{"received":')).toBe(true);
      expect(logged).toContain(`"data":"${REDACTED_FILE_DATA}"`);
      expect(logged).not.toContain(data.slice(0, 64));
      expect(logged.endsWith('}\u0000')).toBe(true);
    } finally {
      listener.respondWith((_request, response) => response.end('ok'));
    }
  });

  test('no file option, no files key', async () => {
    const record = await seedContractRecord(app, seeded, seeded.suite);
    await upload(record, 'ignored.bin', BINARY);
    await connect({ fileTypes: ['docx'] });
    await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
    const [request] = await listener.waitForRequests(1);
    expect(bodyOf(request)).not.toHaveProperty('files');
  });

  test('empty upload list still has uploaded', async () => {
    const record = await seedContractRecord(app, seeded, seeded.suite);
    await connect({ attachFilesUploaded: true });
    await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
    const [request] = await listener.waitForRequests(1);
    expect(bodyOf(request).files).toEqual({ uploaded: [] });
  });
});

describe('uploadFile input checks', () => {
  let record: DocumentRecord;

  beforeAll(async () => {
    record = await seedContractRecord(app, seeded, seeded.suite);
  });

  async function uploadError(overrides: Partial<{ fileName: string; mimeType: string; contentBase64: string; documentRecordId: string }>) {
    const input = { documentRecordId: String(record.id), fileName: 'file.bin', mimeType: 'application/octet-stream', contentBase64: 'AAEC', ...overrides };
    return errorOf(await app.request(UploadFileDocument, { input }));
  }

  test.each([
    ['URL-safe alphabet', '-_8A', '"-" at position 0'],
    ['line break', 'AAEC\nAAEC', '"\\n" at position 4'],
    ['space inside', 'AA EC AA', '" " at position 2'],
    ['missing padding', 'AAE', 'not a multiple of 4'],
    ['padding inside', 'AA=C', '"=" at position 2'],
    ['non-zero padding bits', 'AAF=', 'not canonical'],
    ['empty', '', 'is empty'],
  ])('rejects Base64 with %s', async (_case, contentBase64, expected) => {
    const error = await uploadError({ contentBase64 });
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'contentBase64' });
    expect(error.message).toContain(expected);
  });

  test.each([
    ['a path', '../etc/passwd', '"/"'],
    ['a backslash', 'dir\\file.txt', '"\\\\"'],
    ['a NUL character', 'file\u0000.txt', 'NUL character'],
    ['a control character', 'file\u0007.txt', 'the control character U+0007 at character 5'],
    ['a C1 control character', 'file\u0085.txt', 'the control character U+0085 at character 5'],
    ['a line separator', 'file\u2028.txt', 'the line separator U+2028 at character 5'],
    ['a left-to-right isolate', 'file\u2066.txt', 'U+2066 LEFT-TO-RIGHT ISOLATE at character 5'],
    ['only spaces', '   ', 'is empty'],
    ['only a zero-width space', '\u200B', 'is empty: it contains only invisible characters, such as U+200B ZERO WIDTH SPACE'],
    ['a dot-dot name', '..', 'not a file name'],
  ])('rejects a file name with %s', async (_case, fileName, expected) => {
    const error = await uploadError({ fileName });
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'fileName' });
    expect(error.message).toContain(expected);
  });

  test.each([
    ['a leading space', ' scan.pdf', 'fileName " scan.pdf" starts with a space: remove the whitespace before the name.'],
    [
      'a trailing space',
      'scan.pdf ',
      'fileName "scan.pdf " ends with a space, which Windows does not support at the end of a file name: remove the whitespace after the name.',
    ],
    [
      'a trailing no-break space',
      'scan.pdf\u00A0',
      'fileName "scan.pdf\u00A0" ends with the whitespace character U+00A0, which Windows does not support at the end of a file name: remove the whitespace after the name.',
    ],
    [
      'a leading tab',
      '\tscan.pdf',
      'fileName contains the control character U+0009 at character 1: remove it, and write it on one line without tabs.',
    ],
    [
      'a trailing dot',
      'scan.',
      'fileName "scan." ends with a dot, which Windows does not support at the end of a file name: remove it, or end the name with its extension, such as "signed-contract.pdf".',
    ],
    [
      'a dot before a trailing space',
      'scan. ',
      'fileName "scan. " ends with a space, which Windows does not support at the end of a file name: remove the whitespace after the name.',
    ],
  ])('rejects a file name with %s and stores nothing', async (_case, fileName, message) => {
    const em = app.app.services.orm.em.fork();
    const filesBefore = await em.count(UploadedFile, { documentRecord: record.id });

    const error = await uploadError({ fileName });

    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'fileName' });
    expect(error.message).toBe(message);
    expect(await em.count(UploadedFile, { documentRecord: record.id })).toBe(filesBefore);
  });

  test('rejects only outer spaces and dots', async () => {
    const inner = await upload(record, 'v1.2 final .pdf', Buffer.from('inside'));
    const outer = await uploadError({ fileName: 'v1.2 final .' });

    expect(inner.fileName).toBe('v1.2 final .pdf');
    expect(outer).toMatchObject({ code: 'BAD_USER_INPUT', field: 'fileName' });
  });

  test('rejects a file name override', async () => {
    const em = app.app.services.orm.em.fork();
    const eventsBefore = await em.count(DocumentRecordEvent, { documentRecord: record.id });
    const filesBefore = await em.count(UploadedFile, { documentRecord: record.id });

    const error = await uploadError({ fileName: 'invoice\u202Etxt.exe' });

    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'fileName' });
    expect(error.message).toBe(
      'fileName contains the bidirectional control character U+202E RIGHT-TO-LEFT OVERRIDE at character 8: remove it, because it changes the order in which the text is displayed.',
    );
    expect(await em.count(DocumentRecordEvent, { documentRecord: record.id })).toBe(eventsBefore);
    expect(await em.count(UploadedFile, { documentRecord: record.id })).toBe(filesBefore);
  });

  test('rejects isolates in file names', async () => {
    // A right-to-left isolate around "txt.exe" displays the name as "invoiceexe.txt", closed or not.
    const error = await uploadError({ fileName: 'invoice\u2067txt.exe\u2069' });

    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'fileName' });
    expect(error.message).toContain('U+2067 RIGHT-TO-LEFT ISOLATE at character 8: remove it');
  });

  test('rejects a malformed media type', async () => {
    const error = await uploadError({ mimeType: 'pdf' });
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'mimeType' });
    expect(error.message).toContain('"pdf" is not a media type');
  });

  test('rejects a name taken in other case', async () => {
    await upload(record, 'Contract.pdf', Buffer.from('one'));
    const error = await uploadError({ fileName: 'CONTRACT.PDF' });
    expect(error).toMatchObject({ code: 'CONFLICT', field: 'fileName' });
    expect(error.message).toContain('"Contract.pdf"');
  });

  test('rejects a name taken in another normal form', async () => {
    await upload(record, 'caf\u00e9.pdf', Buffer.from('composed'));
    const error = await uploadError({ fileName: 'cafe\u0301.pdf' });
    expect(error).toMatchObject({ code: 'CONFLICT', field: 'fileName' });
    expect(error.message).toContain('"caf\u00e9.pdf"');
  });

  test('rejects an unknown record and acting user', async () => {
    expect(await uploadError({ documentRecordId: '999999' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'documentRecordId' });
    const input = { documentRecordId: String(record.id), fileName: 'x.bin', mimeType: 'application/octet-stream', contentBase64: 'AAEC' };
    const error = errorOf(await app.request(UploadFileDocument, { input, actingUserId: '424242' }));
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'actingUserId' });
    expect(error.message).toContain('"424242"');
  });

  test('rejects a file beyond the maximum per record', async () => {
    const full = await seedContractRecord(app, seeded, seeded.suite);
    const em = app.app.services.orm.em.fork();
    await em.execute(
      `insert into uploaded_files (workspace_id, document_record_id, file_name, mime_type, size, sha256, data, uploaded_at)
       select ?, ?, 'seeded-' || n || '.txt', 'text/plain', 1, repeat('0', 64), '\\x41'::bytea, now()
         from generate_series(1, ?) as n`,
      [seeded.workspaceId, full.id, MAX_FILES_PER_RECORD - 1],
    );
    await upload(full, 'last.txt', TEXT);
    const eventsBefore = await em.count(DocumentRecordEvent, { documentRecord: full.id });

    const input = { documentRecordId: String(full.id), fileName: 'one-more.txt', mimeType: 'text/plain', contentBase64: 'AAEC' };
    const error = errorOf(await app.request(UploadFileDocument, { input }));

    expect(error).toMatchObject({ code: 'CONFLICT', field: 'documentRecordId' });
    expect(error.message).toContain(`has ${MAX_FILES_PER_RECORD} uploaded files, the maximum: delete files`);
    expect(await em.count(UploadedFile, { documentRecord: full.id })).toBe(MAX_FILES_PER_RECORD);
    expect(await em.count(DocumentRecordEvent, { documentRecord: full.id })).toBe(eventsBefore);
  });

  test('File type has no data field', async () => {
    const query = parse('{ __type(name: "File") { fields { name } } }') as TypedDocumentNode<{ __type: { fields: Array<{ name: string }> } }, Record<string, never>>;
    const fields = dataOf(await app.request(query, {})).__type.fields.map((field) => field.name);
    expect(fields.sort()).toEqual(['documentRecordId', 'fileName', 'id', 'mimeType', 'sha256', 'size', 'uploadedDate']);
  });
});
