import { startTestApp, type TestApp } from '../support/test-app';
import { bearer, collect, openWs, postGraphQL } from '../security/security-support';
import { PushConnection } from '../../src/connections/push-connection.entity';

// A variable of a nullable type may fill a non-null argument or input field that has a default.
// Its value null is then a client mistake that the request names before anything runs.

const USERS_PAGE = 'query ($first: Int) { users(first: $first) { totalCount } }';
const CREATE_CONNECTION =
  'mutation ($generated: Boolean, $secret: Boolean) { createPushConnection(input: { name: "Null check", url: "https://hooks.example.com/in", ' +
  'eventTypes: [SignCompleted], attachFilesGenerated: $generated, headers: [{ name: "X-One", value: "1" }, { name: "X-Two", value: "2", secret: $secret }] }) { id } }';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
  // A record, so that a page of records has an events field to resolve.
  const workspace = await call('{ workspace { defaultApiUser { id } } }', {});
  const authorId = (workspace.body.data?.workspace as { defaultApiUser: { id: string } }).defaultApiUser.id;
  await call('mutation ($authorId: ID!) { createDocumentRecord(input: { name: "Null check", authorId: $authorId }) { id } }', { authorId });
});

afterAll(async () => {
  await app?.stop();
});

const call = (query: string, variables: Record<string, unknown>) => postGraphQL(app.url, query, variables, bearer(app.adminKey));

describe('null variable in a position that needs a value', () => {
  it('is BAD_USER_INPUT for a page size', async () => {
    const response = await call(USERS_PAGE, { first: null });

    expect(response.status).toBe(400);
    expect(response.body.errors).toHaveLength(1);
    const [error] = response.body.errors ?? [];
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(error.message).toBe(
      'Variable "$first" is null, but first needs a value of type Int!: give $first a value, or leave it out of the variables to use the default.',
    );
  });

  it.each([
    ['an input field', { generated: null }, 'attachFilesGenerated'],
    ['a field of a list item', { secret: null }, 'headers[1].secret'],
  ])('names %s and stores nothing', async (_position, variables, field) => {
    const connectionsBefore = await app.app.services.orm.em.fork().count(PushConnection, {});

    const response = await call(CREATE_CONNECTION, variables);

    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field });
    expect(await app.app.services.orm.em.fork().count(PushConnection, {})).toBe(connectionsBefore);
  });

  it('names a page size inside a fragment', async () => {
    const query =
      'query ($first: Int) { documentRecords(first: 1) { edges { node { ...Timeline } } } } fragment Timeline on DocumentRecord { events(first: $first) { totalCount } }';

    const response = await call(query, { first: null });

    expect(response.body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('names the argument of a directive', async () => {
    const response = await call('query ($show: Boolean = true) { workspace @include(if: $show) { id } }', { show: null });

    expect(response.body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: '@include(if:)' });
  });

  it('names a field that a spread elsewhere includes', async () => {
    const query =
      'query ($first: Int, $show: Boolean!) { ...Users @include(if: $show) ...Users } fragment Users on Query { users(first: $first) { totalCount } }';

    const response = await call(query, { first: null, show: false });

    expect(response.body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('names a null condition of @skip', async () => {
    const response = await call('query ($first: Int, $hide: Boolean = false) { users(first: $first) @skip(if: $hide) { totalCount } }', { first: 1, hide: null });

    expect(response.body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: '@skip(if:)' });
  });

  it('names a default of null as the cause', async () => {
    const response = await call('query ($first: Int = null) { users(first: $first) { totalCount } }', {});

    expect(response.body.errors?.[0]?.message).toMatch(/: give \$first a value, or a default other than null\.$/);
  });

  it('is BAD_USER_INPUT over graphql-ws', async () => {
    const probe = openWs(app.url, { authorization: bearer(app.adminKey) });
    const operation = collect(probe.client, USERS_PAGE, { first: null });

    await operation.ended;

    expect(operation.error).toEqual([expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'first' } })]);
    expect(operation.results).toEqual([]);
    await probe.client.dispose();
  });
});

describe('null variable where null is allowed', () => {
  it('runs with the default of a left-out variable', async () => {
    const response = await call(USERS_PAGE, {});

    expect(response.body.errors).toBeUndefined();
    expect(response.body.data).toEqual({ users: { totalCount: expect.any(Number) } });
  });

  it.each([
    ['a field', 'query ($first: Int, $show: Boolean!) { users(first: $first) @include(if: $show) { totalCount } workspace { id } }'],
    ['an inline fragment', 'query ($first: Int, $show: Boolean!) { ... @include(if: $show) { users(first: $first) { totalCount } } workspace { id } }'],
    ['a fragment spread', 'query ($first: Int, $show: Boolean!) { ...Users @include(if: $show) workspace { id } } fragment Users on Query { users(first: $first) { totalCount } }'],
    ['a field by default', 'query ($first: Int, $hide: Boolean = true) { users(first: $first) @skip(if: $hide) { totalCount } workspace { id } }'],
    ['a field by a literal', 'query ($first: Int) { users(first: $first) @skip(if: true) { totalCount } workspace { id } }'],
  ])('runs when @skip or @include leaves out %s', async (_node, query) => {
    const response = await call(query, { first: null, show: false });

    expect(response.body.errors).toBeUndefined();
    expect(response.body.data).toEqual({ workspace: { id: expect.any(String) } });
  });

  it('skips left-out fields over graphql-ws', async () => {
    const probe = openWs(app.url, { authorization: bearer(app.adminKey) });
    const query = 'query ($first: Int, $show: Boolean!) { users(first: $first) @include(if: $show) { totalCount } workspace { id } }';
    const operation = collect(probe.client, query, { first: null, show: false });

    await operation.ended;

    expect(operation.error).toBeUndefined();
    expect(operation.results).toEqual([{ data: { workspace: { id: expect.any(String) } } }]);
    await probe.client.dispose();
  });

  it('runs with null in a nullable argument', async () => {
    const response = await call('query ($after: String) { users(after: $after) { totalCount } }', { after: null });

    expect(response.body.errors).toBeUndefined();
  });
});
