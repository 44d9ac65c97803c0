import { dataOf, type TestApp } from '../support/test-app';
import {
  CreateApiKeyDocument,
  CreateDocumentRecordTypeDocument,
  CreatePushConnectionDocument,
  CreateTemplateDocument,
  CreateTemplateSuiteDocument,
  CreateUserDocument,
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
