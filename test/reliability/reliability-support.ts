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
  PushConnectionsDocument,
  PushLogsDocument,
  PushMessageDocument,
  type CreatePushConnectionInput,
  type PushMessageState,
} from '../generated/graphql';

export type CreatedConnection = Awaited<ReturnType<typeof createEnabledConnection>>;

/** Creates a push connection through the API and enables it. */
export async function createEnabledConnection(app: TestApp, input: Partial<CreatePushConnectionInput> & { url: string }) {
  const created = dataOf(
    await app.request(CreatePushConnectionDocument, {
      input: { name: 'Reliability listener', eventTypes: ['DocumentRecordUpdated'], ...input },
    }),
  ).createPushConnection;
  dataOf(await app.request(EnablePushConnectionDocument, { id: created.id }));
  return created;
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
