/**
 * Tenant isolation and role matrix over every root field of the schema. Workspace A is the one
 * the test app creates; workspace B is created with createWorkspace and probes A with its own
 * ADMIN and MEMBER keys. A field without a case in OPERATIONS fails the coverage test, so a new
 * operation cannot ship without being probed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, type GraphQLSchema } from 'graphql';
import { startTestApp, type TestApp } from '../support/test-app';
import { startListener, type TestListener } from '../support/listener';
import { waitFor } from '../support/wait';
import { buildDocpushSchema } from '../../src/graphql/schema';
import { NEEDS_ADMIN_KEY, NEEDS_ANY_KEY } from '../../src/graphql/auth-checker';
import { generateApiKey } from '../../src/security/api-key';
import {
  bearer,
  collect,
  createOtherWorkspace,
  okData,
  openWs,
  postGraphQL,
  type OtherWorkspace,
  type RawResponse,
} from './security-support';

/** Ids and secrets of one workspace's objects, created through the API. */
interface Seeded {
  tag: string;
  userId: string;
  suiteId: string;
  templateId: string;
  recordTypeId: string;
  recordId: string;
  recordCode: string;
  documentId: string;
  fileId: string;
  connectionId: string;
  /** A disabled connection that the matrix enables, disables, rotates and updates. */
  spareConnectionId: string;
  systemName: string;
  signingSecret: string;
  messageId: string;
  logId: string;
  spareKeyId: string;
  spareKeyPrefix: string;
}

type Variables = Record<string, unknown>;

/** A probe that passes an id of workspace A where B's caller should pass one of its own. */
interface ForeignProbe {
  /** The id of A that the probe passes. */
  id: (a: Seeded) => string;
  /** The variables, with `target` in the place of the probed id and B's ids elsewhere. */
  variables: (target: string, b: Seeded) => Variables;
  /** True for a filter argument, whose result is an empty list, not an error. */
  filter?: true;
  /** An id of the probed kind that no row has (MISSING_ID unless set). */
  missingId?: string;
}

/** How a subscription is fed and how its payload names the object that caused it. */
interface SubscriptionCase {
  /** Current number of subscribers of the feed behind the subscription. */
  subscribers: () => number;
  /** Makes the workspace of `adminKey` emit one event and returns the id the payload carries. */
  trigger: (adminKey: string, seeded: Seeded) => Promise<string>;
  /** Reads that id from a payload. */
  idOf: (data: Record<string, any>) => string;
  /** Variables that restrict the subscription to one object of workspace A. */
  onlyA: (a: Seeded) => Variables;
}

interface OperationCase {
  /** The weakest role that may run the operation. */
  role: 'ADMIN' | 'MEMBER';
  query: string;
  /** Valid variables for workspace B; they may create what the call consumes. */
  own: (b: Seeded) => Variables | Promise<Variables>;
  /** Each must fail exactly as the same call with an id that exists nowhere. */
  foreign?: ForeignProbe[];
}

/** An id that no table contains. */
const MISSING_ID = '987654321';
/** A push message id that no message has. */
const MISSING_MESSAGE_ID = 'msg_01JD5X7M3Q8ZP4N6R2T9V0W1YC';
const A_TAG = 'ALPHAMARK';
const B_TAG = 'BRAVO';

let uniqueCounter = 0;
const unique = (prefix: string) => `${prefix}-${(uniqueCounter += 1)}`;

const content = (title: string) => ({ title, blocks: [{ kind: 'paragraph', text: title }] });

