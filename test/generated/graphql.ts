/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** A new push connection; it starts disabled. */
export type CreatePushConnectionInput = {
  attachFilesGenerated?: boolean;
  attachFilesUploaded?: boolean;
  documentRecordTypeAll?: boolean;
  /** Document record type ids, used when documentRecordTypeAll is false. */
  documentRecordTypes?: Array<string | number>;
  /** Event types that trigger a push; at least one. */
  eventTypes: Array<DocumentRecordEventType>;
  fileTypes?: Array<FileType>;
  headers?: Array<PushConnectionHeaderInput>;
  name: string;
  templateSuiteAll?: boolean;
  /** Template suite ids, used when templateSuiteAll is false. */
  templateSuites?: Array<string | number>;
  /** The listener URL: https, on a public address unless the server allow-list opens more. */
  url: string;
};

/** SUCCEEDED for any 2xx response, FAILED otherwise. */
export type DeliveryOutcome =
  | 'FAILED'
  | 'SUCCEEDED';

/** Legito's document-record timeline event types. */
export type DocumentRecordEventType =
  | 'ApprovalActionApprove'
  | 'ApprovalActionCanceled'
  | 'ApprovalActionDisapprove'
  | 'ApprovalApproved'
  | 'ApprovalDisapproved'
  | 'ApprovalProcessStarted'
  | 'ApprovalRestart'
  | 'ConfidentialDesignated'
  | 'ConfidentialRemoved'
  | 'DateDelivery'
  | 'DateExpiration'
  | 'DatePayment'
  | 'DateSigning'
  | 'DocumentDownload'
  | 'DocumentOwnerChanged'
  | 'DocumentRecordCreated'
  | 'DocumentRecordCreatedMass'
  | 'DocumentRecordDeleted'
  | 'DocumentRecordLocked'
  | 'DocumentRecordRestored'
  | 'DocumentRecordUnlocked'
  | 'DocumentRecordUpdated'
  | 'DocumentSentByEmail'
  | 'DocumentShared'
  | 'DocumentSharingRemoved'
  | 'DocumentVersionView'
  | 'ExpirationDateRevised'
  | 'ExternalSharingActivated'
  | 'ExternalSharingDeactivated'
  | 'FileDeleted'
  | 'FileDownload'
  | 'FileUpload'
  | 'LinkAdded'
  | 'NewDocumentVersion'
  | 'SignCanceled'
  | 'SignCompleted'
  | 'SignStarted'
  | 'WorkflowStatusChanged';

/** A format that generated documents are rendered to. */
export type FileType =
  | 'docx'
  | 'html'
  | 'odt'
  | 'pdf'
  | 'pdfa'
  | 'rtf'
  | 'txt'
  | 'xml';

export type PushConnectionHeaderInput = {
  /** An HTTP header name (an RFC 9110 token). webhook-*, Content-Type, Content-Length, Host and Transfer-Encoding are reserved. */
  name: string;
  /** Store the value encrypted and mask it in logs and API output. */
  secret?: boolean;
  /** Resolve LEGITO.currentUser.* to the default API user instead of the acting user. */
  useDefaultApiUser?: boolean;
  /** The value; may contain variables such as {{LEGITO.currentUser.email}}. */
  value: string;
};

/** Conditions on push logs; all given conditions must hold. */
export type PushLogFilter = {
  connectionId?: string | number | null | undefined;
  eventType?: DocumentRecordEventType | null | undefined;
  /** Attempts at or after this time. */
  from?: string | null | undefined;
  messageId?: string | number | null | undefined;
  outcome?: DeliveryOutcome | null | undefined;
  responseCode?: number | null | undefined;
  /** Attempts before this time. */
  to?: string | null | undefined;
};

