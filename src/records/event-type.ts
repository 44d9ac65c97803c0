import { registerEnumType } from 'type-graphql';

/** Legito's document-record timeline event types; the names are part of the wire format. */
export enum DocumentRecordEventType {
  ApprovalActionApprove = 'ApprovalActionApprove',
  ApprovalActionCanceled = 'ApprovalActionCanceled',
  ApprovalActionDisapprove = 'ApprovalActionDisapprove',
  ApprovalApproved = 'ApprovalApproved',
  ApprovalDisapproved = 'ApprovalDisapproved',
  ApprovalProcessStarted = 'ApprovalProcessStarted',
  ApprovalRestart = 'ApprovalRestart',
  ConfidentialDesignated = 'ConfidentialDesignated',
  ConfidentialRemoved = 'ConfidentialRemoved',
  DateDelivery = 'DateDelivery',
  DateExpiration = 'DateExpiration',
  DatePayment = 'DatePayment',
  DateSigning = 'DateSigning',
  DocumentDownload = 'DocumentDownload',
  DocumentOwnerChanged = 'DocumentOwnerChanged',
  DocumentRecordCreated = 'DocumentRecordCreated',
  DocumentRecordCreatedMass = 'DocumentRecordCreatedMass',
  DocumentRecordDeleted = 'DocumentRecordDeleted',
  DocumentRecordLocked = 'DocumentRecordLocked',
  DocumentRecordRestored = 'DocumentRecordRestored',
  DocumentRecordUnlocked = 'DocumentRecordUnlocked',
  DocumentRecordUpdated = 'DocumentRecordUpdated',
  DocumentSentByEmail = 'DocumentSentByEmail',
  DocumentShared = 'DocumentShared',
  DocumentSharingRemoved = 'DocumentSharingRemoved',
  DocumentVersionView = 'DocumentVersionView',
  ExpirationDateRevised = 'ExpirationDateRevised',
  ExternalSharingActivated = 'ExternalSharingActivated',
  ExternalSharingDeactivated = 'ExternalSharingDeactivated',
  FileDeleted = 'FileDeleted',
  FileDownload = 'FileDownload',
  FileUpload = 'FileUpload',
  LinkAdded = 'LinkAdded',
  NewDocumentVersion = 'NewDocumentVersion',
  SignCanceled = 'SignCanceled',
  SignCompleted = 'SignCompleted',
  SignStarted = 'SignStarted',
  WorkflowStatusChanged = 'WorkflowStatusChanged',
}

export const EVENT_TYPES = Object.values(DocumentRecordEventType);

registerEnumType(DocumentRecordEventType, {
  name: 'DocumentRecordEventType',
  description: "Legito's document-record timeline event types.",
});