const OPERATIONS: Record<string, OperationCase> = {
  // Queries
  'Query.pushConnections': {
    role: 'ADMIN',
    query: 'query { pushConnections(first: 100) { totalCount edges { node { id name url systemName headers { name value } } } } }',
    own: () => ({}),
  },
  'Query.pushConnection': {
    role: 'ADMIN',
    query: 'query ($id: ID!) { pushConnection(id: $id) { id name signingSecret } }',
    own: (b) => ({ id: b.connectionId }),
    foreign: [{ id: (a) => a.connectionId, variables: (id) => ({ id }) }],
  },
  'Query.pushLogs': {
    role: 'ADMIN',
    query:
      'query ($filter: PushLogFilter) { pushLogs(first: 100, filter: $filter) { totalCount edges { node { id connectionId connectionName messageId requestUrl requestHeaders requestBody } } } }',
    own: () => ({}),
    foreign: [
      { id: (a) => a.connectionId, variables: (connectionId) => ({ filter: { connectionId } }) },
      { id: (a) => a.messageId, variables: (messageId) => ({ filter: { messageId } }), filter: true, missingId: MISSING_MESSAGE_ID },
    ],
  },
  'Query.pushLog': {
    role: 'ADMIN',
    query: 'query ($id: ID!) { pushLog(id: $id) { id connectionName requestBody } }',
    own: (b) => ({ id: b.logId }),
    foreign: [{ id: (a) => a.logId, variables: (id) => ({ id }) }],
  },
  'Query.users': {
    role: 'MEMBER',
    query: 'query { users(first: 100) { totalCount edges { node { id name email customData } } } }',
    own: () => ({}),
  },
  'Query.user': {
    role: 'MEMBER',
    query: 'query ($id: ID!) { user(id: $id) { id name email } }',
    own: (b) => ({ id: b.userId }),
    foreign: [{ id: (a) => a.userId, variables: (id) => ({ id }) }],
  },
  'Query.workspace': {
    role: 'MEMBER',
    query: 'query { workspace { id name defaultApiUser { id name email } } }',
    own: () => ({}),
  },
  'Query.apiKeys': {
    role: 'ADMIN',
    query: 'query { apiKeys { id name prefix role } }',
    own: () => ({}),
  },
  'Query.templateSuites': {
    role: 'MEMBER',
    query: 'query { templateSuites(first: 100) { totalCount edges { node { id name } } } }',
    own: () => ({}),
  },
  'Query.templateSuite': {
    role: 'MEMBER',
    query: 'query ($id: ID!) { templateSuite(id: $id) { id name } }',
    own: (b) => ({ id: b.suiteId }),
    foreign: [{ id: (a) => a.suiteId, variables: (id) => ({ id }) }],
  },
  'Query.templates': {
    role: 'MEMBER',
    query: 'query ($suiteId: ID) { templates(first: 100, templateSuiteId: $suiteId) { totalCount edges { node { id name templateSuiteId } } } }',
    own: () => ({}),
    foreign: [{ id: (a) => a.suiteId, variables: (suiteId) => ({ suiteId }) }],
  },
  'Query.template': {
    role: 'MEMBER',
    query: 'query ($id: ID!) { template(id: $id) { id name layout } }',
    own: (b) => ({ id: b.templateId }),
    foreign: [{ id: (a) => a.templateId, variables: (id) => ({ id }) }],
  },
  'Query.documentRecordTypes': {
    role: 'MEMBER',
    query: 'query { documentRecordTypes(first: 100) { totalCount edges { node { id name } } } }',
    own: () => ({}),
  },
  'Query.documentRecordType': {
    role: 'MEMBER',
    query: 'query ($id: ID!) { documentRecordType(id: $id) { id name } }',
    own: (b) => ({ id: b.recordTypeId }),
    foreign: [{ id: (a) => a.recordTypeId, variables: (id) => ({ id }) }],
  },
  'Query.documentRecords': {
    role: 'MEMBER',
    query: 'query { documentRecords(first: 100) { totalCount edges { node { id code name properties persons { name email } } } } }',
    own: () => ({}),
  },
  'Query.documentRecord': {
    role: 'MEMBER',
    query: 'query ($id: ID!) { documentRecord(id: $id) { id code name events(first: 100) { totalCount edges { node { id parameters } } } } }',
    own: (b) => ({ id: b.recordId }),
    foreign: [{ id: (a) => a.recordId, variables: (id) => ({ id }) }],
  },
  'Query.documentRecordEvents': {
    role: 'MEMBER',
    query: 'query ($recordId: ID!) { documentRecordEvents(first: 100, documentRecordId: $recordId) { totalCount edges { node { id type parameters } } } }',
    own: (b) => ({ recordId: b.recordId }),
    foreign: [{ id: (a) => a.recordId, variables: (recordId) => ({ recordId }) }],
  },
  'Query.documents': {
    role: 'MEMBER',
    query: 'query ($recordId: ID!) { documents(documentRecordId: $recordId) { id templateId content { title } } }',
    own: (b) => ({ recordId: b.recordId }),
    foreign: [{ id: (a) => a.recordId, variables: (recordId) => ({ recordId }) }],
  },
  'Query.files': {
    role: 'MEMBER',
    query: 'query ($recordId: ID!) { files(first: 100, documentRecordId: $recordId) { totalCount edges { node { id fileName sha256 } } } }',
    own: (b) => ({ recordId: b.recordId }),
    foreign: [{ id: (a) => a.recordId, variables: (recordId) => ({ recordId }) }],
  },

  // Mutations
  'Mutation.createPushConnection': {
    role: 'ADMIN',
    query: 'mutation ($input: CreatePushConnectionInput!) { createPushConnection(input: $input) { id name templateSuites documentRecordTypes } }',
    own: () => ({ input: { name: unique('B connection'), url: 'http://127.0.0.1:9/hook', eventTypes: ['DocumentRecordUpdated'] } }),
    foreign: [
      {
        id: (a) => a.suiteId,
        variables: (id) => ({ input: { name: 'probe', url: 'http://127.0.0.1:9/hook', eventTypes: ['DocumentRecordUpdated'], templateSuiteAll: false, templateSuites: [id] } }),
      },
      {
        id: (a) => a.recordTypeId,
        variables: (id) => ({
          input: { name: 'probe', url: 'http://127.0.0.1:9/hook', eventTypes: ['DocumentRecordUpdated'], documentRecordTypeAll: false, documentRecordTypes: [id] },
        }),
      },
    ],
  },
  'Mutation.updatePushConnection': {
    role: 'ADMIN',
    query: 'mutation ($id: ID!, $input: UpdatePushConnectionInput!) { updatePushConnection(id: $id, input: $input) { id name templateSuites } }',
    own: (b) => ({ id: b.spareConnectionId, input: { name: unique('B spare connection') } }),
    foreign: [
      { id: (a) => a.connectionId, variables: (id) => ({ id, input: { name: 'taken over', url: 'http://127.0.0.1:9/stolen' } }) },
      { id: (a) => a.suiteId, variables: (id, b) => ({ id: b.spareConnectionId, input: { templateSuiteAll: false, templateSuites: [id] } }) },
      { id: (a) => a.recordTypeId, variables: (id, b) => ({ id: b.spareConnectionId, input: { documentRecordTypeAll: false, documentRecordTypes: [id] } }) },
    ],
  },
  'Mutation.enablePushConnection': {
    role: 'ADMIN',
    query: 'mutation ($id: ID!) { enablePushConnection(id: $id) { id enabled } }',
    own: (b) => ({ id: b.spareConnectionId }),
    foreign: [{ id: (a) => a.connectionId, variables: (id) => ({ id }) }],
  },
  'Mutation.disablePushConnection': {
    role: 'ADMIN',
    query: 'mutation ($id: ID!) { disablePushConnection(id: $id) { id enabled } }',
    own: (b) => ({ id: b.spareConnectionId }),
    foreign: [{ id: (a) => a.connectionId, variables: (id) => ({ id }) }],
  },
  'Mutation.deletePushConnection': {
    role: 'ADMIN',
    query: 'mutation ($id: ID!) { deletePushConnection(id: $id) { id } }',
    own: async () => ({ id: await createConnectionInB() }),
    foreign: [{ id: (a) => a.connectionId, variables: (id) => ({ id }) }],
  },
  'Mutation.rotatePushConnectionSecret': {
    role: 'ADMIN',
    query: 'mutation ($id: ID!) { rotatePushConnectionSecret(id: $id) { id signingSecret } }',
    own: (b) => ({ id: b.spareConnectionId }),
    foreign: [{ id: (a) => a.connectionId, variables: (id) => ({ id }) }],
  },
  'Mutation.createUser': {
    role: 'ADMIN',
    query: 'mutation ($input: CreateUserInput!) { createUser(input: $input) { id name } }',
    own: () => ({ input: { name: 'B user', email: `${unique('b-user')}@bravo.example` } }),
  },
  'Mutation.updateUser': {
    role: 'ADMIN',
    query: 'mutation ($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { id name email } }',
    own: (b) => ({ id: b.userId, input: { position: 'Clerk' } }),
    foreign: [{ id: (a) => a.userId, variables: (id) => ({ id, input: { email: 'attacker@bravo.example' } }) }],
  },
  'Mutation.setDefaultApiUser': {
    role: 'ADMIN',
    query: 'mutation ($userId: ID!) { setDefaultApiUser(userId: $userId) { id defaultApiUser { id name email } } }',
    own: (b) => ({ userId: b.userId }),
    foreign: [{ id: (a) => a.userId, variables: (userId) => ({ userId }) }],
  },
  'Mutation.createApiKey': {
    role: 'ADMIN',
    query: 'mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { id name role } } }',
    own: () => ({ input: { name: unique('B key'), role: 'MEMBER' } }),
  },
  'Mutation.revokeApiKey': {
    role: 'ADMIN',
    query: 'mutation ($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }',
    own: (b) => ({ id: b.spareKeyId }),
    foreign: [{ id: (a) => a.spareKeyId, variables: (id) => ({ id }) }],
  },
  'Mutation.createTemplateSuite': {
    role: 'ADMIN',
    query: 'mutation ($input: TemplateSuiteInput!) { createTemplateSuite(input: $input) { id name } }',
    own: () => ({ input: { name: unique('B suite') } }),
  },
  'Mutation.updateTemplateSuite': {
    role: 'ADMIN',
    query: 'mutation ($id: ID!, $input: TemplateSuiteInput!) { updateTemplateSuite(id: $id, input: $input) { id name } }',
    own: (b) => ({ id: b.suiteId, input: { name: unique('B suite') } }),
    foreign: [{ id: (a) => a.suiteId, variables: (id) => ({ id, input: { name: 'taken over' } }) }],
  },
  'Mutation.createTemplate': {
    role: 'ADMIN',
    query: 'mutation ($input: CreateTemplateInput!) { createTemplate(input: $input) { id name templateSuiteId } }',
    own: (b) => ({ input: { templateSuiteId: b.suiteId, name: unique('B template') } }),
    foreign: [{ id: (a) => a.suiteId, variables: (templateSuiteId) => ({ input: { templateSuiteId, name: 'probe' } }) }],
  },
  'Mutation.updateTemplate': {
    role: 'ADMIN',
    query: 'mutation ($id: ID!, $input: UpdateTemplateInput!) { updateTemplate(id: $id, input: $input) { id name templateSuiteId } }',
    own: (b) => ({ id: b.templateId, input: { name: unique('B template') } }),
    foreign: [
      { id: (a) => a.templateId, variables: (id) => ({ id, input: { name: 'taken over' } }) },
      { id: (a) => a.suiteId, variables: (templateSuiteId, b) => ({ id: b.templateId, input: { templateSuiteId } }) },
    ],
  },
  'Mutation.createDocumentRecordType': {
    role: 'ADMIN',
    query: 'mutation ($input: DocumentRecordTypeInput!) { createDocumentRecordType(input: $input) { id name } }',
    own: () => ({ input: { name: unique('B type') } }),
  },
  'Mutation.updateDocumentRecordType': {
    role: 'ADMIN',
    query: 'mutation ($id: ID!, $input: DocumentRecordTypeInput!) { updateDocumentRecordType(id: $id, input: $input) { id name } }',
    own: (b) => ({ id: b.recordTypeId, input: { name: unique('B type') } }),
    foreign: [{ id: (a) => a.recordTypeId, variables: (id) => ({ id, input: { name: 'taken over' } }) }],
  },
  'Mutation.createDocumentRecord': {
    role: 'MEMBER',
    query: 'mutation ($input: CreateDocumentRecordInput!) { createDocumentRecord(input: $input) { id name authorId ownerId templateSuiteId documentRecordTypeId } }',
    own: (b) => ({ input: { name: unique('B record'), authorId: b.userId } }),
    foreign: [
      { id: (a) => a.userId, variables: (authorId) => ({ input: { name: 'probe', authorId } }) },
      { id: (a) => a.userId, variables: (ownerId, b) => ({ input: { name: 'probe', authorId: b.userId, ownerId } }) },
      { id: (a) => a.suiteId, variables: (templateSuiteId, b) => ({ input: { name: 'probe', authorId: b.userId, templateSuiteId } }) },
      { id: (a) => a.recordTypeId, variables: (documentRecordTypeId, b) => ({ input: { name: 'probe', authorId: b.userId, documentRecordTypeId } }) },
    ],
  },
  'Mutation.updateDocumentRecord': {
    role: 'MEMBER',
    query: 'mutation ($id: ID!, $input: UpdateDocumentRecordInput!) { updateDocumentRecord(id: $id, input: $input) { id name ownerId templateSuiteId } }',
    own: (b) => ({ id: b.recordId, input: { name: unique('B record') } }),
    foreign: [
      { id: (a) => a.recordId, variables: (id) => ({ id, input: { name: 'taken over' } }) },
      { id: (a) => a.userId, variables: (ownerId, b) => ({ id: b.recordId, input: { ownerId } }) },
      { id: (a) => a.userId, variables: (actingUserId, b) => ({ id: b.recordId, input: { name: 'probe', actingUserId } }) },
      { id: (a) => a.suiteId, variables: (templateSuiteId, b) => ({ id: b.recordId, input: { templateSuiteId } }) },
      { id: (a) => a.recordTypeId, variables: (documentRecordTypeId, b) => ({ id: b.recordId, input: { documentRecordTypeId } }) },
    ],
  },
  'Mutation.recordDocumentEvent': {
    role: 'MEMBER',
    query: 'mutation ($input: RecordDocumentEventInput!) { recordDocumentEvent(input: $input) { pushMessageIds event { id documentRecordId } } }',
    own: (b) => ({ input: { documentRecordId: b.recordId, type: 'DocumentDownload' } }),
    foreign: [
      { id: (a) => a.recordId, variables: (documentRecordId) => ({ input: { documentRecordId, type: 'DocumentRecordUpdated' } }) },
      { id: (a) => a.userId, variables: (authorId, b) => ({ input: { documentRecordId: b.recordId, type: 'DocumentDownload', authorId } }) },
    ],
  },
  'Mutation.recordDocumentEvents': {
    role: 'MEMBER',
    query: 'mutation ($inputs: [RecordDocumentEventInput!]!) { recordDocumentEvents(inputs: $inputs) { pushMessageIds event { id documentRecordId } } }',
    own: (b) => ({ inputs: [{ documentRecordId: b.recordId, type: 'DocumentDownload' }] }),
    foreign: [
      // The foreign event comes first: errorShape masks the foreign id wherever it appears, even in `inputs[1]`.
      { id: (a) => a.recordId, variables: (documentRecordId, b) => ({ inputs: [{ documentRecordId, type: 'DocumentRecordUpdated' }, { documentRecordId: b.recordId, type: 'DocumentDownload' }] }) },
      { id: (a) => a.recordId, variables: (documentRecordId) => ({ inputs: [{ documentRecordId, type: 'DocumentRecordLocked' }] }) },
      { id: (a) => a.userId, variables: (authorId, b) => ({ inputs: [{ documentRecordId: b.recordId, type: 'DocumentDownload', authorId }] }) },
      { id: (a) => a.userId, variables: (ownerId, b) => ({ inputs: [{ documentRecordId: b.recordId, type: 'DocumentOwnerChanged', parameters: { ownerId } }] }) },
    ],
  },
  'Mutation.createDocument': {
    role: 'MEMBER',
    query: 'mutation ($input: CreateDocumentInput!, $actingUserId: ID) { createDocument(input: $input, actingUserId: $actingUserId) { id documentRecordId templateId } }',
    own: async (b) => ({ input: { documentRecordId: b.recordId, templateId: await createTemplateInB(b), content: content(unique('B document')) } }),
    foreign: [
      { id: (a) => a.recordId, variables: (documentRecordId, b) => ({ input: { documentRecordId, templateId: b.templateId, content: content('probe') } }) },
      { id: (a) => a.templateId, variables: (templateId, b) => ({ input: { documentRecordId: b.recordId, templateId, content: content('probe') } }) },
    ],
  },
  'Mutation.updateDocument': {
    role: 'MEMBER',
    query: 'mutation ($id: ID!, $content: DocumentContentInput!, $actingUserId: ID) { updateDocument(id: $id, content: $content, actingUserId: $actingUserId) { id version } }',
    own: (b) => ({ id: b.documentId, content: content(unique('B document')) }),
    foreign: [
      { id: (a) => a.documentId, variables: (id) => ({ id, content: content('taken over') }) },
      { id: (a) => a.userId, variables: (actingUserId, b) => ({ id: b.documentId, content: content('probe'), actingUserId }) },
    ],
  },
  'Mutation.uploadFile': {
    role: 'MEMBER',
    query: 'mutation ($input: UploadFileInput!, $actingUserId: ID) { uploadFile(input: $input, actingUserId: $actingUserId) { id fileName } }',
    own: (b) => ({ input: { documentRecordId: b.recordId, fileName: `${unique('b-file')}.txt`, mimeType: 'text/plain', contentBase64: 'QQ==' } }),
    foreign: [
      { id: (a) => a.recordId, variables: (documentRecordId) => ({ input: { documentRecordId, fileName: 'probe.txt', mimeType: 'text/plain', contentBase64: 'QQ==' } }) },
      {
        id: (a) => a.userId,
        variables: (actingUserId, b) => ({ input: { documentRecordId: b.recordId, fileName: 'probe.txt', mimeType: 'text/plain', contentBase64: 'QQ==' }, actingUserId }),
      },
    ],
  },
  'Mutation.deleteFile': {
    role: 'MEMBER',
    query: 'mutation ($id: ID!, $actingUserId: ID) { deleteFile(id: $id, actingUserId: $actingUserId) { id fileName } }',
    own: async (b) => ({ id: await uploadFileInB(b) }),
    foreign: [
      { id: (a) => a.userId, variables: (actingUserId, b) => ({ id: b.fileId, actingUserId }) },
      { id: (a) => a.fileId, variables: (id) => ({ id }) },
    ],
  },

  'Query.pushMessages': {
    role: 'ADMIN',
    query: 'query ($filter: PushMessageFilter) { pushMessages(first: 100, filter: $filter) { totalCount edges { node { id connectionId eventId state } } } }',
    own: () => ({}),
    foreign: [{ id: (a) => a.connectionId, variables: (connectionId) => ({ filter: { connectionId } }) }],
  },
  'Query.pushMessage': {
    role: 'ADMIN',
    query: 'query ($id: ID!) { pushMessage(id: $id) { id connectionId state } }',
    own: (b) => ({ id: b.messageId }),
    foreign: [{ id: (a) => a.messageId, variables: (id) => ({ id }) }],
  },
  'Mutation.resendPushMessage': {
    role: 'ADMIN',
    query: 'mutation ($id: ID!) { resendPushMessage(id: $id) { id state } }',
    own: (b) => ({ id: b.messageId }),
    foreign: [{ id: (a) => a.messageId, variables: (id) => ({ id }) }],
  },
  'Mutation.recoverFailedMessages': {
    role: 'ADMIN',
    query: 'mutation ($connectionId: ID!, $since: DateTimeISO!) { recoverFailedMessages(connectionId: $connectionId, since: $since) }',
    own: (b) => ({ connectionId: b.connectionId, since: new Date(Date.now() - 3_600_000).toISOString() }),
    foreign: [{ id: (a) => a.connectionId, variables: (connectionId) => ({ connectionId, since: new Date(Date.now() - 3_600_000).toISOString() }) }],
  },
  'Mutation.sendTestMessage': {
    role: 'ADMIN',
    query: 'mutation ($connectionId: ID!) { sendTestMessage(connectionId: $connectionId) { id connectionId } }',
    own: (b) => ({ connectionId: b.connectionId }),
    foreign: [{ id: (a) => a.connectionId, variables: (connectionId) => ({ connectionId }) }],
  },

  // Subscriptions are probed over graphql-ws by the tests of SUBSCRIPTIONS.
  'Subscription.deliveryLog': {
    role: 'ADMIN',
    query: 'subscription ($connectionId: ID) { deliveryLog(connectionId: $connectionId) { id connectionId connectionName messageId requestBody requestHeaders } }',
    own: () => ({}),
  },
  'Subscription.pushConnectionStatus': {
    role: 'ADMIN',
    query: 'subscription ($connectionId: ID) { pushConnectionStatus(connectionId: $connectionId) { connectionId name change enabled } }',
    own: () => ({}),
  },
};

