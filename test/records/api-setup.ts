import { dataOf, type TestApp } from '../support/test-app';
import { PushMessage } from '../../src/delivery/push-message.entity';
import {
  CreateApiKeyDocument,
  CreateDocumentRecordTypeDocument,
  CreatePushConnectionDocument,
  CreateTemplateDocument,
  CreateTemplateSuiteDocument,
  CreateUserDocument,
  DocumentRecordEventsDocument,
  EnablePushConnectionDocument,
  type DocumentRecordEventType,
} from '../generated/graphql';

/** Ids of a workspace set up through the API alone. */
export interface ApiWorkspace {
  memberKey: string;
  authorId: string;
  ownerId: string;
  suiteId: string;
  templateId: string;
  recordTypeId: string;
}

/** Creates a MEMBER key, two users, a template suite with a template, and a record type (the catalog with the ADMIN key). */
export async function setUpWorkspaceThroughApi(app: TestApp): Promise<ApiWorkspace> {
  const memberKey = dataOf(await app.request(CreateApiKeyDocument, { input: { name: 'Document platform', role: 'MEMBER' } })).createApiKey.key;
  const author = dataOf(await app.request(CreateUserDocument, { input: { name: 'Jana Nováková', email: 'jana@example.com', position: 'Counsel' } })).createUser;
  const owner = dataOf(await app.request(CreateUserDocument, { input: { name: 'Petr Dvořák', email: 'petr@example.com' } })).createUser;
  const suite = dataOf(await app.request(CreateTemplateSuiteDocument, { input: { name: 'Service agreements' } })).createTemplateSuite;
  const template = dataOf(
    await app.request(CreateTemplateDocument, { input: { templateSuiteId: suite.id, name: 'Service agreement', layout: { fontSize: 10 } } }),
  ).createTemplate;
  const recordType = dataOf(await app.request(CreateDocumentRecordTypeDocument, { input: { name: 'Contract' } })).createDocumentRecordType;
  return { memberKey, authorId: author.id, ownerId: owner.id, suiteId: suite.id, templateId: template.id, recordTypeId: recordType.id };
}

/** Creates and enables a push connection to `url` for the given event types. */
export async function createEnabledConnection(app: TestApp, url: string, eventTypes: DocumentRecordEventType[]): Promise<string> {
  const created = dataOf(await app.request(CreatePushConnectionDocument, { input: { name: 'Test listener', url, eventTypes } })).createPushConnection;
  dataOf(await app.request(EnablePushConnectionDocument, { id: created.id }));
  return created.id;
}

/** Returns a record's events oldest first, read with the workspace's member key. */
export async function timelineOf(app: TestApp, ws: ApiWorkspace, recordId: string) {
  const events = dataOf(await app.request(DocumentRecordEventsDocument, { documentRecordId: recordId, first: 100 }, ws.memberKey)).documentRecordEvents;
  return events.edges.map((edge) => edge.node).reverse();
}

/** Returns the ids of the connections that an event queued push messages for, in ascending order. */
export async function connectionsMessagedBy(app: TestApp, eventId: string): Promise<string[]> {
  const messages = await app.app.services.orm.em.fork().find(PushMessage, { event: Number(eventId) });
  return messages.map((message) => String(message.connection.id)).sort((a, b) => Number(a) - Number(b));
}