/** Changes to a push connection; omitted fields keep their value. Headers are replaced as a whole. */
export type UpdatePushConnectionInput = {
  attachFilesGenerated?: boolean | null | undefined;
  attachFilesUploaded?: boolean | null | undefined;
  documentRecordTypeAll?: boolean | null | undefined;
  documentRecordTypes?: Array<string | number> | null | undefined;
  eventTypes?: Array<DocumentRecordEventType> | null | undefined;
  fileTypes?: Array<FileType> | null | undefined;
  headers?: Array<PushConnectionHeaderInput> | null | undefined;
  name?: string | null | undefined;
  templateSuiteAll?: boolean | null | undefined;
  templateSuites?: Array<string | number> | null | undefined;
  url?: string | null | undefined;
};

export type PushConnectionFieldsFragment = { id: string, systemName: string, name: string, url: string, enabled: boolean, eventTypes: Array<DocumentRecordEventType>, templateSuiteAll: boolean, templateSuites: Array<string>, documentRecordTypeAll: boolean, documentRecordTypes: Array<string>, attachFilesUploaded: boolean, attachFilesGenerated: boolean, fileTypes: Array<FileType>, disabledReason: string | null, disabledAt: string | null, headers: Array<{ name: string, value: string, useDefaultApiUser: boolean, secret: boolean }> };

export type CreatePushConnectionMutationVariables = Exact<{
  input: CreatePushConnectionInput;
}>;


export type CreatePushConnectionMutation = { createPushConnection: { signingSecret: string, id: string, systemName: string, name: string, url: string, enabled: boolean, eventTypes: Array<DocumentRecordEventType>, templateSuiteAll: boolean, templateSuites: Array<string>, documentRecordTypeAll: boolean, documentRecordTypes: Array<string>, attachFilesUploaded: boolean, attachFilesGenerated: boolean, fileTypes: Array<FileType>, disabledReason: string | null, disabledAt: string | null, headers: Array<{ name: string, value: string, useDefaultApiUser: boolean, secret: boolean }> } };

export type UpdatePushConnectionMutationVariables = Exact<{
  id: string | number;
  input: UpdatePushConnectionInput;
}>;


export type UpdatePushConnectionMutation = { updatePushConnection: { id: string, systemName: string, name: string, url: string, enabled: boolean, eventTypes: Array<DocumentRecordEventType>, templateSuiteAll: boolean, templateSuites: Array<string>, documentRecordTypeAll: boolean, documentRecordTypes: Array<string>, attachFilesUploaded: boolean, attachFilesGenerated: boolean, fileTypes: Array<FileType>, disabledReason: string | null, disabledAt: string | null, headers: Array<{ name: string, value: string, useDefaultApiUser: boolean, secret: boolean }> } };

export type EnablePushConnectionMutationVariables = Exact<{
  id: string | number;
}>;


export type EnablePushConnectionMutation = { enablePushConnection: { id: string, enabled: boolean } };

export type DisablePushConnectionMutationVariables = Exact<{
  id: string | number;
}>;


export type DisablePushConnectionMutation = { disablePushConnection: { id: string, enabled: boolean } };

export type DeletePushConnectionMutationVariables = Exact<{
  id: string | number;
}>;


export type DeletePushConnectionMutation = { deletePushConnection: { id: string } };

export type RotatePushConnectionSecretMutationVariables = Exact<{
  id: string | number;
}>;


export type RotatePushConnectionSecretMutation = { rotatePushConnectionSecret: { id: string, signingSecret: string } };

export type PushConnectionQueryVariables = Exact<{
  id: string | number;
}>;


export type PushConnectionQuery = { pushConnection: { signingSecret: string, id: string, systemName: string, name: string, url: string, enabled: boolean, eventTypes: Array<DocumentRecordEventType>, templateSuiteAll: boolean, templateSuites: Array<string>, documentRecordTypeAll: boolean, documentRecordTypes: Array<string>, attachFilesUploaded: boolean, attachFilesGenerated: boolean, fileTypes: Array<FileType>, disabledReason: string | null, disabledAt: string | null, headers: Array<{ name: string, value: string, useDefaultApiUser: boolean, secret: boolean }> } };