const SUBSCRIPTIONS: Record<string, SubscriptionCase> = {
  'Subscription.deliveryLog': {
    subscribers: () => app.app.services.deliveryLogFeed.subscriberCount,
    trigger: recordUpdate,
    idOf: (data) => data.deliveryLog.messageId,
    onlyA: (a) => ({ connectionId: a.connectionId }),
  },
  'Subscription.pushConnectionStatus': {
    subscribers: () => app.app.services.connectionStatusFeed.subscriberCount,
    trigger: async (adminKey, seeded) => {
      okData(await call(adminKey, 'mutation ($id: ID!) { enablePushConnection(id: $id) { id } }', { id: seeded.spareConnectionId }));
      return seeded.spareConnectionId;
    },
    idOf: (data) => data.pushConnectionStatus.connectionId,
    onlyA: (a) => ({ connectionId: a.spareConnectionId }),
  },
};

let app: TestApp;
let listener: TestListener;
let other: OtherWorkspace;
let a: Seeded;
let b: Seeded;
let aBefore: unknown;

beforeAll(async () => {
  app = await startTestApp();
  listener = await startListener();
  other = await createOtherWorkspace(app, 'Bravo workspace');
  a = await seed(app.adminKey, A_TAG);
  b = await seed(other.adminKey, B_TAG);
  aBefore = await snapshotOfA();
}, 60_000);

