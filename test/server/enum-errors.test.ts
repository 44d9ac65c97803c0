import { startTestApp, type TestApp } from '../support/test-app';
import { bearer, postGraphQL } from '../security/security-support';

// graphql-js names the closest enum value when one is close; otherwise the error lists them all.

const CREATE_CONNECTION = `mutation ($input: CreatePushConnectionInput!) { createPushConnection(input: $input) { id } }`;

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app?.stop();
});

async function errorOfEventType(eventType: string): Promise<{ message: string; code?: string; field?: unknown }> {
  const response = await postGraphQL(
    app.url,
    CREATE_CONNECTION,
    { input: { name: 'Enum check', url: 'https://hooks.example.com/in', eventTypes: [eventType] } },
    bearer(app.adminKey),
  );
  const [error] = response.body.errors ?? [];
  return { message: error.message, code: error.extensions?.code, field: error.extensions?.field };
}

describe('unknown enum value', () => {
  it('lists the valid values when none is close', async () => {
    const error = await errorOfEventType('SomethingElse');

    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.message).toContain('Value "SomethingElse" does not exist in "DocumentRecordEventType" enum.');
    expect(error.message).toContain('Use one of: ApprovalActionApprove, ');
    expect(error.message).toContain('FileUpload');
  });

  it('keeps the suggestion of a close value', async () => {
    const error = await errorOfEventType('FileUploaded');

    expect(error.message).toContain('Did you mean the enum value "FileUpload"');
    expect(error.message).not.toContain('Use one of');
  });

  it('lists the values of an enum literal in the query', async () => {
    const query = `mutation { createPushConnection(input: { name: "Enum check", url: "https://hooks.example.com/in", eventTypes: [Nope] }) { id } }`;
    const response = await postGraphQL(app.url, query, {}, bearer(app.adminKey));
    const [error] = response.body.errors ?? [];

    expect(error.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(error.message).toContain('Use one of: ApprovalActionApprove, ');
  });
});

describe('invalid variable', () => {
  it('names the field inside $input', async () => {
    const error = await errorOfEventType('SomethingElse');

    expect(error.field).toBe('eventTypes[0]');
  });

  it('names the item of a list variable', async () => {
    const query = 'mutation ($inputs: [RecordDocumentEventInput!]!) { recordDocumentEvents(inputs: $inputs) { pushMessageIds } }';
    const inputs = [
      { documentRecordId: '1', type: 'SignCompleted' },
      { documentRecordId: '1', type: 'SignCompletd' },
    ];

    const response = await postGraphQL(app.url, query, { inputs }, bearer(app.adminKey));

    expect(response.body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'inputs[1].type' });
  });

  it('names a missing variable', async () => {
    const response = await postGraphQL(app.url, CREATE_CONNECTION, {}, bearer(app.adminKey));

    expect(response.body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input' });
  });
});
