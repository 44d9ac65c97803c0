import { print } from 'graphql';
import { startTestApp, type TestApp } from '../support/test-app';
import { User } from '../../src/workspace/user.entity';
import { DocumentRecordEvent } from '../../src/records/document-record-event.entity';
import { CreateUserDocument, CreateDocumentRecordDocument, RecordDocumentEventDocument, RecordDocumentEventsDocument } from '../generated/graphql';

let app: TestApp;
let userId: string;
let recordId: string;

beforeAll(async () => {
  app = await startTestApp();
  const user = await app.request(CreateUserDocument, { input: { name: 'Author', email: 'author@example.com' } });
  userId = user.data!.createUser.id;
  const record = await app.request(CreateDocumentRecordDocument, { input: { name: 'Lease', authorId: userId } });
  recordId = record.data!.createDocumentRecord.id;
});

afterAll(async () => {
  await app?.stop();
});

const count = (entity: typeof User | typeof DocumentRecordEvent) => app.app.services.orm.em.fork().count(entity, {});

describe('unstorable arguments', () => {
  it('rejects a NUL character in text', async () => {
    const before = await count(User);

    const result = await app.request(CreateUserDocument, { input: { name: 'a\u0000b', email: 'nul@example.com' } });

    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    expect(result.errors?.[0].message).toMatch(/NUL character/);
    expect(await count(User)).toBe(before);
  });

  it('rejects a NUL character inside JSON', async () => {
    const before = await count(DocumentRecordEvent);

    const result = await app.request(RecordDocumentEventDocument, {
      input: { documentRecordId: recordId, type: 'LinkAdded', parameters: { link: { note: 'x\u0000' } } },
    });

    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'parameters.link.note' });
    expect(await count(DocumentRecordEvent)).toBe(before);
  });

  it('rejects an unpaired surrogate inside JSON', async () => {
    const before = await count(DocumentRecordEvent);

    const result = await app.request(RecordDocumentEventDocument, {
      input: { documentRecordId: recordId, type: 'LinkAdded', parameters: { note: 'a\uD800b' } },
    });

    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'parameters.note' });
    expect(result.errors?.[0].message).toMatch(/unpaired UTF-16 surrogate/);
    expect(await count(DocumentRecordEvent)).toBe(before);
  });

  it('accepts a character outside the Basic Multilingual Plane', async () => {
    const result = await app.request(RecordDocumentEventDocument, {
      input: { documentRecordId: recordId, type: 'LinkAdded', parameters: { note: 'signed \u{1F58A}' } },
    });

    expect(result.errors).toBeUndefined();
    expect(result.data?.recordDocumentEvent.event.parameters).toEqual({ note: 'signed \u{1F58A}' });
  });

  it('rejects deeply nested JSON', async () => {
    // Built as text: JSON.stringify itself overflows the stack on 6,000 levels.
    const nested = `${'['.repeat(6000)}"leaf"${']'.repeat(6000)}`;
    const query = print(RecordDocumentEventDocument);
    const body = `{"query":${JSON.stringify(query)},"variables":{"input":{"documentRecordId":"${recordId}","type":"LinkAdded","parameters":{"x":${nested}}}}}`;

    const response = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${app.adminKey}` },
      body,
    });
    const result = (await response.json()) as { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };

    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].message).toMatch(/nested more than 32 levels/);
  });

  it('nests batch items like one input', async () => {
    // These are the deepest parameters that one event accepts. The `input` object is level 0,
    // `parameters` level 1, and the string at the bottom level 32.
    let parameters: Record<string, unknown> = { note: 'leaf' };
    for (let level = 1; level < 31; level += 1) parameters = { note: parameters };
    const event = { documentRecordId: recordId, type: 'LinkAdded' as const, parameters };

    const single = await app.request(RecordDocumentEventDocument, { input: event });
    const batch = await app.request(RecordDocumentEventsDocument, { inputs: [event] });
    const tooDeep = await app.request(RecordDocumentEventsDocument, { inputs: [{ ...event, parameters: { note: parameters } }] });

    expect(single.errors).toBeUndefined();
    expect(batch.errors).toBeUndefined();
    expect(batch.data?.recordDocumentEvents[0].event.parameters).toEqual(parameters);
    expect(tooDeep.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: `inputs[0].parameters${'.note'.repeat(32)}` });
    expect(tooDeep.errors?.[0].message).toMatch(/nested more than 32 levels/);
  });
});

describe('subscriptions over HTTP', () => {
  it('are rejected with a pointer to graphql-ws', async () => {
    const response = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${app.adminKey}` },
      body: JSON.stringify({ query: 'subscription { deliveryLog { id } }' }),
    });
    const result = (await response.json()) as { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };

    expect(response.status).toBe(400);
    expect(result.errors?.[0].extensions?.code).toBe('BAD_REQUEST');
    expect(result.errors?.[0].message).toMatch(/graphql-ws/);
  });
});