afterAll(async () => {
  await listener?.close();
  await app?.stop();
});

async function call(key: string | null, query: string, variables: Variables = {}): Promise<RawResponse> {
  return postGraphQL(app.url, query, variables, key === null ? null : bearer(key));
}

/** Creates one object of every kind in the workspace of `adminKey`, names marked with `tag`, and one delivery. */
async function seed(adminKey: string, tag: string): Promise<Seeded> {
  const run = async (query: string, variables: Variables) => okData(await call(adminKey, query, variables));
  const lower = tag.toLowerCase();

  const user = (await run('mutation ($input: CreateUserInput!) { createUser(input: $input) { id } }', {
    input: { name: `${tag} Owner`, email: `owner@${lower}.example`, customData: `${tag} custom data` },
  })).createUser;
  const suite = (await run('mutation ($input: TemplateSuiteInput!) { createTemplateSuite(input: $input) { id } }', { input: { name: `${tag} suite` } }))
    .createTemplateSuite;
  const template = (await run('mutation ($input: CreateTemplateInput!) { createTemplate(input: $input) { id } }', {
    input: { templateSuiteId: suite.id, name: `${tag} template`, layout: { headerText: `${tag} header` } },
  })).createTemplate;
  const recordType = (await run('mutation ($input: DocumentRecordTypeInput!) { createDocumentRecordType(input: $input) { id } }', { input: { name: `${tag} type` } }))
    .createDocumentRecordType;
  const record = (await run('mutation ($input: CreateDocumentRecordInput!) { createDocumentRecord(input: $input) { id code } }', {
    input: {
      name: `${tag} record`,
      authorId: user.id,
      templateSuiteId: suite.id,
      documentRecordTypeId: recordType.id,
      persons: [{ name: `${tag} person`, email: `person@${lower}.example` }],
    },
  })).createDocumentRecord;
  const document = (await run('mutation ($input: CreateDocumentInput!) { createDocument(input: $input) { id } }', {
    input: { documentRecordId: record.id, templateId: template.id, content: content(`${tag} document`) },
  })).createDocument;
  const file = (await run('mutation ($input: UploadFileInput!) { uploadFile(input: $input) { id } }', {
    input: { documentRecordId: record.id, fileName: `${lower}.txt`, mimeType: 'text/plain', contentBase64: Buffer.from(`${tag} file`).toString('base64') },
  })).uploadFile;

  const connection = (await run(
    'mutation ($input: CreatePushConnectionInput!) { createPushConnection(input: $input) { id systemName signingSecret } }',
    {
      input: {
        name: `${tag} connection`,
        url: `${listener.url}/${lower}`,
        eventTypes: ['DocumentRecordUpdated'],
        headers: [{ name: 'X-Token', value: `${tag}-secret-header-value`, secret: true }],
      },
    },
  )).createPushConnection;
  await run('mutation ($id: ID!) { enablePushConnection(id: $id) { id } }', { id: connection.id });
  const spareConnection = (await run('mutation ($input: CreatePushConnectionInput!) { createPushConnection(input: $input) { id } }', {
    input: { name: `${tag} spare connection`, url: `${listener.url}/${lower}-spare`, eventTypes: ['DocumentDownload'] },
  })).createPushConnection;
  const recorded = (await run('mutation ($input: RecordDocumentEventInput!) { recordDocumentEvent(input: $input) { pushMessageIds } }', {
    input: { documentRecordId: record.id, type: 'DocumentRecordUpdated', authorId: user.id, parameters: { note: `${tag} parameter` } },
  })).recordDocumentEvent;
  const messageId = recorded.pushMessageIds[0] as string;
  const logId = await waitForLog(adminKey, messageId);

  const spare = (await run('mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id prefix } } }', {
    input: { name: `${tag} spare key`, role: 'MEMBER' },
  })).createApiKey.apiKey;

  return {
    tag,
    userId: user.id,
    suiteId: suite.id,
    templateId: template.id,
    recordTypeId: recordType.id,
    recordId: record.id,
    recordCode: record.code,
    documentId: document.id,
    fileId: file.id,
    connectionId: connection.id,
    spareConnectionId: spareConnection.id,
    systemName: connection.systemName,
    signingSecret: connection.signingSecret,
    messageId,
    logId,
    spareKeyId: spare.id,
    spareKeyPrefix: spare.prefix,
  };
}

