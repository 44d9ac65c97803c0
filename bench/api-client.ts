import { Pool } from 'undici';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { buildServiceAgreementInput, CONTRACT_PROPERTIES } from '../test/rendering/contract.fixture';

/** The connection to one docpush API process, over keep-alive HTTP connections. */
export class ApiClient {
  private readonly pool: Pool;
  private readonly path: string;

  constructor(
    readonly graphqlUrl: string,
    private readonly adminKey: string,
    connections = 64,
  ) {
    const url = new URL(graphqlUrl);
    this.pool = new Pool(url.origin, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
    this.path = url.pathname;
  }

  /** Sends one GraphQL operation and returns its data; throws with the GraphQL errors when there are any. */
  async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await this.pool.request({
      path: this.path,
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.adminKey}` },
      body: JSON.stringify({ query, variables }),
    });
    const result = (await response.body.json()) as { data?: T; errors?: Array<{ message: string }> };
    if (result.errors?.length || !result.data) {
      throw new Error(`GraphQL request failed (HTTP ${response.statusCode}): ${result.errors?.map((error) => error.message).join('; ') ?? 'no data'}`);
    }
    return result.data;
  }

  /** Records one timeline event and returns the ids of the push messages it queued. */
  async recordEvent(documentRecordId: string, type: string, authorId: string): Promise<string[]> {
    const data = await this.request<{ recordDocumentEvent: { pushMessageIds: string[] } }>(
      `mutation ($input: RecordDocumentEventInput!) { recordDocumentEvent(input: $input) { pushMessageIds } }`,
      { input: { documentRecordId, type, authorId, parameters: { source: 'benchmark' } } },
    );
    return data.recordDocumentEvent.pushMessageIds;
  }

  /** Records one event per record id in one request; returns each event's push message ids, in order. */
  async recordEvents(documentRecordIds: string[], type: string, authorId: string): Promise<string[][]> {
    const inputs = documentRecordIds.map((documentRecordId) => ({ documentRecordId, type, authorId, parameters: { source: 'benchmark' } }));
    const data = await this.request<{ recordDocumentEvents: Array<{ pushMessageIds: string[] }> }>(
      `mutation ($inputs: [RecordDocumentEventInput!]!) { recordDocumentEvents(inputs: $inputs) { pushMessageIds } }`,
      { inputs },
    );
    return data.recordDocumentEvents.map((recorded) => recorded.pushMessageIds);
  }

  /** Opens a graphql-ws client authenticated with the admin key. */
  openWebSocket(): Client {
    return createClient({
      url: this.graphqlUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${this.adminKey}` },
      retryAttempts: 0,
      lazy: false,
      // The subscription's own error callback records a lost connection; the default prints it to the console.
      onNonLazyError: () => undefined,
    });
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** Event types that route the benchmark's events to its connection sets. */
export const ROUTES = {
  /** One connection per event. */
  single: { eventType: 'DocumentRecordUpdated', path: '/plain' },
  /** Ten connections per event. */
  fanOut: { eventType: 'WorkflowStatusChanged', path: '/fan-out' },
  /** One connection that attaches the record's documents as DOCX and PDF. */
  attachments: { eventType: 'NewDocumentVersion', path: '/attachments' },
} as const;

export const FAN_OUT_CONNECTIONS = 10;

/** Ids of the seeded workspace that the scenarios use. */
export interface BenchWorkspace {
  authorId: string;
  /** Records without documents, used round-robin so events rarely wait for one record's row lock. */
  plainRecordIds: string[];
  /** Records with one two-page contract document each. */
  documentRecordIds: string[];
  /** Set when the attachment set-up failed, with the reason. */
  attachmentSetupError: string | null;
}

/** Creates the user, records, documents and push connections of a benchmark run through the API. */
export async function seedBenchWorkspace(api: ApiClient, listenerUrl: string, counts: { plainRecords: number; documentRecords: number }): Promise<BenchWorkspace> {
  const { createUser } = await api.request<{ createUser: { id: string } }>(
    `mutation ($input: CreateUserInput!) { createUser(input: $input) { id } }`,
    { input: { name: 'Benchmark Author', email: 'bench@example.com' } },
  );
  const authorId = createUser.id;
  const plainRecordIds = await createRecords(api, authorId, null, counts.plainRecords);

  await createConnection(api, { name: 'bench single', url: `${listenerUrl}${ROUTES.single.path}`, eventTypes: [ROUTES.single.eventType] });
  for (let i = 1; i <= FAN_OUT_CONNECTIONS; i += 1) {
    await createConnection(api, { name: `bench fan-out ${i}`, url: `${listenerUrl}${ROUTES.fanOut.path}`, eventTypes: [ROUTES.fanOut.eventType] });
  }

  let documentRecordIds: string[] = [];
  let attachmentSetupError: string | null = null;
  try {
    documentRecordIds = await seedDocuments(api, authorId, counts.documentRecords);
    // Created after the documents, so their own NewDocumentVersion events trigger nothing.
    await createConnection(api, {
      name: 'bench attachments',
      url: `${listenerUrl}${ROUTES.attachments.path}`,
      eventTypes: [ROUTES.attachments.eventType],
      attachFilesGenerated: true,
      fileTypes: ['docx', 'pdf'],
    });
  } catch (error) {
    attachmentSetupError = (error as Error).message;
  }
  return { authorId, plainRecordIds, documentRecordIds, attachmentSetupError };
}

async function createRecords(api: ApiClient, authorId: string, templateSuiteId: string | null, count: number): Promise<string[]> {
  const properties = CONTRACT_PROPERTIES.map((property, index) => ({ id: index + 1, name: property.name, type: 'text', value: property.value }));
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const { createDocumentRecord } = await api.request<{ createDocumentRecord: { id: string } }>(
      `mutation ($input: CreateDocumentRecordInput!) { createDocumentRecord(input: $input) { id } }`,
      { input: { name: `Service Agreement ${i + 1}`, authorId, templateSuiteId, properties } },
    );
    ids.push(createDocumentRecord.id);
  }
  return ids;
}

/** Creates a template with the contract's layout and one record with the two-page contract per count. */
async function seedDocuments(api: ApiClient, authorId: string, count: number): Promise<string[]> {
  const contract = buildServiceAgreementInput();
  const { createTemplateSuite } = await api.request<{ createTemplateSuite: { id: string } }>(
    `mutation ($input: TemplateSuiteInput!) { createTemplateSuite(input: $input) { id } }`,
    { input: { name: 'Benchmark contracts' } },
  );
  const { createTemplate } = await api.request<{ createTemplate: { id: string } }>(
    `mutation ($input: CreateTemplateInput!) { createTemplate(input: $input) { id } }`,
    { input: { name: contract.template.name, templateSuiteId: createTemplateSuite.id, layout: contract.template.layout } },
  );

  const recordIds = await createRecords(api, authorId, createTemplateSuite.id, count);
  for (const documentRecordId of recordIds) {
    await api.request(`mutation ($input: CreateDocumentInput!) { createDocument(input: $input) { id } }`, {
      input: { documentRecordId, templateId: createTemplate.id, content: contract.document.content },
    });
  }
  return recordIds;
}

async function createConnection(api: ApiClient, input: Record<string, unknown>): Promise<void> {
  const { createPushConnection } = await api.request<{ createPushConnection: { id: string } }>(
    `mutation ($input: CreatePushConnectionInput!) { createPushConnection(input: $input) { id } }`,
    { input },
  );
  await api.request(`mutation ($id: ID!) { enablePushConnection(id: $id) { id } }`, { id: createPushConnection.id });
}
