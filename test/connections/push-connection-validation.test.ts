import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { seedWorkspace, type SeededWorkspace } from '../support/fixtures';
import { PushConnection } from '../../src/connections/push-connection.entity';
import { CreatePushConnectionDocument, PushConnectionDocument, UpdatePushConnectionDocument, type CreatePushConnectionInput } from '../generated/graphql';

let app: TestApp;
let seeded: SeededWorkspace;

beforeAll(async () => {
  app = await startTestApp();
  seeded = await seedWorkspace(app);
});

afterAll(async () => {
  await app?.stop();
});

const valid: CreatePushConnectionInput = { name: 'Valid', url: 'http://127.0.0.1:9/hook', eventTypes: ['FileUpload'] };

const countConnections = () => app.app.services.orm.em.fork().count(PushConnection, {});

/** Returns `count` valid headers named X-Header-1, X-Header-2 …, each with the value "v". */
const numberedHeaders = (count: number) => Array.from({ length: count }, (_, index) => ({ name: `X-Header-${index + 1}`, value: 'v' }));

const longPath = (length: number) => `http://127.0.0.1:9/${'a'.repeat(length - 'http://127.0.0.1:9/'.length)}`;

const cases: Array<[string, Partial<CreatePushConnectionInput>, string, RegExp]> = [
  ['missing name', { name: '  ' }, 'name', /name is empty/],
  ['name with a bell character', { name: 'CRM\u0007sync' }, 'name', /control character U\+0007 at character 4/],
  ['name with a line feed', { name: 'CRM\nsync' }, 'name', /control character U\+000A/],
  ['name with a C1 control character', { name: 'CRM\u0085sync' }, 'name', /control character U\+0085/],
  [
    'name with a right-to-left override',
    { name: 'a\u202eb' },
    'name',
    /^name contains the bidirectional control character U\+202E RIGHT-TO-LEFT OVERRIDE at character 2: remove it/,
  ],
  ['name with a left-to-right embedding', { name: 'CRM\u202Async' }, 'name', /U\+202A LEFT-TO-RIGHT EMBEDDING at character 4/],
  ['name with an unclosed isolate', { name: 'CRM \u2068sync' }, 'name', /U\+2068 FIRST STRONG ISOLATE at character 5: close it with U\+2069/],
  ['name of a zero-width space', { name: '\u200b' }, 'name', /^name is empty: it contains only invisible characters, such as U\+200B ZERO WIDTH SPACE\./],
  ['name of invisible characters and spaces', { name: ' \u2060 \ufeff\u200d ' }, 'name', /^name is empty: .*U\+2060 WORD JOINER/],
  ['name of combining marks', { name: '\u0301\u0308' }, 'name', /^name is empty: .*U\+0301 COMBINING ACUTE ACCENT/],
  ['name of braille blanks', { name: '\u2800 \u2800' }, 'name', /^name is empty: .*U\+2800 BRAILLE PATTERN BLANK/],
  ['url of 2049 characters', { url: longPath(2049) }, 'url', /^url is 2049 characters long; the maximum is 2048\. Shorten it/],
  ['url of 100000 characters', { url: longPath(100_000) }, 'url', /^url is 100000 characters long; the maximum is 2048\./],
  ['url over the limit once percent-encoded', { url: `http://127.0.0.1:9/${' x'.repeat(700)}` }, 'url', /^url is 2819 characters long once percent-encoded as it is sent \(1419 as given\); the maximum is 2048\./],
  ['missing url', { url: '' }, 'url', /url is missing/],
  ['relative url', { url: '/webhooks/docpush' }, 'url', /\/webhooks\/docpush/],
  ['non-http url', { url: 'ftp://127.0.0.1/hook' }, 'url', /ftp:/],
  ['empty event types', { eventTypes: [] }, 'eventTypes', /at least one event type/],
  ['unknown template suite', { templateSuiteAll: false, templateSuites: ['999999'] }, 'templateSuites', /"999999"/],
  ['unknown record type', { documentRecordTypeAll: false, documentRecordTypes: ['424242'] }, 'documentRecordTypes', /"424242"/],
  ['template suites off with none listed', { templateSuiteAll: false, templateSuites: [] }, 'templateSuites', /no event would trigger the connection/],
  ['record types off with none listed', { documentRecordTypeAll: false }, 'documentRecordTypes', /no event would trigger the connection/],
  ['generated files without a file type', { attachFilesGenerated: true, fileTypes: [] }, 'fileTypes', /no generated file would be attached/],
  ['header name with a space', { headers: [{ name: 'X Bad', value: 'v' }] }, 'headers[0].name', /"X Bad" is invalid/],
  ['header name with a colon', { headers: [{ name: 'X-Bad:', value: 'v' }] }, 'headers[0].name', /"X-Bad:" is invalid/],
  ['header value with CR LF', { headers: [{ name: 'X-Ok', value: 'a\r\nInjected: 1' }] }, 'headers[0].value', /line break/],
  ['header value with LF', { headers: [{ name: 'X-Ok', value: 'a\nb' }] }, 'headers[0].value', /line break/],
  ['header value with a vertical tab', { headers: [{ name: 'X-Ok', value: 'a\u000bb' }] }, 'headers[0].value', /control character/],
  ['header value with a C1 next line', { headers: [{ name: 'X-Ok', value: 'a\u0085b' }] }, 'headers[0].value', /control character/],
  ['hop-by-hop header', { headers: [{ name: 'Expect', value: '100-continue' }] }, 'headers[0].name', /reserved/],
  [
    'Content-Encoding header',
    { headers: [{ name: 'Content-Encoding', value: 'gzip' }] },
    'headers[0].name',
    /^Header name "Content-Encoding" is reserved: docpush sends the body uncompressed, so a listener that honours this header could not read it\. Choose another name\.$/,
  ],
  [
    'Proxy-Authorization header',
    { headers: [{ name: 'proxy-authorization', value: 'Basic dXNlcjpwYXNz' }] },
    'headers[0].name',
    /^Header name "proxy-authorization" is reserved: docpush connects to the listener directly/,
  ],
  ['header value with a leading space', { headers: [{ name: 'X-Ok', value: ' a' }] }, 'headers[0].value', /^Header "X-Ok" has a value that starts with a space or tab, which HTTP removes/],
  ['header value with a trailing space', { headers: [{ name: 'X-Ok', value: 'a ' }] }, 'headers[0].value', /^Header "X-Ok" has a value that ends with a space or tab/],
  ['header value with a trailing tab', { headers: [{ name: 'X-Ok', value: '{{event.id}}\t' }] }, 'headers[0].value', /ends with a space or tab/],
  ['secret header value with spaces around it', { headers: [{ name: 'X-Token', value: ' s3cret ', secret: true }] }, 'headers[0].value', /^(?!.*s3cret).*starts with a space or tab/],
  ['unknown header variable', { headers: [{ name: 'X-User', value: '{{LEGITO.currentUser.phone}}' }] }, 'headers[0].value', /\{\{LEGITO\.currentUser\.phone\}\}/],
  ['unclosed header variable', { headers: [{ name: 'X-Event', value: 'id {{event.id' }] }, 'headers[0].value', /unclosed or malformed variable/],
  ['secret header value with braces', { headers: [{ name: 'X-Token', value: 'tok}}s3cret', secret: true }] }, 'headers[0].value', /^(?!.*s3cret).*unclosed or malformed variable:/],
  ['secret header value with an unknown variable', { headers: [{ name: 'X-Token', value: 'a{{s3cret}}b', secret: true }] }, 'headers[0].value', /^(?!.*s3cret).*uses an unknown variable\./],
  ['reserved header', { headers: [{ name: 'Webhook-Signature', value: 'forged' }] }, 'headers[0].name', /reserved/],
  ['mask without a stored secret', { headers: [{ name: 'X-Token', value: '********', secret: true }] }, 'headers[0].value', /no secret header of that name is stored/],
  ['duplicate header', { headers: [{ name: 'X-A', value: '1' }, { name: 'x-a', value: '2' }] }, 'headers[1].name', /listed twice/],
  ['51 headers', { headers: numberedHeaders(51) }, 'headers', /^headers has 51 entries; the maximum is 50\./],
  [
    'headers of 9033 bytes together',
    { headers: [1, 2, 3].map((index) => ({ name: `X-Big-${index}`, value: 'v'.repeat(3000) })) },
    'headers',
    /^headers add up to 9033 bytes as UTF-8 "name: value" lines; the maximum is 8192\./,
  ],
  [
    'multi-byte headers of 9033 bytes together',
    { headers: [1, 2, 3].map((index) => ({ name: `X-Big-${index}`, value: '文'.repeat(1000) })) },
    'headers',
    /^headers add up to 9033 bytes as UTF-8 "name: value" lines; the maximum is 8192\./,
  ],
  ['header name of 10000 characters', { headers: [{ name: `X-${'a'.repeat(9998)}`, value: 'v' }] }, 'headers[0].name', /^headers\[0\]\.name is 10000 characters long; the maximum is 256\./],
  [
    'header value of 100000 bytes',
    { headers: [...numberedHeaders(2), { name: 'X-Data', value: 'v'.repeat(100_000) }] },
    'headers[2].value',
    /^headers\[2\]\.value of header "X-Data" is 100000 bytes as UTF-8; the maximum is 4096\. Shorten the value/,
  ],
  [
    'header value of 1366 CJK characters',
    { headers: [{ name: 'X-Title', value: '文'.repeat(1366) }] },
    'headers[0].value',
    /^headers\[0\]\.value of header "X-Title" is 4098 bytes as UTF-8; the maximum is 4096\./,
  ],
];

