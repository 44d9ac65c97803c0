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
  description:
    "Legito's document-record timeline event types. docpush stores each event and pushes it to the matching connections; " +
    'an event changes its record only where its description says so.',
  valuesConfig: {
    ApprovalActionApprove: { description: 'An approver approved the document.' },
    ApprovalActionCanceled: { description: "An approver's approval action was cancelled." },
    ApprovalActionDisapprove: { description: 'An approver rejected the document.' },
    ApprovalApproved: { description: 'The approval process ended with approval.' },
    ApprovalDisapproved: { description: 'The approval process ended with rejection.' },
    ApprovalProcessStarted: { description: 'An approval process started.' },
    ApprovalRestart: { description: 'The approval process was started again.' },
    ConfidentialDesignated: { description: 'The record was marked confidential.' },
    ConfidentialRemoved: { description: 'The confidential mark was removed from the record.' },
    DateDelivery: { description: "A reminder of the record's delivery date." },
    DateExpiration: { description: "A reminder of the record's expiration date." },
    DatePayment: { description: "A reminder of the record's payment date." },
    DateSigning: { description: "A reminder of the record's signing date." },
    DocumentDownload: { description: 'A document of the record was downloaded.' },
    DocumentOwnerChanged: {
      description:
        "The record's owner changed; parameters.ownerId is the new owner's user id. updateDocumentRecord records it when it sets another owner. " +
        "Recorded with recordDocumentEvent, parameters.ownerId is required and becomes the record's ownerId. " +
        'An event without it is rejected with BAD_USER_INPUT, and an event on a locked record with CONFLICT.',
    },
    DocumentRecordCreated: { description: 'The record was created; createDocumentRecord records it.' },
    DocumentRecordCreatedMass: { description: 'The record was created by a mass creation.' },
    DocumentRecordDeleted: {
      description:
        "The record was deleted; sets the record's deleted flag. Until a DocumentRecordRestored event, the record accepts only DocumentRecordDeleted and DocumentRecordRestored events, " +
        'and updateDocumentRecord and changes to its documents and files are rejected with CONFLICT.',
    },
    DocumentRecordLocked: {
      description: 'The record was locked; sets locked, so updateDocumentRecord, changes to its documents and files and DocumentOwnerChanged events are rejected with CONFLICT.',
    },
    DocumentRecordRestored: { description: "The deleted record was restored; clears the record's deleted flag." },
    DocumentRecordUnlocked: { description: 'The record was unlocked; clears locked.' },
    DocumentRecordUpdated: {
      description:
        "The record's fields changed; updateDocumentRecord records it, followed by DocumentOwnerChanged when the owner changes " +
        'and by WorkflowStatusChanged when the workflow stage id changes.',
    },
    DocumentSentByEmail: { description: 'A document of the record was sent by email.' },
    DocumentShared: { description: 'The record was shared with another user.' },
    DocumentSharingRemoved: { description: 'A sharing of the record was removed.' },
    DocumentVersionView: { description: 'A document version of the record was viewed.' },
    ExpirationDateRevised: { description: "The record's expiration date was changed." },
    ExternalSharingActivated: { description: 'Sharing of the record with people outside the workspace was turned on.' },
    ExternalSharingDeactivated: { description: 'Sharing of the record with people outside the workspace was turned off.' },
    FileDeleted: { description: 'A file was deleted from the record; deleteFile records it.' },
    FileDownload: { description: 'A file of the record was downloaded.' },
    FileUpload: { description: 'A file was uploaded to the record; uploadFile records it.' },
    LinkAdded: { description: 'A link to another record was added.' },
    NewDocumentVersion: { description: 'A document of the record got a new version; createDocument and updateDocument record it.' },
    SignCanceled: { description: 'A signing process was cancelled.' },
    SignCompleted: { description: 'A signing process was completed.' },
    SignStarted: { description: 'A signing process started.' },
    WorkflowStatusChanged: {
      description:
        'The record moved to another workflow stage; parameters.workflowStageId is the new stage id, null when the stage was removed. ' +
        'updateDocumentRecord records it when the workflow stage id changes. ' +
        "Recorded with recordDocumentEvent, the event does not change the record's workflowStage, so a parameters.workflowStageId " +
        "other than the id of the record's stage (null for a record without one) is rejected with CONFLICT. workflowStageId may be omitted.",
    },
  },
});
