import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { CreatePushConnectionDocument, CreateTemplateSuiteDocument, PushConnectionsDocument, TemplateSuitesDocument } from '../generated/graphql';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app?.stop();
});

describe('page that ends at the last item', () => {
  it('has no next page for template suites', async () => {
    for (const name of ['Suite A', 'Suite B', 'Suite C']) dataOf(await app.request(CreateTemplateSuiteDocument, { input: { name } }));
    const total = dataOf(await app.request(TemplateSuitesDocument, { first: 100 })).templateSuites.totalCount;

    const exact = dataOf(await app.request(TemplateSuitesDocument, { first: total })).templateSuites;
    const shorter = dataOf(await app.request(TemplateSuitesDocument, { first: total - 1 })).templateSuites;

    expect(exact.edges).toHaveLength(total);
    expect(exact.pageInfo.hasNextPage).toBe(false);
    expect(shorter.edges).toHaveLength(total - 1);
    expect(shorter.pageInfo.hasNextPage).toBe(true);
  });

  it('has no next page for push connections', async () => {
    const input = { name: 'page boundary', url: 'http://127.0.0.1:9/webhook', eventTypes: ['DocumentRecordUpdated' as const] };
    for (let i = 0; i < 2; i += 1) dataOf(await app.request(CreatePushConnectionDocument, { input: { ...input, name: `page boundary ${i}` } }));

    const exact = dataOf(await app.request(PushConnectionsDocument, { first: 2 })).pushConnections;
    const after = dataOf(await app.request(PushConnectionsDocument, { first: 1, after: exact.edges[0].cursor })).pushConnections;

    expect(exact.totalCount).toBe(2);
    expect(exact.edges).toHaveLength(2);
    expect(exact.pageInfo.hasNextPage).toBe(false);
    expect(after.edges).toHaveLength(1);
    expect(after.pageInfo.hasNextPage).toBe(false);
  });
});