async function createConnectionInB(): Promise<string> {
  const created = okData(
    await call(other.adminKey, 'mutation ($input: CreatePushConnectionInput!) { createPushConnection(input: $input) { id } }', {
      input: { name: unique('B doomed connection'), url: 'http://127.0.0.1:9/hook', eventTypes: ['DocumentDownload'] },
    }),
  );
  return created.createPushConnection.id;
}

async function createTemplateInB(seeded: Seeded): Promise<string> {
  const created = okData(
    await call(other.adminKey, 'mutation ($input: CreateTemplateInput!) { createTemplate(input: $input) { id } }', {
      input: { templateSuiteId: seeded.suiteId, name: unique('B template') },
    }),
  );
  return created.createTemplate.id;
}

async function uploadFileInB(seeded: Seeded): Promise<string> {
  const created = okData(
    await call(other.adminKey, 'mutation ($input: UploadFileInput!) { uploadFile(input: $input) { id } }', {
      input: { documentRecordId: seeded.recordId, fileName: `${unique('b-upload')}.txt`, mimeType: 'text/plain', contentBase64: 'QQ==' },
    }),
  );
  return created.uploadFile.id;
}

async function waitForLog(adminKey: string, messageId: string): Promise<string> {
  let logId: string | undefined;
  await waitFor(
    async () => {
      const logs = okData(await call(adminKey, 'query ($messageId: ID) { pushLogs(filter: { messageId: $messageId }) { edges { node { id } } } }', { messageId }));
      logId = logs.pushLogs.edges[0]?.node.id;
      return logId !== undefined;
    },
    { description: `the push log of message ${messageId}` },
  );
  return logId!;
}

