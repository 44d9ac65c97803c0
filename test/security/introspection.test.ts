import { getIntrospectionQuery } from 'graphql';
import { startTestApp, type TestApp } from '../support/test-app';
import { loadConfig } from '../../src/config/config';
import { bearer, collect, okData, postGraphQL } from './security-support';

const SCHEMA_QUERY = '{ __schema { queryType { name } } }';
const TYPE_QUERY = '{ __type(name: "Query") { name } }';

let disabled: TestApp;
let enabled: TestApp;

beforeAll(async () => {
  disabled = await startTestApp({ DOCPUSH_GRAPHQL_INTROSPECTION: 'false' });
  enabled = await startTestApp({ DOCPUSH_GRAPHQL_INTROSPECTION: 'true' });
});

afterAll(async () => {
  await disabled?.stop();
  await enabled?.stop();
});

describe('introspection disabled', () => {
  it('rejects the standard introspection query over HTTP', async () => {
    const response = await postGraphQL(disabled.url, getIntrospectionQuery(), {}, bearer(disabled.adminKey));

    expect(response.status).toBe(400);
    expect(response.body.data).toBeUndefined();
    expect(response.body.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(response.body.errors?.[0].message).toContain('GraphQL introspection is disabled on this server (DOCPUSH_GRAPHQL_INTROSPECTION=false)');
    expect(response.body.errors?.[0].message).toContain('selects __schema');
  });

  it('rejects __type over HTTP', async () => {
    const response = await postGraphQL(disabled.url, TYPE_QUERY, {}, bearer(disabled.adminKey));

    expect(response.status).toBe(400);
    expect(response.body.errors?.[0].message).toContain('selects __type');
  });

  it('still answers __typename and other fields', async () => {
    const response = await postGraphQL(disabled.url, '{ __typename apiKeys { id } }', {}, bearer(disabled.adminKey));

    expect(okData(response).__typename).toBe('Query');
    expect(okData(response).apiKeys.length).toBe(1);
  });

  it('rejects introspection over graphql-ws', async () => {
    const operation = collect(disabled.wsClient(), SCHEMA_QUERY);
    await operation.ended;

    expect(operation.results).toEqual([]);
    const errors = operation.error as Array<{ message: string; extensions?: { code?: string } }>;
    expect(errors[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(errors[0].message).toContain('DOCPUSH_GRAPHQL_INTROSPECTION=false');
  });
});

describe('introspection enabled', () => {
  it('answers the standard introspection query over HTTP', async () => {
    const response = await postGraphQL(enabled.url, getIntrospectionQuery(), {}, bearer(enabled.adminKey));

    expect(okData(response).__schema.queryType.name).toBe('Query');
  });

  it('answers introspection over graphql-ws', async () => {
    const operation = collect(enabled.wsClient(), TYPE_QUERY);
    await operation.ended;

    expect(operation.error).toBeUndefined();
    expect(operation.results[0].data?.__type.name).toBe('Query');
  });

  it('overrides Apollo Server default in production', async () => {
    // Apollo Server reads NODE_ENV from the process environment when it is constructed.
    const savedNodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    let production: TestApp | undefined;
    try {
      production = await startTestApp({ NODE_ENV: 'production', DOCPUSH_GRAPHQL_INTROSPECTION: 'true' });
    } finally {
      process.env.NODE_ENV = savedNodeEnv;
    }
    try {
      const response = await postGraphQL(production.url, SCHEMA_QUERY, {}, bearer(production.adminKey));

      expect(okData(response).__schema.queryType.name).toBe('Query');
    } finally {
      await production.stop();
    }
  });
});

describe('DOCPUSH_GRAPHQL_INTROSPECTION', () => {
  it('defaults to off in production only', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).api.introspection).toBe(false);
    expect(loadConfig({ NODE_ENV: 'development' }).api.introspection).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test' }).api.introspection).toBe(true);
    expect(loadConfig({}).api.introspection).toBe(true);
  });

  it('overrides the default of NODE_ENV', () => {
    expect(loadConfig({ NODE_ENV: 'production', DOCPUSH_GRAPHQL_INTROSPECTION: 'true' }).api.introspection).toBe(true);
    expect(loadConfig({ NODE_ENV: 'development', DOCPUSH_GRAPHQL_INTROSPECTION: 'false' }).api.introspection).toBe(false);
  });

  it('rejects a value that is not a boolean', () => {
    expect(() => loadConfig({ DOCPUSH_GRAPHQL_INTROSPECTION: 'on' })).toThrow(
      'DOCPUSH_GRAPHQL_INTROSPECTION="on" is invalid: expected true or false (1, 0, yes and no are accepted too).',
    );
  });
});
