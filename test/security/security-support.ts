import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import type { FormattedExecutionResult } from 'graphql';
import type { TestApp } from '../support/test-app';
import { createApiKey, createWorkspace } from '../../src/workspace/workspace.service';
import { ApiKeyRole } from '../../src/workspace/api-key.entity';
import { Workspace } from '../../src/workspace/workspace.entity';
import { waitFor } from '../support/wait';

/** A GraphQL response body with the HTTP status it came with. */
export interface RawResponse {
  status: number;
  body: {
    data?: Record<string, unknown> | null;
    errors?: Array<{ message: string; extensions?: { code?: string; field?: string } & Record<string, unknown>; path?: unknown }>;
  };
}

/** Sends `query` over HTTP with `authorization` as the header value (none when null). */
export async function postGraphQL(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  authorization: string | null = null,
): Promise<RawResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (authorization !== null) headers.authorization = authorization;
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  return { status: response.status, body: (await response.json()) as RawResponse['body'] };
}

export const bearer = (key: string) => `Bearer ${key}`;

/** Returns `data` of a successful response, failing with the errors otherwise. */
export function okData(response: RawResponse): Record<string, any> {
  if (response.body.errors?.length || !response.body.data) {
    throw new Error(`GraphQL request failed with HTTP ${response.status}: ${JSON.stringify(response.body.errors ?? 'no data')}`);
  }
  return response.body.data;
}

/** Creates an API key of an existing workspace straight through the ORM and returns the clear-text key. */
export async function addApiKey(app: TestApp, workspaceId: number, role: ApiKeyRole, name = `${role} key`): Promise<{ key: string; id: number }> {
  const em = app.app.services.orm.em.fork();
  const workspace = await em.findOneOrFail(Workspace, workspaceId);
  const created = createApiKey(em, workspace, name, role);
  await em.flush();
  return { key: created.key, id: created.apiKey.id };
}

/** A second workspace, with its ADMIN key from creation and a MEMBER key. */
export interface OtherWorkspace {
  workspaceId: number;
  adminKey: string;
  memberKey: string;
}

export async function createOtherWorkspace(app: TestApp, name: string): Promise<OtherWorkspace> {
  const created = await createWorkspace(app.app.services.orm.em.fork(), name);
  const member = await addApiKey(app, created.workspace.id, ApiKeyRole.MEMBER);
  return { workspaceId: created.workspace.id, adminKey: created.adminKey, memberKey: member.key };
}

/** What a graphql-ws client saw: the close event, once the socket closed. */
export interface WsProbe {
  client: Client;
  closed: Promise<{ code: number; reason: string }>;
  connected: Promise<void>;
}

/** Opens a graphql-ws client to the API at `httpUrl` that sends `connectionParams` in connection_init and never reconnects. */
export function openWs(httpUrl: string, connectionParams: Record<string, unknown>): WsProbe {
  let resolveClosed!: (event: { code: number; reason: string }) => void;
  let resolveConnected!: () => void;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (resolveClosed = resolve));
  const connected = new Promise<void>((resolve) => (resolveConnected = resolve));
  const client = createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: true,
    on: {
      connected: () => resolveConnected(),
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string };
        resolveClosed({ code, reason: String(reason) });
      },
    },
  });
  return { client, closed, connected };
}

/** Everything one graphql-ws operation delivered. */
export interface CollectedOperation {
  results: FormattedExecutionResult<Record<string, any>, unknown>[];
  /** The error sink's argument: GraphQL errors, or the close event of a closed socket. */
  error: unknown;
  completed: boolean;
  unsubscribe(): void;
  /** Resolves once the operation errored or completed. */
  ended: Promise<void>;
}

export function collect(client: Client, query: string, variables: Record<string, unknown> = {}): CollectedOperation {
  let resolveEnded!: () => void;
  const collected: CollectedOperation = {
    results: [],
    error: undefined,
    completed: false,
    unsubscribe: () => undefined,
    ended: new Promise<void>((resolve) => (resolveEnded = resolve)),
  };
  collected.unsubscribe = client.subscribe<Record<string, any>>(
    { query, variables },
    {
      next: (value) => collected.results.push(value),
      error: (error) => {
        collected.error = error;
        resolveEnded();
      },
      complete: () => {
        collected.completed = true;
        resolveEnded();
      },
    },
  );
  return collected;
}

/**
 * Waits until the delivery log feed has at least `count` subscribers. That shows a new subscription
 * in place only while no subscription of an earlier test can still detach. subscribeAttached of
 * test/support/feed-subscribers waits for those first.
 */
export async function waitForFeedSubscribers(app: TestApp, count: number): Promise<void> {
  const feed = app.app.services.deliveryLogFeed;
  await waitFor(() => feed.subscriberCount >= count, { description: `${count} deliveryLog subscriber(s)` });
}

/** Creates a pino logger at level trace that keeps every line in memory, so tests can search the log text. */
export function captureLogs(): { logger: Logger; text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  const logger = pino({ level: 'trace', base: { service: 'docpush' } }, stream);
  return { logger, text: () => chunks.join('') };
}
