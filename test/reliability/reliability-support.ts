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

/** Polls the message through the API until it reaches `state`, and returns it. */
export async function waitForMessageState(app: TestApp, id: string, state: PushMessageState, timeoutMs = 10_000) {
  let message = await fetchMessage(app, id);
  await waitFor(
    async () => {
      message = await fetchMessage(app, id);
      return message.state === state;
    },
    { timeoutMs, intervalMs: 50, description: `message ${id} to become ${state} (it is ${message.state})` },
  );
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
    waitForCount: async (count: number, timeoutMs = 10_000) => {
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

/** A listener that keeps requests open until the test answers them. */
export interface HoldingListener extends TestListener {
  /** Responses not answered yet, oldest first. */
  held: http.ServerResponse[];
  /** Largest number of requests that were open at the same time. */
  maxOpen(): number;
  /** Answers every held request with `status` and answers later requests at once. */
  release(status?: number): void;
}

/** Starts a listener that answers nothing until `release`, counting how many requests it holds at once. */
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
    held,
    maxOpen: () => maxOpen,
    release: (status = 200) => {
      releasedWith = status;
      for (const response of held.splice(0)) {
        if (!response.writableEnded && !response.destroyed) answer(response, status);
      }
    },
  };
}