export type PushConnectionsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type PushConnectionsQuery = { pushConnections: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, systemName: string, name: string, url: string, enabled: boolean, eventTypes: Array<DocumentRecordEventType>, templateSuiteAll: boolean, templateSuites: Array<string>, documentRecordTypeAll: boolean, documentRecordTypes: Array<string>, attachFilesUploaded: boolean, attachFilesGenerated: boolean, fileTypes: Array<FileType>, disabledReason: string | null, disabledAt: string | null, headers: Array<{ name: string, value: string, useDefaultApiUser: boolean, secret: boolean }> } }> } };

export type PushLogFieldsFragment = { id: string, connectionId: string, connectionName: string, eventId: string, eventType: DocumentRecordEventType, messageId: string, attempt: number, requestUrl: string, requestHeaders: Record<string, unknown>, requestBody: string, responseCode: number, responseHeaders: Record<string, unknown>, responseBody: string, responseBodyEncoding: string, responseBodyTruncated: boolean, responseError: string, durationMs: number, outcome: DeliveryOutcome, isTest: boolean, createdAt: string };

export type PushLogsQueryVariables = Exact<{
  filter?: PushLogFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type PushLogsQuery = { pushLogs: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, connectionId: string, connectionName: string, eventId: string, eventType: DocumentRecordEventType, messageId: string, attempt: number, requestUrl: string, requestHeaders: Record<string, unknown>, requestBody: string, responseCode: number, responseHeaders: Record<string, unknown>, responseBody: string, responseBodyEncoding: string, responseBodyTruncated: boolean, responseError: string, durationMs: number, outcome: DeliveryOutcome, isTest: boolean, createdAt: string } }> } };

export type PushLogQueryVariables = Exact<{
  id: string | number;
}>;


export type PushLogQuery = { pushLog: { id: string, connectionId: string, connectionName: string, eventId: string, eventType: DocumentRecordEventType, messageId: string, attempt: number, requestUrl: string, requestHeaders: Record<string, unknown>, requestBody: string, responseCode: number, responseHeaders: Record<string, unknown>, responseBody: string, responseBodyEncoding: string, responseBodyTruncated: boolean, responseError: string, durationMs: number, outcome: DeliveryOutcome, isTest: boolean, createdAt: string } };

export type DeliveryLogSubscriptionVariables = Exact<{
  connectionId?: string | number | null | undefined;
  outcome?: DeliveryOutcome | null | undefined;
}>;


export type DeliveryLogSubscription = { deliveryLog: { id: string, connectionId: string, connectionName: string, eventId: string, eventType: DocumentRecordEventType, messageId: string, attempt: number, requestUrl: string, requestHeaders: Record<string, unknown>, requestBody: string, responseCode: number, responseHeaders: Record<string, unknown>, responseBody: string, responseBodyEncoding: string, responseBodyTruncated: boolean, responseError: string, durationMs: number, outcome: DeliveryOutcome, isTest: boolean, createdAt: string } };

