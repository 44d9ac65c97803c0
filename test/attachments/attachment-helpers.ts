import { createHash } from 'node:crypto';
import { print, type ExecutionResult } from 'graphql';
import type { Client } from 'graphql-ws';
import { dataOf, type TestApp } from '../support/test-app';
import type { ReceivedRequest } from '../support/listener';
import { waitFor } from '../support/wait';
import type { SeededWorkspace } from '../support/fixtures';
import {
  CreatePushConnectionDocument,
  DeliveryLogDocument,
  DisablePushConnectionDocument,
  EnablePushConnectionDocument,
  PushLogsDocument,
  type ContentBlockInput,
  type CreatePushConnectionInput,
  type DeliveryLogSubscription,
} from '../generated/graphql';
import { Template } from '../../src/catalog/template.entity';
import type { TemplateSuite } from '../../src/catalog/template-suite.entity';
import { DocumentRecord } from '../../src/records/document-record.entity';
import { PushMessage } from '../../src/delivery/push-message.entity';
import { newRecordCode } from '../../src/common/ids';
import { DEFAULT_LAYOUT, type ContentBlock } from '../../src/rendering/document-content';
import { REDACTED_FILE_DATA, type PushPayload } from '../../src/delivery/push-payload';
import { CONTRACT_PROPERTIES } from '../rendering/contract.fixture';

export type PushedBody = PushPayload & { files?: NonNullable<PushPayload['files']> };

/** Standard Base64 with padding and nothing else (RFC 4648 section 4). */
export const STANDARD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Decodes a pushed `data` field, failing when it is not standard Base64. */
export function decodeData(data: string): Buffer {
  if (!STANDARD_BASE64.test(data)) throw new Error(`data is not standard Base64: ${data.slice(0, 40)}...`);
  return Buffer.from(data, 'base64');
}

export async function seedTemplate(app: TestApp, seeded: SeededWorkspace, suite: TemplateSuite, name: string): Promise<Template> {
  const em = app.app.services.orm.em.fork();
  const template = em.create(Template, {
    workspace: seeded.workspaceId,
    templateSuite: suite.id,
    name,
    layout: { ...DEFAULT_LAYOUT, headerText: 'Northwind Consulting – Service Agreement', footerText: 'Confidential' },
  });
  await em.flush();
  return template;
}

/** Seeds a record of `suite` with the contract fixture's properties as text, a number and a user property. */
export async function seedContractRecord(app: TestApp, seeded: SeededWorkspace, suite: TemplateSuite | null, name = 'Service Agreement'): Promise<DocumentRecord> {
  const em = app.app.services.orm.em.fork();
  const properties = [
    ...CONTRACT_PROPERTIES.map((property, index) => ({ id: index + 1, name: property.name, type: 'text', value: property.value })),
    { id: 20, name: 'Contract value', type: 'number', value: 1500 },
    { id: 21, name: 'Responsible lawyer', type: 'user', value: seeded.author.id },
  ];
  const record = em.create(DocumentRecord, {
    workspace: seeded.workspaceId,
    code: newRecordCode(),
    name,
    templateSuite: suite?.id ?? null,
    documentRecordType: seeded.recordType.id,
    author: seeded.author.id,
    owner: seeded.author.id,
    properties,
  });
  await em.flush();
  return record;
}

/** Converts stored content blocks to the GraphQL input, which uses the same field names. */
export function toBlockInputs(blocks: ContentBlock[]): ContentBlockInput[] {
  return blocks.map((block) => ({ ...block }));
}

export async function createEnabledConnection(app: TestApp, input: Partial<CreatePushConnectionInput> & { url: string }) {
  const created = dataOf(
    await app.request(CreatePushConnectionDocument, { input: { name: 'Attachments listener', eventTypes: ['DocumentRecordUpdated'], ...input } }),
  ).createPushConnection;
  dataOf(await app.request(EnablePushConnectionDocument, { id: created.id }));
  return created;
}

export async function disableConnection(app: TestApp, id: string): Promise<void> {
  dataOf(await app.request(DisablePushConnectionDocument, { id }));
}

export function bodyOf(request: ReceivedRequest): PushedBody {
  return JSON.parse(request.body) as PushedBody;
}

/** Returns the body with every file's `data` replaced by the redaction notice, nothing else changed. */
export function redactedCopy(body: PushedBody): PushedBody {
  const copy = structuredClone(body);
  for (const file of [...(copy.files?.generated ?? []), ...(copy.files?.uploaded ?? [])]) file.data = REDACTED_FILE_DATA;
  return copy;
}

export async function fetchLogs(app: TestApp, filter: { connectionId?: string; messageId?: string }) {
  return dataOf(await app.request(PushLogsDocument, { filter, first: 100 })).pushLogs.edges.map((edge) => edge.node);
}

/** Waits until the push log has at least `count` rows that match the filter and returns them, oldest first. */
export async function waitForLogs(app: TestApp, filter: { connectionId?: string; messageId?: string }, count: number, timeoutMs = 10_000) {
  let logs: Awaited<ReturnType<typeof fetchLogs>> = [];
  await waitFor(
    async () => {
      logs = await fetchLogs(app, filter);
      return logs.length >= count;
    },
    { timeoutMs, description: `${count} push log row(s) for ${JSON.stringify(filter)}` },
  );
  return [...logs].sort((a, b) => a.attempt - b.attempt);
}

export async function loadMessage(app: TestApp, id: string): Promise<PushMessage> {
  return app.app.services.orm.em.fork().findOneOrFail(PushMessage, id);
}

/**
 * Subscribes to deliveryLog and collects what arrives until the client is disposed. Open it with
 * subscribeAttached of test/support/feed-subscribers before causing the logs to stream.
 */
export function collectDeliveryLog(client: Client, variables: { connectionId?: string } = {}) {
  const received: DeliveryLogSubscription['deliveryLog'][] = [];
  const errors: unknown[] = [];
  client.subscribe<DeliveryLogSubscription>(
    { query: print(DeliveryLogDocument), variables },
    {
      next: (value) => {
        if (value.data) received.push(value.data.deliveryLog);
      },
      error: (error) => errors.push(error),
      complete: () => undefined,
    },
  );
  return { received, errors };
}

/** Returns the first GraphQL error of a result, failing when the request succeeded. */
export function errorOf(result: ExecutionResult<unknown>) {
  const error = result.errors?.[0];
  if (!error) throw new Error(`expected a GraphQL error, got data ${JSON.stringify(result.data)}`);
  return { message: error.message, code: error.extensions?.code, field: error.extensions?.field };
}
