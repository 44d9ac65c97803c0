/**
 * Invalid values written in the query document, which graphql-js rejects during validation.
 * Their errors keep GRAPHQL_VALIDATION_FAILED and name the argument path in extensions.field,
 * as errors of the same value passed in a variable name it.
 */
import { startTestApp, type TestApp } from '../support/test-app';
import { bearer, postGraphQL } from '../security/security-support';

const INT_FIX = "Give a whole number from -2147483648 to 2147483647, the range of GraphQL's Int type. The field's description may state a smaller range.";
const TIME_FIX = 'Give a date and time with a UTC offset, such as 2026-12-04T19:48:09Z or 2026-12-04T20:48:09.250+01:00.';
const CONNECTION_INPUT = 'name: "Literal check", url: "https://hooks.example.com/in", eventTypes: [FileUpload]';
/** A header name that is a number, in the second item of the headers list. */
const HEADER_NAME_LITERAL = `mutation { createPushConnection(input: { ${CONNECTION_INPUT}, headers: [{ name: "X-A", value: "1" }, { name: 5, value: "2" }] }) { id } }`;

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app?.stop();
});

interface ReplyError {
  message: string;
  extensions?: Record<string, unknown>;
}

async function errorsOf(query: string, variables: Record<string, unknown> = {}): Promise<ReplyError[]> {
  const response = await postGraphQL(app.url, query, variables, bearer(app.adminKey));
  return (response.body.errors ?? []) as ReplyError[];
}

/** Runs the query over graphql-ws and returns the errors that end it. */
async function errorsOverGraphqlWs(query: string): Promise<unknown> {
  const client = app.wsClient();
  return new Promise((resolve) => {
    client.subscribe({ query }, { next: () => undefined, error: resolve, complete: () => resolve(undefined) });
  });
}

const cases: Array<[string, string, string, string]> = [
  ['an Int above 32 bits', '{ pushLogs(first: 99999999999) { totalCount } }', 'first', `Int cannot represent non 32-bit signed integer value: 99999999999. ${INT_FIX}`],
  ['a fraction for an Int', '{ pushLogs(first: 1.5) { totalCount } }', 'first', `Int cannot represent non-integer value: 1.5. ${INT_FIX}`],
  ['an invalid time in a filter', '{ pushLogs(filter: { from: "yesterday" }) { totalCount } }', 'filter.from', `DateTime cannot represent an invalid date-time-string yesterday. ${TIME_FIX}`],
  ['an unknown filter field', '{ pushLogs(filter: { since: "2026-12-04T19:48:09Z" }) { totalCount } }', 'filter.since', 'Field "since" is not defined by type "PushLogFilter".'],
  ['a list item inside input', HEADER_NAME_LITERAL, 'headers[1].name', 'String cannot represent a non string value: 5'],
  ['a variable default', 'query ($first: Int = 1.5) { pushLogs(first: $first) { totalCount } }', 'first', `Int cannot represent non-integer value: 1.5. ${INT_FIX}`],
  ['an argument in a fragment', '{ ...Logs } fragment Logs on Query { pushLogs(first: 1.5) { totalCount } }', 'first', `Int cannot represent non-integer value: 1.5. ${INT_FIX}`],
];

describe('invalid literal', () => {
  it.each(cases)('names the path of %s', async (_case, query, field, message) => {
    const errors = await errorsOf(query);

    expect(errors).toHaveLength(1);
    expect(errors[0].extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED', field });
    expect(errors[0].message).toBe(message);
  });

  it.each(cases)('names the path of %s over graphql-ws', async (_case, query, field, message) => {
    expect(await errorsOverGraphqlWs(query)).toEqual([expect.objectContaining({ message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED', field } })]);
  });

  it('names the object of a missing field', async () => {
    const errors = await errorsOf(`mutation { createPushConnection(input: { ${CONNECTION_INPUT}, headers: [{ value: "1" }] }) { id } }`);

    expect(errors).toHaveLength(1);
    expect(errors[0].extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED', field: 'headers[0]' });
    expect(errors[0].message).toBe('Field "PushConnectionHeaderInput.name" of required type "String!" was not provided.');
  });

  it('names each invalid value only', async () => {
    const errors = await errorsOf('{ pushLogs(first: 1.5, last: 5, filter: { to: "tomorrow" }) { totalCount } }');

    expect(errors).toHaveLength(3);
    expect(errors.map((error) => error.extensions?.field)).toEqual(['first', undefined, 'filter.to']);
    expect(errors[1].message).toBe('Unknown argument "last" on field "Query.pushLogs".');
  });

  it('names the field a variable names', async () => {
    const query = 'mutation ($input: CreatePushConnectionInput!) { createPushConnection(input: $input) { id } }';
    const headers = [
      { name: 'X-A', value: '1' },
      { name: 5, value: '2' },
    ];
    const input = { name: 'Variable check', url: 'https://hooks.example.com/in', eventTypes: ['FileUpload'], headers };
    const [variableError] = await errorsOf(query, { input });

    const [literalError] = await errorsOf(HEADER_NAME_LITERAL);

    expect(variableError.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'headers[1].name' });
    expect(literalError.extensions?.field).toBe(variableError.extensions?.field);
  });
});

describe('invalid Int variable', () => {
  it('names the Int range', async () => {
    const errors = await errorsOf('query ($first: Int!) { pushLogs(first: $first) { totalCount } }', { first: 99999999999 });

    expect(errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(errors[0].message).toBe(`Variable "$first" got invalid value 99999999999; Int cannot represent non 32-bit signed integer value: 99999999999. ${INT_FIX}`);
  });
});