/** Everything of workspace A that B could change, read with A's admin key. */
async function snapshotOfA(): Promise<unknown> {
  const everything = okData(
    await call(
      app.adminKey,
      `query ($connectionId: ID!, $recordId: ID!) {
        workspace { id name defaultApiUser { id } }
        users(first: 100) { totalCount edges { node { id name email position customData } } }
        apiKeys { id name role revokedAt }
        templateSuites(first: 100) { edges { node { id name } } }
        templates(first: 100) { edges { node { id name templateSuiteId layout } } }
        documentRecordTypes(first: 100) { edges { node { id name } } }
        documentRecords(first: 100) { totalCount edges { node { id name ownerId templateSuiteId documentRecordTypeId lastModified events(first: 100) { totalCount } } } }
        documents(documentRecordId: $recordId) { id version updatedAt }
        files(first: 100, documentRecordId: $recordId) { totalCount edges { node { id fileName sha256 } } }
        pushConnections(first: 100) { edges { node { id name url enabled headers { name value secret } templateSuiteAll templateSuites documentRecordTypeAll documentRecordTypes updatedAt } } }
        pushConnection(id: $connectionId) { signingSecret }
        pushLogs(first: 100) { totalCount }
      }`,
      { connectionId: a.connectionId, recordId: a.recordId },
    ),
  );
  return everything;
}

/** Fails when the response text contains anything that identifies workspace A's data. */
function expectNothingOfA(response: RawResponse, label: string): void {
  const text = JSON.stringify(response.body);
  const markers = [A_TAG, A_TAG.toLowerCase(), a.recordCode, a.systemName, a.signingSecret, a.spareKeyPrefix, app.adminKey.slice(0, 12)];
  for (const marker of markers) {
    if (text.includes(marker)) throw new Error(`${label}: the response of workspace B contains ${JSON.stringify(marker)} of workspace A: ${text}`);
  }
}

