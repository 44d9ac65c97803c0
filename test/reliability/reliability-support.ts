import type http from 'node:http';
import { print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { Client } from 'graphql-ws';
import { dataOf, type TestApp } from '../support/test-app';
import { startListener, type ReceivedRequest, type TestListener } from '../support/listener';
import { waitFor } from '../support/wait';
import {
  CreatePushConnectionDocument,
  DeletePushConnectionDocument,
  EnablePushConnectionDocument,
  PushConnectionStatusDocument,
  PushConnectionsDocument,
  PushLogsDocument,
  PushMessageDocument,
  type CreatePushConnectionInput,
  type PushConnectionStatusSubscription,
  type PushConnectionStatusSubscriptionVariables,
  type PushMessageState,
} from '../generated/graphql';

export type CreatedConnection = Awaited<ReturnType<typeof createConnection>>;

type ConnectionInput = Partial<CreatePushConnectionInput> & { url: string };

/** Creates a push connection through the API. It starts disabled, and creating it sends no status event. */
async function createConnection(app: TestApp, input: ConnectionInput) {
  return dataOf(
    await app.request(CreatePushConnectionDocument, {
      input: { name: 'Reliability listener', eventTypes: ['DocumentRecordUpdated'], ...input },
    }),
  ).createPushConnection;
}

/** Creates a push connection through the API and enables it. */
export async function createEnabledConnection(app: TestApp, input: ConnectionInput) {
  const created = await createConnection(app, input);
  dataOf(await app.request(EnablePushConnectionDocument, { id: created.id }));
  return created;
}

export type StatusSubscription = ReturnType<typeof collectSubscription<PushConnectionStatusSubscription, PushConnectionStatusSubscriptionVariables>>;

/** Unsubscribe functions of the subscriptions that createWatchedConnection opened and endStatusSubscriptions has not ended. */
const openStatusSubscriptions = new Set<() => void>();

/**
 * Creates a push connection, subscribes to its status changes and then enables it. Returns once
 * the subscription has received that ENABLED event, with `received` emptied, so it collects only
 * the changes made after the enable.
 *
 * The feed emits a change when its notification arrives, which can be after the mutation has
 * returned. So a subscription opened just after an enable can still receive that ENABLED event
 * before later changes, which is why the enable here waits until the subscription has attached.
 * The subscriber count shows that attach only when it rises from zero, so call
 * endStatusSubscriptions in afterEach.
 */
export async function createWatchedConnection(app: TestApp, input: ConnectionInput): Promise<{ connection: CreatedConnection; status: StatusSubscription }> {
  const feed = app.app.services.connectionStatusFeed;
  await waitFor(() => feed.subscriberCount === 0, { timeoutMs: WAIT_TIMEOUT_MS, description: 'the status subscriptions of earlier tests to end' });
  const connection = await createConnection(app, input);
  const status = collectSubscription(app.wsClient(), PushConnectionStatusDocument, { connectionId: connection.id });
  openStatusSubscriptions.add(status.unsubscribe);
  await waitFor(() => feed.subscriberCount > 0, { timeoutMs: WAIT_TIMEOUT_MS, description: 'the status subscription to attach' });

  dataOf(await app.request(EnablePushConnectionDocument, { id: connection.id }));
  const [enabled] = await status.waitForCount(1);
  expect(enabled.pushConnectionStatus).toMatchObject({ connectionId: connection.id, change: 'ENABLED' });
  status.received.splice(0);
  return { connection, status };
}

/** Ends the subscriptions that createWatchedConnection opened and waits until the feed has detached them. */
export async function endStatusSubscriptions(app: TestApp): Promise<void> {
  for (const unsubscribe of openStatusSubscriptions) unsubscribe();
  openStatusSubscriptions.clear();
  await waitFor(() => app.app.services.connectionStatusFeed.subscriberCount === 0, {
    timeoutMs: WAIT_TIMEOUT_MS,
    description: 'the status subscriptions to detach',
  });
}

/** Deletes every connection of the workspace, so that the next test's events trigger only its own. */
export async function deleteAllConnections(app: TestApp): Promise<void> {
  const page = dataOf(await app.request(PushConnectionsDocument, { first: 100 })).pushConnections;
  for (const edge of page.edges) dataOf(await app.request(DeletePushConnectionDocument, { id: edge.node.id }));
}

export async function fetchMessage(app: TestApp, id: string) {
  return dataOf(await app.request(PushMessageDocument, { id })).pushMessage;
}

/**
 * Deadline of the waits in these tests. Passing tests return as soon as their condition holds;
 * the deadline is long because other test runs may share the machine's two cores.
 */
export const WAIT_TIMEOUT_MS = 30_000;

/** Polls the message through the API until it reaches `state`, and returns it. */
export async function waitForMessageState(app: TestApp, id: string, state: PushMessageState, timeoutMs = WAIT_TIMEOUT_MS) {
  let message = await fetchMessage(app, id);
  await waitFor(
    async () => {
      message = await fetchMessage(app, id);
      return message.state === state;
    },
    { timeoutMs, intervalMs: 50, description: `message ${id} to become ${state}` },
  ).catch((error: Error) => {
    throw new Error(`${error.message} It is ${message.state} after ${message.attempts} attempt(s).`);
  });
  return message;
}

/** Returns the push logs of a message, oldest attempt first. */
export async function fetchLogsOfMessage(app: TestApp, messageId: string) {
  const page = dataOf(await app.request(PushLogsDocument, { filter: { messageId }, first: 100 })).pushLogs;
  return page.edges.map((edge) => edge.node).sort((a, b) => a.attempt - b.attempt);
}

/**
 * Subscribes over graphql-ws and collects every event until `unsubscribe`. A subscription
 * error fails the next `waitForCount`.
 */
export function collectSubscription<TResult, TVariables extends Record<string, unknown>>(
  client: Client,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
) {
  const received: TResult[] = [];
  let failure: unknown = null;
  const unsubscribe = client.subscribe<TResult>(
    { query: print(document), variables },
    {
      next: (value) => {
        if (value.errors) failure = value.errors;
        else if (value.data) received.push(value.data as TResult);
      },
      error: (error) => {
        failure = error;
      },
      complete: () => undefined,
    },
  );
  return {
    received,
    unsubscribe,
    waitForCount: async (count: number, timeoutMs = WAIT_TIMEOUT_MS) => {
      await waitFor(
        () => {
          if (failure) throw new Error(`Subscription failed: ${JSON.stringify(failure)}`);
          return received.length >= count;
        },
        { timeoutMs, description: `${count} subscription event(s)` },
      );
      return received.slice(0, count);
    },
  };
}

/** A listener that keeps requests open until the test releases them. */
export interface HoldingListener extends TestListener {
  /** Responses held back so far, oldest first, including those whose client has given up. */
  heldResponses: http.ServerResponse[];
  /** Number of held requests whose client still waits. */
  openCount(): number;
  /** Largest number of requests that were open at the same time. */
  maxOpen(): number;
  /** Responds to every held request with `status`, and to later requests at once. */
  release(status?: number): void;
}

/** Starts a listener that sends no response until `release`, counting how many requests are open at once. */
export async function startHoldingListener(): Promise<HoldingListener> {
  const held: http.ServerResponse[] = [];
  let open = 0;
  let maxOpen = 0;
  let releasedWith: number | null = null;

  const answer = (response: http.ServerResponse, status: number) => {
    response.writeHead(status, { 'content-type': 'text/plain' });
    response.end('released');
  };
  const listener = await startListener((_request: ReceivedRequest, response) => {
    if (releasedWith !== null) return answer(response, releasedWith);
    open += 1;
    maxOpen = Math.max(maxOpen, open);
    response.on('close', () => (open -= 1));
    held.push(response);
  });

  return {
    ...listener,
    heldResponses: held,
    openCount: () => open,
    maxOpen: () => maxOpen,
    release: (status = 200) => {
      releasedWith = status;
      for (const response of held.splice(0)) {
        if (!response.writableEnded && !response.destroyed) answer(response, status);
      }
    },
  };
}