export const PushConnectionFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PushConnectionFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PushConnection"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"systemName"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"headers"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"useDefaultApiUser"}},{"kind":"Field","name":{"kind":"Name","value":"secret"}}]}},{"kind":"Field","name":{"kind":"Name","value":"eventTypes"}},{"kind":"Field","name":{"kind":"Name","value":"templateSuiteAll"}},{"kind":"Field","name":{"kind":"Name","value":"templateSuites"}},{"kind":"Field","name":{"kind":"Name","value":"documentRecordTypeAll"}},{"kind":"Field","name":{"kind":"Name","value":"documentRecordTypes"}},{"kind":"Field","name":{"kind":"Name","value":"attachFilesUploaded"}},{"kind":"Field","name":{"kind":"Name","value":"attachFilesGenerated"}},{"kind":"Field","name":{"kind":"Name","value":"fileTypes"}},{"kind":"Field","name":{"kind":"Name","value":"disabledReason"}},{"kind":"Field","name":{"kind":"Name","value":"disabledAt"}}]}}]} as unknown as DocumentNode<PushConnectionFieldsFragment, unknown>;
export const PushLogFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PushLogFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PushLog"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"connectionId"}},{"kind":"Field","name":{"kind":"Name","value":"connectionName"}},{"kind":"Field","name":{"kind":"Name","value":"eventId"}},{"kind":"Field","name":{"kind":"Name","value":"eventType"}},{"kind":"Field","name":{"kind":"Name","value":"messageId"}},{"kind":"Field","name":{"kind":"Name","value":"attempt"}},{"kind":"Field","name":{"kind":"Name","value":"requestUrl"}},{"kind":"Field","name":{"kind":"Name","value":"requestHeaders"}},{"kind":"Field","name":{"kind":"Name","value":"requestBody"}},{"kind":"Field","name":{"kind":"Name","value":"responseCode"}},{"kind":"Field","name":{"kind":"Name","value":"responseHeaders"}},{"kind":"Field","name":{"kind":"Name","value":"responseBody"}},{"kind":"Field","name":{"kind":"Name","value":"responseBodyEncoding"}},{"kind":"Field","name":{"kind":"Name","value":"responseBodyTruncated"}},{"kind":"Field","name":{"kind":"Name","value":"responseError"}},{"kind":"Field","name":{"kind":"Name","value":"durationMs"}},{"kind":"Field","name":{"kind":"Name","value":"outcome"}},{"kind":"Field","name":{"kind":"Name","value":"isTest"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<PushLogFieldsFragment, unknown>;
export const CreatePushConnectionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreatePushConnection"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreatePushConnectionInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createPushConnection"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PushConnectionFields"}},{"kind":"Field","name":{"kind":"Name","value":"signingSecret"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PushConnectionFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PushConnection"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"systemName"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"headers"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"useDefaultApiUser"}},{"kind":"Field","name":{"kind":"Name","value":"secret"}}]}},{"kind":"Field","name":{"kind":"Name","value":"eventTypes"}},{"kind":"Field","name":{"kind":"Name","value":"templateSuiteAll"}},{"kind":"Field","name":{"kind":"Name","value":"templateSuites"}},{"kind":"Field","name":{"kind":"Name","value":"documentRecordTypeAll"}},{"kind":"Field","name":{"kind":"Name","value":"documentRecordTypes"}},{"kind":"Field","name":{"kind":"Name","value":"attachFilesUploaded"}},{"kind":"Field","name":{"kind":"Name","value":"attachFilesGenerated"}},{"kind":"Field","name":{"kind":"Name","value":"fileTypes"}},{"kind":"Field","name":{"kind":"Name","value":"disabledReason"}},{"kind":"Field","name":{"kind":"Name","value":"disabledAt"}}]}}]} as unknown as DocumentNode<CreatePushConnectionMutation, CreatePushConnectionMutationVariables>;
export const UpdatePushConnectionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdatePushConnection"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdatePushConnectionInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updatePushConnection"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PushConnectionFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PushConnectionFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PushConnection"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"systemName"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"headers"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"useDefaultApiUser"}},{"kind":"Field","name":{"kind":"Name","value":"secret"}}]}},{"kind":"Field","name":{"kind":"Name","value":"eventTypes"}},{"kind":"Field","name":{"kind":"Name","value":"templateSuiteAll"}},{"kind":"Field","name":{"kind":"Name","value":"templateSuites"}},{"kind":"Field","name":{"kind":"Name","value":"documentRecordTypeAll"}},{"kind":"Field","name":{"kind":"Name","value":"documentRecordTypes"}},{"kind":"Field","name":{"kind":"Name","value":"attachFilesUploaded"}},{"kind":"Field","name":{"kind":"Name","value":"attachFilesGenerated"}},{"kind":"Field","name":{"kind":"Name","value":"fileTypes"}},{"kind":"Field","name":{"kind":"Name","value":"disabledReason"}},{"kind":"Field","name":{"kind":"Name","value":"disabledAt"}}]}}]} as unknown as DocumentNode<UpdatePushConnectionMutation, UpdatePushConnectionMutationVariables>;
export const EnablePushConnectionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"EnablePushConnection"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"enablePushConnection"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}}]}}]}}]} as unknown as DocumentNode<EnablePushConnectionMutation, EnablePushConnectionMutationVariables>;
export const DisablePushConnectionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DisablePushConnection"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"disablePushConnection"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}}]}}]}}]} as unknown as DocumentNode<DisablePushConnectionMutation, DisablePushConnectionMutationVariables>;
export const DeletePushConnectionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeletePushConnection"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deletePushConnection"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<DeletePushConnectionMutation, DeletePushConnectionMutationVariables>;
export const RotatePushConnectionSecretDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RotatePushConnectionSecret"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rotatePushConnectionSecret"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"signingSecret"}}]}}]}}]} as unknown as DocumentNode<RotatePushConnectionSecretMutation, RotatePushConnectionSecretMutationVariables>;
export const PushConnectionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PushConnection"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pushConnection"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PushConnectionFields"}},{"kind":"Field","name":{"kind":"Name","value":"signingSecret"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PushConnectionFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PushConnection"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"systemName"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"headers"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"useDefaultApiUser"}},{"kind":"Field","name":{"kind":"Name","value":"secret"}}]}},{"kind":"Field","name":{"kind":"Name","value":"eventTypes"}},{"kind":"Field","name":{"kind":"Name","value":"templateSuiteAll"}},{"kind":"Field","name":{"kind":"Name","value":"templateSuites"}},{"kind":"Field","name":{"kind":"Name","value":"documentRecordTypeAll"}},{"kind":"Field","name":{"kind":"Name","value":"documentRecordTypes"}},{"kind":"Field","name":{"kind":"Name","value":"attachFilesUploaded"}},{"kind":"Field","name":{"kind":"Name","value":"attachFilesGenerated"}},{"kind":"Field","name":{"kind":"Name","value":"fileTypes"}},{"kind":"Field","name":{"kind":"Name","value":"disabledReason"}},{"kind":"Field","name":{"kind":"Name","value":"disabledAt"}}]}}]} as unknown as DocumentNode<PushConnectionQuery, PushConnectionQueryVariables>;
export const PushConnectionsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PushConnections"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pushConnections"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PushConnectionFields"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PushConnectionFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PushConnection"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"systemName"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"headers"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"useDefaultApiUser"}},{"kind":"Field","name":{"kind":"Name","value":"secret"}}]}},{"kind":"Field","name":{"kind":"Name","value":"eventTypes"}},{"kind":"Field","name":{"kind":"Name","value":"templateSuiteAll"}},{"kind":"Field","name":{"kind":"Name","value":"templateSuites"}},{"kind":"Field","name":{"kind":"Name","value":"documentRecordTypeAll"}},{"kind":"Field","name":{"kind":"Name","value":"documentRecordTypes"}},{"kind":"Field","name":{"kind":"Name","value":"attachFilesUploaded"}},{"kind":"Field","name":{"kind":"Name","value":"attachFilesGenerated"}},{"kind":"Field","name":{"kind":"Name","value":"fileTypes"}},{"kind":"Field","name":{"kind":"Name","value":"disabledReason"}},{"kind":"Field","name":{"kind":"Name","value":"disabledAt"}}]}}]} as unknown as DocumentNode<PushConnectionsQuery, PushConnectionsQueryVariables>;
export const PushLogsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PushLogs"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"PushLogFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pushLogs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PushLogFields"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PushLogFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PushLog"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"connectionId"}},{"kind":"Field","name":{"kind":"Name","value":"connectionName"}},{"kind":"Field","name":{"kind":"Name","value":"eventId"}},{"kind":"Field","name":{"kind":"Name","value":"eventType"}},{"kind":"Field","name":{"kind":"Name","value":"messageId"}},{"kind":"Field","name":{"kind":"Name","value":"attempt"}},{"kind":"Field","name":{"kind":"Name","value":"requestUrl"}},{"kind":"Field","name":{"kind":"Name","value":"requestHeaders"}},{"kind":"Field","name":{"kind":"Name","value":"requestBody"}},{"kind":"Field","name":{"kind":"Name","value":"responseCode"}},{"kind":"Field","name":{"kind":"Name","value":"responseHeaders"}},{"kind":"Field","name":{"kind":"Name","value":"responseBody"}},{"kind":"Field","name":{"kind":"Name","value":"responseBodyEncoding"}},{"kind":"Field","name":{"kind":"Name","value":"responseBodyTruncated"}},{"kind":"Field","name":{"kind":"Name","value":"responseError"}},{"kind":"Field","name":{"kind":"Name","value":"durationMs"}},{"kind":"Field","name":{"kind":"Name","value":"outcome"}},{"kind":"Field","name":{"kind":"Name","value":"isTest"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<PushLogsQuery, PushLogsQueryVariables>;
export const PushLogDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PushLog"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pushLog"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PushLogFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PushLogFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PushLog"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"connectionId"}},{"kind":"Field","name":{"kind":"Name","value":"connectionName"}},{"kind":"Field","name":{"kind":"Name","value":"eventId"}},{"kind":"Field","name":{"kind":"Name","value":"eventType"}},{"kind":"Field","name":{"kind":"Name","value":"messageId"}},{"kind":"Field","name":{"kind":"Name","value":"attempt"}},{"kind":"Field","name":{"kind":"Name","value":"requestUrl"}},{"kind":"Field","name":{"kind":"Name","value":"requestHeaders"}},{"kind":"Field","name":{"kind":"Name","value":"requestBody"}},{"kind":"Field","name":{"kind":"Name","value":"responseCode"}},{"kind":"Field","name":{"kind":"Name","value":"responseHeaders"}},{"kind":"Field","name":{"kind":"Name","value":"responseBody"}},{"kind":"Field","name":{"kind":"Name","value":"responseBodyEncoding"}},{"kind":"Field","name":{"kind":"Name","value":"responseBodyTruncated"}},{"kind":"Field","name":{"kind":"Name","value":"responseError"}},{"kind":"Field","name":{"kind":"Name","value":"durationMs"}},{"kind":"Field","name":{"kind":"Name","value":"outcome"}},{"kind":"Field","name":{"kind":"Name","value":"isTest"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<PushLogQuery, PushLogQueryVariables>;
export const DeliveryLogDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"DeliveryLog"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"connectionId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"outcome"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"DeliveryOutcome"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deliveryLog"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"connectionId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"connectionId"}}},{"kind":"Argument","name":{"kind":"Name","value":"outcome"},"value":{"kind":"Variable","name":{"kind":"Name","value":"outcome"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PushLogFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PushLogFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PushLog"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"connectionId"}},{"kind":"Field","name":{"kind":"Name","value":"connectionName"}},{"kind":"Field","name":{"kind":"Name","value":"eventId"}},{"kind":"Field","name":{"kind":"Name","value":"eventType"}},{"kind":"Field","name":{"kind":"Name","value":"messageId"}},{"kind":"Field","name":{"kind":"Name","value":"attempt"}},{"kind":"Field","name":{"kind":"Name","value":"requestUrl"}},{"kind":"Field","name":{"kind":"Name","value":"requestHeaders"}},{"kind":"Field","name":{"kind":"Name","value":"requestBody"}},{"kind":"Field","name":{"kind":"Name","value":"responseCode"}},{"kind":"Field","name":{"kind":"Name","value":"responseHeaders"}},{"kind":"Field","name":{"kind":"Name","value":"responseBody"}},{"kind":"Field","name":{"kind":"Name","value":"responseBodyEncoding"}},{"kind":"Field","name":{"kind":"Name","value":"responseBodyTruncated"}},{"kind":"Field","name":{"kind":"Name","value":"responseError"}},{"kind":"Field","name":{"kind":"Name","value":"durationMs"}},{"kind":"Field","name":{"kind":"Name","value":"outcome"}},{"kind":"Field","name":{"kind":"Name","value":"isTest"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<DeliveryLogSubscription, DeliveryLogSubscriptionVariables>;