/** The parts of an error that must not tell an id of another workspace from an id that does not exist. */
function errorShape(response: RawResponse, probedId: string) {
  const error = response.body.errors?.[0];
  return {
    status: response.status,
    errorCount: response.body.errors?.length ?? 0,
    code: error?.extensions?.code,
    field: error?.extensions?.field,
    message: error?.message.split(probedId).join('<id>'),
    data: response.body.data ?? null,
  };
}

function schemaFieldKeys(schema: GraphQLSchema): string[] {
  return [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((type) =>
    type ? Object.keys(type.getFields()).map((field) => `${type.name}.${field}`) : [],
  );
}

const httpCases = () => Object.entries(OPERATIONS).filter(([name]) => !name.startsWith('Subscription.'));

describe('operation coverage', () => {
  it('has a case for every root field', async () => {
    const committed = buildSchema(readFileSync(path.resolve(__dirname, '../../schema/schema.graphql'), 'utf8'));
    const live = await buildDocpushSchema();
    const inSchema = new Set([...schemaFieldKeys(committed), ...schemaFieldKeys(live)]);

    const uncovered = [...inSchema].filter((name) => !(name in OPERATIONS)).sort();
    const stale = Object.keys(OPERATIONS).filter((name) => !schemaFieldKeys(live).includes(name));
    expect(uncovered).toEqual([]);
    expect(stale).toEqual([]);
  });

  it("states each case's role in the operation description", async () => {
    const live = await buildDocpushSchema();
    const roleSentence = { ADMIN: NEEDS_ADMIN_KEY, MEMBER: NEEDS_ANY_KEY };
    const rootFields = new Map<string, { description?: string | null }>(
      [live.getQueryType(), live.getMutationType(), live.getSubscriptionType()].flatMap((type) =>
        type ? Object.values(type.getFields()).map((field): [string, { description?: string | null }] => [`${type.name}.${field.name}`, field]) : [],
      ),
    );

    for (const [name, operation] of Object.entries(OPERATIONS)) {
      const description = rootFields.get(name)?.description ?? '';
      expect({ name, endsWithRole: description.endsWith(roleSentence[operation.role]) }).toEqual({ name, endsWithRole: true });
    }
  });
});

describe('workspace isolation', () => {
  it.each(httpCases().filter(([, operation]) => operation.foreign))('%s treats ids of A as missing', async (name, operation) => {
    for (const key of [other.adminKey, other.memberKey]) {
      if (operation.role === 'ADMIN' && key === other.memberKey) continue;
      for (const [index, probe] of operation.foreign!.entries()) {
        const foreignId = probe.id(a);
        const foreign = await call(key, operation.query, probe.variables(foreignId, b));
        const missingId = probe.missingId ?? MISSING_ID;
        const missing = await call(key, operation.query, probe.variables(missingId, b));

        const label = `${name} probe ${index + 1}`;
        expectNothingOfA(foreign, label);
        const foreignShape = errorShape(foreign, foreignId);
        expect({ label, ...foreignShape }).toEqual({ label, ...errorShape(missing, missingId) });
        expect({ label, errorCount: foreignShape.errorCount }).toEqual({ label, errorCount: probe.filter ? 0 : 1 });
      }
    }
  });

  it.each(httpCases())('%s shows B nothing of A', async (name, operation) => {
    const key = operation.role === 'ADMIN' ? other.adminKey : other.memberKey;

    const response = await call(key, operation.query, await operation.own(b));

    expectNothingOfA(response, name);
    expect({ name, errors: response.body.errors ?? [] }).toEqual({ name, errors: [] });
  });

  it('lists of B count only B objects', async () => {
    const lists = okData(
      await call(
        other.adminKey,
        '{ users(first: 100) { totalCount } pushConnections(first: 100) { edges { node { id } } } pushLogs(first: 100) { edges { node { connectionId } } } apiKeys { id } }',
      ),
    );
    const connectionIds = lists.pushConnections.edges.map((edge: { node: { id: string } }) => edge.node.id);
    const loggedConnectionIds = lists.pushLogs.edges.map((edge: { node: { connectionId: string } }) => edge.node.connectionId);

    expect(connectionIds).toContain(b.connectionId);
    expect(connectionIds).not.toContain(a.connectionId);
    expect(loggedConnectionIds).toContain(b.connectionId);
    expect(loggedConnectionIds).not.toContain(a.connectionId);
    expect(lists.apiKeys.map((key: { id: string }) => key.id)).not.toContain(a.spareKeyId);
  });

  it('left every object of A unchanged', async () => {
    const after = await snapshotOfA();

    expect(after).toEqual(aBefore);
  });
});

describe('roles and keys over HTTP', () => {
  const unknownKey = generateApiKey().key;
  const badHeaders: Array<[string, string]> = [
    ['a malformed key', 'Bearer not-a-docpush-key'],
    ['a non-Bearer scheme', `Basic ${Buffer.from('admin:admin').toString('base64')}`],
    ['an unknown key', bearer(unknownKey)],
    ['a key with trailing text', `Bearer ${unknownKey} extra`],
  ];

  it.each(httpCases())('%s without a key is UNAUTHENTICATED', async (name, operation) => {
    const response = await postGraphQL(app.url, operation.query, await operation.own(b), null);

    expect({ name, status: response.status, code: response.body.errors?.[0]?.extensions?.code, data: response.body.data ?? null }).toEqual({
      name,
      status: 401,
      code: 'UNAUTHENTICATED',
      data: null,
    });
  });

  it.each(httpCases())('%s with a bad key is UNAUTHENTICATED', async (name, operation) => {
    for (const [description, header] of badHeaders) {
      const response = await postGraphQL(app.url, operation.query, await operation.own(b), header);

      expect({ name, description, status: response.status, code: response.body.errors?.[0]?.extensions?.code }).toEqual({
        name,
        description,
        status: 401,
        code: 'UNAUTHENTICATED',
      });
      expect(JSON.stringify(response.body)).not.toContain(unknownKey);
    }
  });

  it.each(httpCases().filter(([, operation]) => operation.role === 'ADMIN'))('%s with a MEMBER key is FORBIDDEN', async (name, operation) => {
    const response = await call(other.memberKey, operation.query, await operation.own(b));

    const error = response.body.errors?.[0];
    expect({ name, code: error?.extensions?.code }).toEqual({ name, code: 'FORBIDDEN' });
    expect(error?.message).toMatch(/requires a key with role ADMIN; this key has role MEMBER/);
  });

  it.each(httpCases().filter(([, operation]) => operation.role === 'MEMBER'))('%s is open to a MEMBER key', async (name, operation) => {
    const response = await call(other.memberKey, operation.query, await operation.own(b));

    expect({ name, errors: response.body.errors ?? [] }).toEqual({ name, errors: [] });
  });
});

const subscriptionCases = () => Object.entries(OPERATIONS).filter(([name]) => name.startsWith('Subscription.'));

describe('subscriptions over graphql-ws', () => {
  it('has a feed and trigger for every subscription', () => {
    expect(subscriptionCases().map(([name]) => name).filter((name) => !(name in SUBSCRIPTIONS))).toEqual([]);
  });

  it.each([
    ['no connection_init payload', {}, 'Unauthorized: send {"authorization": "Bearer <API key>"} as the connection_init payload.'],
    [
      'a malformed key',
      { authorization: 'Bearer not-a-docpush-key' },
      'Unauthorized: the API key is malformed; send {"authorization": "Bearer dpk_..."} as the connection_init payload.',
    ],
    ['an unknown key', { authorization: bearer(generateApiKey().key) }, 'Unauthorized: the API key is unknown or revoked; create a new key with an admin key.'],
  ])('closes the socket with 4401 for %s', async (_description, params, reason) => {
    for (const [name, operation] of subscriptionCases()) {
      const probe = openWs(app.url, params);
      const stream = collect(probe.client, operation.query);

      const closed = await probe.closed;
      await stream.ended;

      expect({ name, code: closed.code }).toEqual({ name, code: 4401 });
      expect({ name, reason: closed.reason }).toEqual({ name, reason });
      expect(stream.results).toEqual([]);
      await probe.client.dispose();
    }
  });

  it.each(subscriptionCases().filter(([, operation]) => operation.role === 'ADMIN'))('%s rejects a MEMBER key with FORBIDDEN', async (name, operation) => {
    const probe = openWs(app.url, { authorization: bearer(other.memberKey) });
    const stream = collect(probe.client, operation.query);

    await stream.ended;

    const errors = stream.results.flatMap((result) => result.errors ?? []);
    expect({ name, codes: errors.map((error) => error.extensions?.code) }).toEqual({ name, codes: ['FORBIDDEN'] });
    expect(stream.results.filter((result) => result.data)).toEqual([]);
    await probe.client.dispose();
  });

  it.each(subscriptionCases())('%s streams nothing of A to B', async (name, operation) => {
    const feed = SUBSCRIPTIONS[name];
    const subscribersBefore = feed.subscribers();
    const aClient = openWs(app.url, { authorization: bearer(app.adminKey) });
    const bClient = openWs(app.url, { authorization: bearer(other.adminKey) });
    const aStream = collect(aClient.client, operation.query);
    const bAll = collect(bClient.client, operation.query);
    const bOnA = collect(bClient.client, operation.query, feed.onlyA(a));
    // A's connection id is NOT_FOUND for B, exactly like an id that does not exist, so only two streams stay open.
    await bOnA.ended;
    await waitFor(() => feed.subscribers() >= subscribersBefore + 2, { description: `two ${name} subscribers` });

    const aId = await feed.trigger(app.adminKey, a);
    await waitFor(() => aStream.results.some((result) => result.data && feed.idOf(result.data) === aId), { description: `A's own event on A's ${name}` });
    const bId = await feed.trigger(other.adminKey, b);
    await waitFor(() => bAll.results.some((result) => result.data && feed.idOf(result.data) === bId), { description: `B's own event on B's ${name}` });

    expect(bAll.results.filter((result) => !result.data)).toEqual([]);
    expect(bAll.results.map((result) => feed.idOf(result.data!))).not.toContain(aId);
    expect(JSON.stringify(bAll.results)).not.toContain(A_TAG);
    expect(bOnA.results.map((result) => result.errors?.map((error) => error.extensions?.code))).toEqual([['NOT_FOUND']]);
    expect(bOnA.results.filter((result) => result.data)).toEqual([]);
    expect(JSON.stringify(bOnA.results)).not.toContain(A_TAG);
    for (const client of [aClient, bClient]) await client.client.dispose();
  });
});

async function recordUpdate(adminKey: string, seeded: Seeded): Promise<string> {
  const recorded = okData(
    await call(adminKey, 'mutation ($input: RecordDocumentEventInput!) { recordDocumentEvent(input: $input) { pushMessageIds } }', {
      input: { documentRecordId: seeded.recordId, type: 'DocumentRecordUpdated', parameters: { note: `${seeded.tag} streamed` } },
    }),
  );
  return recorded.recordDocumentEvent.pushMessageIds[0];
}
