import os from 'node:os';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { print, type ExecutionResult } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import pino from 'pino';
import { loadConfig } from '../../src/config/config';
import { startApp, type AppOptions, type RunningApp } from '../../src/app/app';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface TestApp {
  app: RunningApp;
  url: string;
  databaseUrl: string;
  /** The ADMIN key of the workspace created on first start. */
  adminKey: string;
  /** Sends a typed GraphQL operation over HTTP; `key` defaults to the admin key, null sends none. */
  request<TResult, TVariables>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables?: TVariables,
    key?: string | null,
  ): Promise<ExecutionResult<TResult>>;
  /** Opens a graphql-ws client authenticated with `key` (the admin key by default). */
  wsClient(key?: string | null): Client;
  stop(): Promise<void>;
}

/** Settings that make tests fast and let the server deliver to listeners on 127.0.0.1. */
export const TEST_ENV: Record<string, string> = {
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'silent',
  DOCPUSH_ALLOW_HTTP: 'true',
  DOCPUSH_ALLOWED_CIDRS: '127.0.0.0/8',
  DOCPUSH_ATTEMPT_TIMEOUT: '2s',
  DOCPUSH_RETRY_SCHEDULE: '200ms,400ms',
  DOCPUSH_RETRY_JITTER: '0',
  DOCPUSH_JOB_POLL_INTERVAL: '1s',
};

/**
 * Starts one more docpush process on an existing database, such as a worker beside a test app,
 * with the test settings plus `env`, a data folder of its own and silent logs unless `options`
 * gives a logger.
 */
export async function startAppOnDatabase(databaseUrl: string, env: Record<string, string> = {}, options: AppOptions = {}): Promise<RunningApp> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'docpush-app-'));
  const config = loadConfig({ ...TEST_ENV, DATABASE_URL: databaseUrl, DOCPUSH_DATA_DIR: dataDir, ...env });
  return startApp(config, { logger: pino({ level: 'silent' }), ...options });
}

/** Starts docpush on a fresh database with the test settings, plus any overrides. */
export async function startTestApp(env: Record<string, string> = {}, options: AppOptions = {}): Promise<TestApp> {
  const database: TestDatabase = await createTestDatabase();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'docpush-app-'));
  const config = loadConfig({ ...TEST_ENV, DATABASE_URL: database.url, DOCPUSH_DATA_DIR: dataDir, ...env });
  const logger = options.logger ?? pino({ level: env.LOG_LEVEL ?? 'silent' });
  const app = await startApp(config, { ...options, logger });
  if (!app.url || !app.firstAdminKey) throw new Error('The test app must serve the API and start on an empty database.');

  const url = app.url;
  const adminKey = app.firstAdminKey;
  const clients: Client[] = [];

  return {
    app,
    url,
    databaseUrl: database.url,
    adminKey,
    request: (document, variables, key = adminKey) => sendRequest(url, document, variables, key),
    wsClient: (key = adminKey) => {
      const client = createClient({
        url: url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: key ? { authorization: `Bearer ${key}` } : {},
        retryAttempts: 0,
        lazy: false,
      });
      clients.push(client);
      return client;
    },
    stop: async () => {
      await Promise.all(clients.map((client) => client.dispose()));
      await app.stop();
      await database.drop();
    },
  };
}

async function sendRequest<TResult, TVariables>(
  url: string,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables | undefined,
  key: string | null,
): Promise<ExecutionResult<TResult>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query: print(document), variables }) });
  return (await response.json()) as ExecutionResult<TResult>;
}

/** Returns `data` of a result, failing with the GraphQL errors when there are any. */
export function dataOf<T>(result: ExecutionResult<T>): T {
  if (result.errors?.length || !result.data) {
    throw new Error(`GraphQL request failed: ${JSON.stringify(result.errors ?? 'no data')}`);
  }
  return result.data;
}
