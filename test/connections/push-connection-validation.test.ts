import { startTestApp, type TestApp } from '../support/test-app';
import { seedWorkspace, type SeededWorkspace } from '../support/fixtures';
import { PushConnection } from '../../src/connections/push-connection.entity';
import { CreatePushConnectionDocument, UpdatePushConnectionDocument, type CreatePushConnectionInput } from '../generated/graphql';

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

const cases: Array<[string, Partial<CreatePushConnectionInput>, string, RegExp]> = [
  ['missing name', { name: '  ' }, 'name', /name is missing/],
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
  ['hop-by-hop header', { headers: [{ name: 'Expect', value: '100-continue' }] }, 'headers[0].name', /reserved/],
  ['unknown header variable', { headers: [{ name: 'X-User', value: '{{LEGITO.currentUser.phone}}' }] }, 'headers[0].value', /\{\{LEGITO\.currentUser\.phone\}\}/],
  ['unclosed header variable', { headers: [{ name: 'X-Event', value: 'id {{event.id' }] }, 'headers[0].value', /unclosed or malformed variable/],
  ['reserved header', { headers: [{ name: 'Webhook-Signature', value: 'forged' }] }, 'headers[0].name', /reserved/],
  ['mask without a stored secret', { headers: [{ name: 'X-Token', value: '********', secret: true }] }, 'headers[0].value', /no secret header of that name is stored/],
  ['duplicate header', { headers: [{ name: 'X-A', value: '1' }, { name: 'x-a', value: '2' }] }, 'headers[1].name', /listed twice/],
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

  it('rejects an unknown event type at the schema level', async () => {
    const result = await app.request(CreatePushConnectionDocument, {
      input: { ...valid, eventTypes: ['NotAnEvent' as never] },
    });
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].message).toMatch(/NotAnEvent/);
  });
});