describe('push connection validation', () => {
  it.each(cases)('rejects %s and stores nothing', async (_label, change, field, message) => {
    const before = await countConnections();

    const result = await app.request(CreatePushConnectionDocument, { input: { ...valid, ...change } });

    expect(result.data).toBeNull();
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(result.errors![0].message).toMatch(message);
    expect(await countConnections()).toBe(before);
  });

  it.each([
    'Content-Type', 'Content-Length', 'Content-Encoding', 'Host', 'Transfer-Encoding', 'User-Agent', 'Connection', 'Keep-Alive', 'TE',
    'Trailer', 'Upgrade', 'Expect', 'Proxy-Connection', 'Proxy-Authorization', 'Webhook-Id', 'Docpush-Test-Message',
  ])('reserves the header %s', async (name) => {
    const result = await app.request(CreatePushConnectionDocument, { input: { ...valid, headers: [{ name, value: 'v' }] } });

    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'headers[0].name' });
    expect(result.errors?.[0].message).toMatch(new RegExp(`^Header name "${name}" is reserved: .+\\. Choose another name\\.$`));
  });

  it('accepts spaces inside a header value', async () => {
    const headers = [{ name: 'Authorization', value: 'Bearer  abc' }, { name: 'X-User', value: '{{LEGITO.currentUser.name}} {{LEGITO.currentUser.position}}' }];

    const result = await app.request(CreatePushConnectionDocument, { input: { ...valid, headers } });

    expect(result.errors).toBeUndefined();
    expect(result.data!.createPushConnection.headers).toEqual(headers.map((header) => expect.objectContaining(header)));
  });

  it('accepts stored headers sent back', async () => {
    const created = await app.request(CreatePushConnectionDocument, { input: { ...valid, headers: [{ name: 'X-Team', value: 'a' }] } });
    const id = created.data!.createPushConnection.id;
    // A value stored before a header rule existed, written past the API as an older version stored it.
    const em = app.app.services.orm.em.fork();
    const stored = await em.findOneOrFail(PushConnection, Number(id));
    stored.headers = [{ name: 'X-Team', value: ' a ', useDefaultApiUser: false, secret: false }];
    await em.flush();

    const unchanged = await app.request(UpdatePushConnectionDocument, { id, input: { name: 'Renamed', headers: [{ name: 'X-Team', value: ' a ' }] } });
    const changed = await app.request(UpdatePushConnectionDocument, { id, input: { headers: [{ name: 'X-Team', value: ' b ' }] } });

    expect(unchanged.errors).toBeUndefined();
    expect(unchanged.data!.updatePushConnection.name).toBe('Renamed');
    expect(changed.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'headers[0].value' });
  });

  it('keeps bidirectional marks in a name', async () => {
    const name = 'Levi \u200Fדנה\u200E CRM';

    const result = await app.request(CreatePushConnectionDocument, { input: { ...valid, name } });

    expect(result.errors).toBeUndefined();
    expect(result.data!.createPushConnection.name).toBe(name);
  });

  it('keeps combining marks on letters', async () => {
    const name = 'Cafe\u0301 CRM';

    const result = await app.request(CreatePushConnectionDocument, { input: { ...valid, name } });

    expect(result.errors).toBeUndefined();
    expect(result.data!.createPushConnection.name).toBe(name);
  });

  it('accepts known filter ids and header variables', async () => {
    const result = await app.request(CreatePushConnectionDocument, {
      input: {
        ...valid,
        templateSuiteAll: false,
        templateSuites: [String(seeded.suite.id)],
        headers: [{ name: 'X-User', value: '{{LEGITO.currentUser.email}} {{event.author.name}} {{LEGITO.defaultApiUser.id}}' }],
      },
    });
    expect(result.errors).toBeUndefined();
  });

  it('rejects an update that leaves no template suite to match', async () => {
    const created = await app.request(CreatePushConnectionDocument, { input: { ...valid, templateSuiteAll: false, templateSuites: [String(seeded.suite.id)] } });
    const id = created.data!.createPushConnection.id;

    const result = await app.request(UpdatePushConnectionDocument, { id, input: { templateSuites: [] } });

    expect(result.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'templateSuites' });
    const stored = await app.app.services.orm.em.fork().findOneOrFail(PushConnection, Number(id));
    expect(stored.templateSuiteIds).toEqual([seeded.suite.id]);
  });

  it('accepts an empty list once matching all is on again', async () => {
    const created = await app.request(CreatePushConnectionDocument, { input: { ...valid, templateSuiteAll: false, templateSuites: [String(seeded.suite.id)] } });

    const result = await app.request(UpdatePushConnectionDocument, { id: created.data!.createPushConnection.id, input: { templateSuiteAll: true, templateSuites: [] } });

    expect(result.errors).toBeUndefined();
  });

  it('accepts the limits themselves', async () => {
    const result = await app.request(CreatePushConnectionDocument, {
      input: {
        ...valid,
        url: longPath(2048),
        headers: [...numberedHeaders(49), { name: `X-${'a'.repeat(254)}`, value: 'v'.repeat(4096) }],
      },
    });

    expect(result.errors).toBeUndefined();
    expect(result.data!.createPushConnection.url).toHaveLength(2048);
  });

  it('counts an emoji name by characters', async () => {
    const name = '\u{1F4DD}'.repeat(200);

    const accepted = await app.request(CreatePushConnectionDocument, { input: { ...valid, name } });
    const rejected = await app.request(CreatePushConnectionDocument, { input: { ...valid, name: `${name}\u{1F4DD}` } });

    expect(accepted.errors).toBeUndefined();
    expect(accepted.data!.createPushConnection.name).toBe(name);
    expect(rejected.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    expect(rejected.errors![0].message).toContain('name is 201 characters long; the maximum is 200.');
  });

  it('accepts a multi-byte value of 4096 bytes', async () => {
    const value = `${'文'.repeat(1365)}v`;

    const result = await app.request(CreatePushConnectionDocument, { input: { ...valid, headers: [{ name: 'X-Title', value }] } });

    expect(result.errors).toBeUndefined();
    expect(result.data!.createPushConnection.headers).toEqual([expect.objectContaining({ name: 'X-Title', value })]);
  });

  it.each([
    ['a long url', { url: longPath(2049) }, 'url'],
    ['a long header name', { headers: [{ name: `X-${'a'.repeat(300)}`, value: 'v' }] }, 'headers[0].name'],
    ['a long header value', { headers: [...numberedHeaders(1), { name: 'X-Data', value: 'v'.repeat(4097) }] }, 'headers[1].value'],
    ['a name with a control character', { name: 'New\u0007name' }, 'name'],
    ['a name with a right-to-left override', { name: 'New\u202Ename' }, 'name'],
    ['a name of a zero-width space', { name: '\u200B' }, 'name'],
    ['a header value with a trailing space', { headers: [{ name: 'X-Header-1', value: 'v ' }] }, 'headers[0].value'],
  ])('rejects an update with %s and keeps every stored field', async (_label, change, field) => {
    const created = dataOf(await app.request(CreatePushConnectionDocument, { input: { ...valid, headers: numberedHeaders(1) } })).createPushConnection;

    const result = await app.request(UpdatePushConnectionDocument, { id: created.id, input: { name: 'Renamed', fileTypes: ['pdfa'], ...change } });

    expect(result.data).toBeNull();
    expect(result.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    const stored = dataOf(await app.request(PushConnectionDocument, { id: created.id })).pushConnection;
    expect(stored.name).toBe(valid.name);
    expect(stored.url).toBe(valid.url);
    expect(stored.fileTypes).toEqual(['docx', 'pdf']);
    expect(stored.headers).toEqual([expect.objectContaining({ name: 'X-Header-1', value: 'v' })]);
  });

  it.each([
    ['create', 'http://127.0.0.1:9/o k?q=a b', 'http://127.0.0.1:9/o%20k?q=a%20b'],
    ['create', 'HTTP://127.0.0.1:80', 'http://127.0.0.1/'],
    ['update', 'http://127.0.0.1:9/hook/ä', 'http://127.0.0.1:9/hook/%C3%A4'],
  ])('stores the URL as it is sent (%s %j)', async (action, given, sent) => {
    let id: string;
    if (action === 'create') {
      id = dataOf(await app.request(CreatePushConnectionDocument, { input: { ...valid, url: given } })).createPushConnection.id;
    } else {
      id = dataOf(await app.request(CreatePushConnectionDocument, { input: valid })).createPushConnection.id;
      expect(dataOf(await app.request(UpdatePushConnectionDocument, { id, input: { url: given } })).updatePushConnection.url).toBe(sent);
    }

    expect(dataOf(await app.request(PushConnectionDocument, { id })).pushConnection.url).toBe(sent);
    const row = await app.app.services.orm.em.fork().findOneOrFail(PushConnection, Number(id));
    expect(row.url).toBe(sent);
  });

  it('rejects an unknown event type at the schema level', async () => {
    const result = await app.request(CreatePushConnectionDocument, {
      input: { ...valid, eventTypes: ['NotAnEvent' as never] },
    });
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].message).toMatch(/NotAnEvent/);
  });
});
