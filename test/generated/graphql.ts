/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** What an API key may do; each operation of the schema names the role it needs. */
export type ApiKeyRole =
  /** Every operation: push connections, push messages and logs, subscriptions, API keys, users, the catalog and the default API user, and all that MEMBER may do. */
  | 'ADMIN'
  /** Records events and manages document records, documents and files; reads users, the catalog and the workspace. */
  | 'MEMBER';

/** One block of document content. `kind` decides which other fields apply; a field that the kind does not use must be omitted or null. */
export type ContentBlockInput = {
  /** Caption above the property table, up to 500 characters; property tables only. */
  caption?: string | null | undefined;
  /** List items, 1 to 1,000 of up to 10,000 characters each; lists only. */
  items?: Array<string> | null | undefined;
  /** What the block is; it decides which other fields apply. */
  kind: ContentBlockKind;
  /** Heading level 1, 2 or 3; headings only. */
  level?: number | null | undefined;
  /** True for a numbered list, false (the default) for bullets; lists only. */
  ordered?: boolean | null | undefined;
  /** Text of a heading (up to 1,000 characters) or a paragraph (up to 100,000); line breaks are kept. */
  text?: string | null | undefined;
};

/** What a content block is: a heading, a paragraph, a list, or a table of the record properties. */
export type ContentBlockKind =
  /** A heading; needs `level` (1 to 3) and `text`. */
  | 'heading'
  /** A bulleted or numbered list; needs `items` and takes `ordered` (false when omitted). */
  | 'list'
  /** A paragraph; needs `text`. */
  | 'paragraph'
  /** The record's properties as a two-column table (name, value); takes an optional `caption`. */
  | 'propertyTable';

/** A new API key of the workspace. */
export type CreateApiKeyInput = {
  /** What the key is for, such as "CRM integration"; 1 to 200 characters. */
  name: string;
  /** ADMIN manages push connections, logs and keys; MEMBER records events and manages records. */
  role: ApiKeyRole;
};

/** A generated document of a record, made from one template of the record's template suite. */
export type CreateDocumentInput = {
  /** The content of version 1. */
  content: DocumentContentInput;
  /** A document record of this workspace that is neither locked nor deleted. */
  documentRecordId: string | number;
  /** A template of the record's template suite; a record has at most one document per template. */
  templateId: string | number;
};

/** A new document record; creating it records a DocumentRecordCreated event by its author. */
export type CreateDocumentRecordInput = {
  /** The user who creates the record; also the author of its DocumentRecordCreated event. */
  authorId: string | number;
  /** A document record type of this workspace. */
  documentRecordTypeId?: string | number | null | undefined;
  /** Record name, 1 to 500 characters. */
  name: string;
  /** The owner; the author when omitted. */
  ownerId?: string | number | null | undefined;
  /** At most 3 persons, each with at least one of definition, name and email. */
  persons?: Array<DocumentRecordPersonInput> | null | undefined;
  /** Property values in the shape of Legito's DocumentRecord.properties; at most 500, and at most 256 KiB as JSON. Each needs id (a positive integer, unique within the record), name (1 to 200 characters), type and value. type is one of system, text, textarea, date, date_list, number, currency, checkbox, checkbox_list, selectbox, selectbox_multiple, user, user_list, user_group, user_group_list, list_record or list_record_list, and it fixes the shape of value, such as a number or null for number. The optional keys are propertyGroupId, priority, system, systemType and systemName; any other key is rejected. */
  properties?: Array<Record<string, unknown>> | null | undefined;
  /** A template suite of this workspace. */
  templateSuiteId?: string | number | null | undefined;
  /** The workflow stage; none when omitted. */
  workflowStage?: WorkflowStageInput | null | undefined;
};

/** A new push connection; it starts disabled. */
export type CreatePushConnectionInput = {
  /** Render each of the record's documents to every type in fileTypes and attach them, as Base64, under files.generated. */
  attachFilesGenerated?: boolean;
  /** Attach the record's uploaded files, as Base64, under files.uploaded. */
  attachFilesUploaded?: boolean;
  /** When true, records of any type or of none trigger the connection. When false, only records of a type in documentRecordTypes do. */
  documentRecordTypeAll?: boolean;
  /** Document record type ids, used when documentRecordTypeAll is false, and then at least one is required. */
  documentRecordTypes?: Array<string | number>;
  /** Event types that trigger a push; at least one. */
  eventTypes: Array<DocumentRecordEventType>;
  /** Formats of the generated files, used when attachFilesGenerated is true, and then at least one is required. */
  fileTypes?: Array<FileType>;
  /** Custom headers, at most 50, with names unique regardless of case. */
  headers?: Array<PushConnectionHeaderInput>;
  /** At most 200 characters, on one line: control characters, tabs included, the line and paragraph separators U+2028 and U+2029, the bidirectional embeddings and overrides U+202A to U+202E, and isolates (U+2066 to U+2068) that U+2069 does not close are rejected. A name of only whitespace and invisible characters such as U+200B counts as empty. */
  name: string;
  /** When true, records of any template suite or of none trigger the connection. When false, only records of a suite in templateSuites do. */
  templateSuiteAll?: boolean;
  /** Template suite ids, used when templateSuiteAll is false, and then at least one is required. */
  templateSuites?: Array<string | number>;
  /** The listener URL, at most 2048 characters: https, on a public address unless the server allow-list opens more. A fragment ("#…") is rejected, because HTTP never sends it to the listener. Stored and returned as it is sent, WHATWG-serialised: a space becomes %20, the host is lower-cased, and an internationalised host name is stored in its punycode (xn--) form. */
  url: string;
};

/** A new template of a template suite. */
export type CreateTemplateInput = {
  /** The layout design; omitted fields take the default layout. */
  layout?: TemplateLayoutInput | null | undefined;
  /** Display name, 1 to 200 characters. */
  name: string;
  /** The template suite of this workspace that the template belongs to. */
  templateSuiteId: string | number;
};

/** A new user of the workspace. */
export type CreateUserInput = {
  /** Free text, up to 10,000 characters. */
  customData?: string | null | undefined;
  /** Email address in the form name@example.com, at most 254 bytes as UTF-8 and 64 before the @; unique within the workspace. */
  email: string;
  /** Display name, 1 to 200 characters on one line: control characters, line and paragraph separators, bidirectional embeddings and overrides, and unclosed isolates are rejected. */
  name: string;
  /** Job title, up to 200 characters on one line, with the same character rules as name. */
  position?: string | null | undefined;
};

/** SUCCEEDED for any 2xx response, FAILED otherwise. */
export type DeliveryOutcome =
  /** Any other status, or no response: not sent, refused, TLS error, time-out, or an attempt cut off by a stopped worker. */
  | 'FAILED'
  /** The listener responded with a 2xx status. */
  | 'SUCCEEDED';

/** The structured content of a generated document, rendered to every file type a push connection asks for. */
export type DocumentContentInput = {
  /** The blocks in reading order, at most 2,000, of which at most 4 property tables; all texts together may have up to 1,000,000 characters. */
  blocks: Array<ContentBlockInput>;
  /** Document title, printed above the first block; 1 to 500 characters. */
  title: string;
};

/** Legito's document-record timeline event types. docpush stores each event and pushes it to the matching connections; an event changes its record only where its description says so. */
export type DocumentRecordEventType =
  /** An approver approved the document. */
  | 'ApprovalActionApprove'
  /** An approver's approval action was cancelled. */
  | 'ApprovalActionCanceled'
  /** An approver rejected the document. */
  | 'ApprovalActionDisapprove'
  /** The approval process ended with approval. */
  | 'ApprovalApproved'
  /** The approval process ended with rejection. */
  | 'ApprovalDisapproved'
  /** An approval process started. */
  | 'ApprovalProcessStarted'
  /** The approval process was started again. */
  | 'ApprovalRestart'
  /** The record was marked confidential. */
  | 'ConfidentialDesignated'
  /** The confidential mark was removed from the record. */
  | 'ConfidentialRemoved'
  /** A reminder of the record's delivery date. */
  | 'DateDelivery'
  /** A reminder of the record's expiration date. */
  | 'DateExpiration'
  /** A reminder of the record's payment date. */
  | 'DatePayment'
  /** A reminder of the record's signing date. */
  | 'DateSigning'
  /** A document of the record was downloaded. */
  | 'DocumentDownload'
  /** The record's owner changed; parameters.ownerId is the new owner's user id. updateDocumentRecord records it when it sets another owner. Recorded with recordDocumentEvent, parameters.ownerId is required and becomes the record's ownerId. An event without it is rejected with BAD_USER_INPUT, and an event on a locked record with CONFLICT. */
  | 'DocumentOwnerChanged'
  /** The record was created; createDocumentRecord records it. */
  | 'DocumentRecordCreated'
  /** The record was created by a mass creation. */
  | 'DocumentRecordCreatedMass'
  /** The record was deleted; sets the record's deleted flag. Until a DocumentRecordRestored event, the record accepts only DocumentRecordDeleted and DocumentRecordRestored events, and updateDocumentRecord and changes to its documents and files are rejected with CONFLICT. */
  | 'DocumentRecordDeleted'
  /** The record was locked; sets locked, so updateDocumentRecord, changes to its documents and files and DocumentOwnerChanged events are rejected with CONFLICT. */
  | 'DocumentRecordLocked'
  /** The deleted record was restored; clears the record's deleted flag. */
  | 'DocumentRecordRestored'
  /** The record was unlocked; clears locked. */
  | 'DocumentRecordUnlocked'
  /** The record's fields changed; updateDocumentRecord records it, followed by DocumentOwnerChanged when the owner changes and by WorkflowStatusChanged when the workflow stage id changes. */
  | 'DocumentRecordUpdated'
  /** A document of the record was sent by email. */
  | 'DocumentSentByEmail'
  /** The record was shared with another user. */
  | 'DocumentShared'
  /** A sharing of the record was removed. */
  | 'DocumentSharingRemoved'
  /** A document version of the record was viewed. */
  | 'DocumentVersionView'
  /** The record's expiration date was changed. */
  | 'ExpirationDateRevised'
  /** Sharing of the record with people outside the workspace was turned on. */
  | 'ExternalSharingActivated'
  /** Sharing of the record with people outside the workspace was turned off. */
  | 'ExternalSharingDeactivated'
  /** A file was deleted from the record; deleteFile records it. */
  | 'FileDeleted'
  /** A file of the record was downloaded. */
  | 'FileDownload'
  /** A file was uploaded to the record; uploadFile records it. */
  | 'FileUpload'
  /** A link to another record was added. */
  | 'LinkAdded'
  /** A document of the record got a new version; createDocument and updateDocument record it. */
  | 'NewDocumentVersion'
  /** A signing process was cancelled. */
  | 'SignCanceled'
  /** A signing process was completed. */
  | 'SignCompleted'
  /** A signing process started. */
  | 'SignStarted'
  /** The record moved to another workflow stage; parameters.workflowStageId is the new stage id, null when the stage was removed. updateDocumentRecord records it when the workflow stage id changes. Recorded with recordDocumentEvent, the event does not change the record's workflowStage, so a parameters.workflowStageId other than the id of the record's stage (null for a record without one) is rejected with CONFLICT. workflowStageId may be omitted. */
  | 'WorkflowStatusChanged';

/** A person named on a record, such as a signing party. At least one of definition, name and email must be non-blank. */
export type DocumentRecordPersonInput = {
  /** The role of the person, such as "First sign party"; up to 200 characters. */
  definition?: string | null | undefined;
  /** An email address in the form name@example.com. */
  email?: string | null | undefined;
  /** Up to 200 characters. */
  name?: string | null | undefined;
};

/** The fields of a document record type. */
export type DocumentRecordTypeInput = {
  /** Display name, such as "Contract"; 1 to 200 characters. */
  name: string;
};

/** A format that generated documents are rendered to, with the template's layout where the format has pages. */
export type FileType =
  /** Office Open XML word-processing document (.docx), with page size, orientation, margins, font, header and footer. */
  | 'docx'
  /** Standalone UTF-8 HTML5 page; when printed, @page rules set the page size and margins and show the header and footer. */
  | 'html'
  /** OpenDocument text (ODF 1.3, .odt) with the page layout, header and footer. */
  | 'odt'
  /** PDF 1.7 with embedded subsets of the DejaVu fonts. DejaVu has no CJK glyphs, so Chinese, Japanese and Korean text shows as blank boxes. */
  | 'pdf'
  /** PDF/A-2b (ISO 19005-2, level B) for archiving: as pdf, plus XMP identification metadata and an sRGB output intent. The file is not tagged, so it does not meet level A; its name ends in .pdf. */
  | 'pdfa'
  /** Rich Text Format with page size, orientation, margins, header and footer; non-ASCII characters are \uN? escapes. */
  | 'rtf'
  /** UTF-8 plain text with underlined headings; it has no pages, so the header and footer text are left out. */
  | 'txt'
  /** UTF-8 XML with root element documentRecord: the record's data, its properties, the template and the document's blocks. */
  | 'xml';

/** Body font family; each format maps it to a font it has. */
export type FontFamily =
  /** Fixed-pitch: DejaVu Sans Mono in PDF, Courier New in DOCX and ODT. */
  | 'mono'
  /** Sans-serif: DejaVu Sans in PDF, Arial in DOCX and ODT. */
  | 'sans'
  /** Serif: DejaVu Serif in PDF, Times New Roman in DOCX and ODT. */
  | 'serif';

/** Page margins in millimetres; omitted sides keep their value. */
export type PageMarginsInput = {
  /** Bottom margin in mm, 0 or more. */
  bottom?: number | null | undefined;
  /** Left margin in mm, 0 or more. */
  left?: number | null | undefined;
  /** Right margin in mm, 0 or more. */
  right?: number | null | undefined;
  /** Top margin in mm, 0 or more. */
  top?: number | null | undefined;
};

/** Which side of the page is the top. */
export type PageOrientation =
  /** The long side is at the top: width and height of the page size are swapped. */
  | 'landscape'
  /** The short side is at the top. */
  | 'portrait';

/** Paper size: ISO A4 (210 × 297 mm), US Letter or US Legal. */
export type PageSize =
  /** ISO A4, 210 × 297 mm. */
  | 'A4'
  /** US Legal, 8.5 × 14 in (215.9 × 355.6 mm). */
  | 'LEGAL'
  /** US Letter, 8.5 × 11 in (215.9 × 279.4 mm). */
  | 'LETTER';

/** A custom header for a push connection's messages. */
export type PushConnectionHeaderInput = {
  /** An HTTP header name (an RFC 9110 token) of at most 256 characters. webhook-*, User-Agent, Content-Type, Content-Length, Content-Encoding, Host, Transfer-Encoding, Proxy-Authorization and hop-by-hop headers such as Connection are reserved. */
  name: string;
  /** Store the value encrypted and mask it in logs and API output. */
  secret?: boolean;
  /** Resolve LEGITO.currentUser.* to the default API user instead of the acting user. */
  useDefaultApiUser?: boolean;
  /** The value, at most 4096 bytes as UTF-8, without a leading or trailing space or tab; may contain variables such as {{LEGITO.currentUser.email}}. A header whose value, with its variables replaced, has a control character or more than 4096 bytes as UTF-8 is left out of that request. */
  value: string;
};

/** ENABLED and DISABLED are admin actions; DISABLED_BY_DOCPUSH follows a 410 Gone answer or a connection failing too long. */
export type PushConnectionStatusChange =
  /** An admin deleted the connection. */
  | 'DELETED'
  /** An admin disabled the connection. */
  | 'DISABLED'
  /** docpush disabled the connection; disabledReason says why. */
  | 'DISABLED_BY_DOCPUSH'
  /** An admin enabled the connection. */
  | 'ENABLED';

/** Conditions on push logs; all given conditions must hold. */
export type PushLogFilter = {
  /** Attempts of this push connection, deleted connections included. */
  connectionId?: string | number | null | undefined;
  /** Attempts that pushed an event of this type. */
  eventType?: DocumentRecordEventType | null | undefined;
  /** Attempts at or after this time, in years 1 to 9999 UTC. */
  from?: string | null | undefined;
  /** Attempts of this push message (its webhook-id). */
  messageId?: string | number | null | undefined;
  /** Attempts with this outcome. */
  outcome?: DeliveryOutcome | null | undefined;
  /** Attempts with this response code; 0 for attempts that received no response. */
  responseCode?: number | null | undefined;
  /** Attempts before this time, in years 1 to 9999 UTC. */
  to?: string | null | undefined;
};

/** Conditions on push messages; all given conditions must hold. */
export type PushMessageFilter = {
  /** Messages of this push connection, deleted connections included. */
  connectionId?: string | number | null | undefined;
  /** Messages created at or after this time, in years 1 to 9999 UTC. */
  from?: string | null | undefined;
  /** True for test messages only, false for real ones only. */
  isTest?: boolean | null | undefined;
  /** Messages in this state. */
  state?: PushMessageState | null | undefined;
  /** Messages created before this time, in years 1 to 9999 UTC. */
  to?: string | null | undefined;
};

/** Where a push message is in its delivery; SUCCEEDED, FAILED and CANCELLED are final until an admin sends it again. */
export type PushMessageState =
  /** Its connection was deleted before the message was delivered. */
  | 'CANCELLED'
  /** An attempt is in flight. One left by a stopped worker is attempted again once its lock lifetime (DOCPUSH_JOB_LOCK_LIFETIME) has passed. */
  | 'DELIVERING'
  /** Given up: the retry schedule ran out (8 attempts by default), the listener answered 410 Gone, or the message was too large to build. resendPushMessage or recoverFailedMessages sends it again. */
  | 'FAILED'
  /** Waiting for its first attempt, or queued again by recoverFailedMessages; it waits while its connection is disabled. */
  | 'PENDING'
  /** The last attempt failed; the next one is due at nextAttemptAt. While its connection is disabled it waits, and goes out once the connection is enabled again. */
  | 'RETRY_SCHEDULED'
  /** An attempt received a 2xx response. */
  | 'SUCCEEDED';

/** A timeline event of a document record; it is pushed to every enabled connection that matches it. */
export type RecordDocumentEventInput = {
  /** The acting user; omit it for a system event such as a date reminder. */
  authorId?: string | number | null | undefined;
  /** A document record of this workspace. */
  documentRecordId: string | number;
  /** A key that makes a retry safe, such as a UUID made once per event by the caller. When an event of this workspace was already recorded with the key and the same documentRecordId, type, authorId and parameters, the call returns that event with replayed true, and stores and pushes nothing. The same key with any of those fields different is CONFLICT. Keys of other workspaces are independent. 1 to 255 printable characters, compared exactly. A key stays bound to its event for as long as the event is stored. No mutation or job deletes a recorded event (the retention job purges logs, finished push messages and the sample events of test messages), so a key cannot be used for another event later. A replay returns the event also when its record has been locked, deleted or moved to another workflow stage since. */
  idempotencyKey?: string | null | undefined;
  /** Legito's event parameters, such as {ownerId} or {workflowStageId}; at most 64 KiB as JSON. ownerId, workflowStageId, shareUserId, shareUserGroupId, fileId, templateId and documentVersionId take positive integers as JSON numbers, such as {"ownerId": 3}, not the string ids that this API returns; sharePermission takes MANAGE, EDIT, READ or LIST, externalLink a string and date an ISO 8601 date-time. Each of them may be null, and other keys are stored unchecked. DocumentOwnerChanged requires parameters.ownerId, which also becomes the record's owner. WorkflowStatusChanged with parameters.workflowStageId must name the id of the record's workflow stage, or null for a record without one, else CONFLICT. */
  parameters?: Record<string, unknown> | null | undefined;
  /** The event type; it selects the connections that the event is pushed to. createDocumentRecord, updateDocumentRecord, createDocument, updateDocument, uploadFile and deleteFile record their own events (DocumentRecordCreated, DocumentRecordUpdated, NewDocumentVersion, FileUpload, FileDeleted). Recording one of these types here changes no record, document or file, and after such a mutation it pushes the event a second time. updateDocumentRecord also records DocumentOwnerChanged and WorkflowStatusChanged when it changes the owner or the workflow stage id. */
  type: DocumentRecordEventType;
};

/** A template layout design. Omitted fields keep their value: the current layout on update, the default layout (A4, portrait, margins 25/20/25/20 mm, sans 11 pt, no header or footer) on creation. */
export type TemplateLayoutInput = {
  /** Body font family. */
  fontFamily?: FontFamily | null | undefined;
  /** Body font size in points, 4 to 72. */
  fontSize?: number | null | undefined;
  /** Text printed at the bottom of every page. Up to 500 characters on one line: control characters, line breaks and tabs included, the line and paragraph separators U+2028 and U+2029, the bidirectional embeddings and overrides U+202A to U+202E, and isolates (U+2066 to U+2068) that U+2069 does not close are rejected. Null, empty text or text of only whitespace and invisible characters such as U+200B removes it. */
  footerText?: string | null | undefined;
  /** Text printed at the top of every page. Up to 500 characters on one line: control characters, line breaks and tabs included, the line and paragraph separators U+2028 and U+2029, the bidirectional embeddings and overrides U+202A to U+202E, and isolates (U+2066 to U+2068) that U+2069 does not close are rejected. Null, empty text or text of only whitespace and invisible characters such as U+200B removes it. */
  headerText?: string | null | undefined;
  /** Margins in mm. Left and right together, and top and bottom together, may take at most 80% of the page width and height. */
  margins?: PageMarginsInput | null | undefined;
  /** Page orientation. */
  orientation?: PageOrientation | null | undefined;
  /** Paper size. */
  pageSize?: PageSize | null | undefined;
};

/** The fields of a template suite. */
export type TemplateSuiteInput = {
  /** Display name, 1 to 200 characters. */
  name: string;
};

/** Changes to a document record. They record a DocumentRecordUpdated event, then a DocumentOwnerChanged event when ownerId names another user than the owner, then a WorkflowStatusChanged event when the workflow stage id changes. Omitted fields keep their value; null clears templateSuiteId, documentRecordTypeId and workflowStage. */
export type UpdateDocumentRecordInput = {
  /** The user who makes the change: the author of the events it records. Omit it for a change without an acting user. */
  actingUserId?: string | number | null | undefined;
  /** A document record type of this workspace; null removes it. */
  documentRecordTypeId?: string | number | null | undefined;
  /** New record name, 1 to 500 characters. */
  name?: string | null | undefined;
  /** The new owner, a user of this workspace. Another user than the current owner also records a DocumentOwnerChanged event with parameters.ownerId. */
  ownerId?: string | number | null | undefined;
  /** Replaces all persons, with the limits of CreateDocumentRecordInput.persons. */
  persons?: Array<DocumentRecordPersonInput> | null | undefined;
  /** Replaces all properties, with the limits of CreateDocumentRecordInput.properties. */
  properties?: Array<Record<string, unknown>> | null | undefined;
  /** A template suite of this workspace; null removes it. CONFLICT while the record has documents, whose templates belong to its current suite. */
  templateSuiteId?: string | number | null | undefined;
  /** Replaces the workflow stage; null removes it. A change of the stage id, including a stage set or removed, also records a WorkflowStatusChanged event with parameters.workflowStageId, null for a removed stage. The same id with other fields records none. */
  workflowStage?: WorkflowStageInput | null | undefined;
};

/** Changes to a push connection; omitted fields keep their value. Headers are replaced as a whole. */
export type UpdatePushConnectionInput = {
  /** Render the record's documents to every type in fileTypes and attach them, as Base64, under files.generated. */
  attachFilesGenerated?: boolean | null | undefined;
  /** Attach the record's uploaded files, as Base64, under files.uploaded. */
  attachFilesUploaded?: boolean | null | undefined;
  /** As in CreatePushConnectionInput; false needs at least one document record type, given here or already stored. */
  documentRecordTypeAll?: boolean | null | undefined;
  /** Replaces the document record type ids, used when documentRecordTypeAll is false. */
  documentRecordTypes?: Array<string | number> | null | undefined;
  /** Replaces the event types that trigger a push; at least one. */
  eventTypes?: Array<DocumentRecordEventType> | null | undefined;
  /** Replaces the formats of the generated files; at least one while attachFilesGenerated is true. */
  fileTypes?: Array<FileType> | null | undefined;
  /** Custom headers, at most 50, with names unique regardless of case. */
  headers?: Array<PushConnectionHeaderInput> | null | undefined;
  /** At most 200 characters, on one line: control characters, tabs included, the line and paragraph separators U+2028 and U+2029, the bidirectional embeddings and overrides U+202A to U+202E, and isolates (U+2066 to U+2068) that U+2069 does not close are rejected. A name of only whitespace and invisible characters such as U+200B counts as empty. */
  name?: string | null | undefined;
  /** As in CreatePushConnectionInput; false needs at least one template suite, given here or already stored. */
  templateSuiteAll?: boolean | null | undefined;
  /** Replaces the template suite ids, used when templateSuiteAll is false. */
  templateSuites?: Array<string | number> | null | undefined;
  /** The listener URL, at most 2048 characters: https, on a public address unless the server allow-list opens more. A fragment ("#…") is rejected, because HTTP never sends it to the listener. Stored and returned as it is sent, WHATWG-serialised: a space becomes %20, the host is lower-cased, and an internationalised host name is stored in its punycode (xn--) form. A new URL is rejected unless the same update sends the value of every secret header again or removes it. */
  url?: string | null | undefined;
};

/** Changes to a template; omitted fields keep their value. */
export type UpdateTemplateInput = {
  /** Layout changes; omitted layout fields keep their value. */
  layout?: TemplateLayoutInput | null | undefined;
  /** New display name, 1 to 200 characters. */
  name?: string | null | undefined;
  /** Moves the template to another template suite of this workspace. CONFLICT while documents made from the template exist, because their records stay in the current suite. */
  templateSuiteId?: string | number | null | undefined;
};

/** Changes to a user. Omitted fields keep their value; null clears position and customData. */
export type UpdateUserInput = {
  /** New free text, up to 10,000 characters; null clears it. */
  customData?: string | null | undefined;
  /** New email address, with the rules of CreateUserInput.email. */
  email?: string | null | undefined;
  /** New display name, with the rules of CreateUserInput.name. */
  name?: string | null | undefined;
  /** New job title, with the rules of CreateUserInput.position; null clears it. */
  position?: string | null | undefined;
};

/** A file to store on a record; it is pushed to connections that attach uploaded files. */
export type UploadFileInput = {
  /** The file bytes as standard Base64 (RFC 4648 section 4, with padding, no line breaks). */
  contentBase64: string;
  /** A document record of this workspace that is neither locked nor deleted. */
  documentRecordId: string | number;
  /** File name with extension, such as "signed-contract.pdf"; unique within the record, ignoring case. Stored as sent, without trimming: whitespace at its start or end and a dot at its end are rejected, because Windows does not support a file name that ends with a space or a dot. */
  fileName: string;
  /** Media type, such as "application/pdf". */
  mimeType: string;
};

/** A workflow stage in the shape of Legito's WorkflowStage resource. */
export type WorkflowStageInput = {
  /** Display color, such as "#74c078"; up to 32 characters. */
  color?: string | null | undefined;
  /** Legito's download flag of the stage, stored and pushed as given. */
  download?: boolean | null | undefined;
  /** Workflow stage id, a positive integer. */
  id: number;
  /** Legito's locked flag of the stage, stored and pushed as given. It does not lock the record: record a DocumentRecordLocked event for that. */
  locked?: boolean | null | undefined;
  /** Stage name, such as "Ready to sign"; 1 to 200 characters. */
  name: string;
  /** Legito's notify flag of the stage, stored and pushed as given. */
  notify?: boolean | null | undefined;
  /** Position of the stage in the stage list, 0 or more. An update also accepts the negative position that the record stores, sent back unchanged with the same stage id, because earlier builds stored negative positions. */
  position?: number | null | undefined;
  /** Legito's share flag of the stage, stored and pushed as given. */
  share?: boolean | null | undefined;
  /** Legito's shareExternal flag of the stage, stored and pushed as given. */
  shareExternal?: boolean | null | undefined;
  /** Legito's sign flag of the stage, stored and pushed as given. */
  sign?: boolean | null | undefined;
  /** True for the start stage. */
  start?: boolean | null | undefined;
  /** Legito's workflow element id. */
  workflowElementId?: number | null | undefined;
  /** Legito's persistent workflow element id. */
  workflowElementPersistId?: number | null | undefined;
  /** Legito's workflow revision id. */
  workflowRevisionId?: number | null | undefined;
};

export type TemplateSuitesQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type TemplateSuitesQuery = { templateSuites: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, name: string } }> } };

export type TemplateSuiteQueryVariables = Exact<{
  id: string | number;
}>;


export type TemplateSuiteQuery = { templateSuite: { id: string, name: string } };

export type CreateTemplateSuiteMutationVariables = Exact<{
  input: TemplateSuiteInput;
}>;


export type CreateTemplateSuiteMutation = { createTemplateSuite: { id: string, name: string } };

export type UpdateTemplateSuiteMutationVariables = Exact<{
  id: string | number;
  input: TemplateSuiteInput;
}>;


export type UpdateTemplateSuiteMutation = { updateTemplateSuite: { id: string, name: string } };

export type TemplateFieldsFragment = { id: string, name: string, templateSuiteId: string, layout: Record<string, unknown> };

export type TemplatesQueryVariables = Exact<{
  templateSuiteId?: string | number | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type TemplatesQuery = { templates: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, name: string, templateSuiteId: string, layout: Record<string, unknown> } }> } };

export type TemplateQueryVariables = Exact<{
  id: string | number;
}>;


export type TemplateQuery = { template: { id: string, name: string, templateSuiteId: string, layout: Record<string, unknown> } };

export type CreateTemplateMutationVariables = Exact<{
  input: CreateTemplateInput;
}>;


export type CreateTemplateMutation = { createTemplate: { id: string, name: string, templateSuiteId: string, layout: Record<string, unknown> } };

export type UpdateTemplateMutationVariables = Exact<{
  id: string | number;
  input: UpdateTemplateInput;
}>;


export type UpdateTemplateMutation = { updateTemplate: { id: string, name: string, templateSuiteId: string, layout: Record<string, unknown> } };

export type DocumentRecordTypesQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type DocumentRecordTypesQuery = { documentRecordTypes: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, name: string } }> } };

export type DocumentRecordTypeQueryVariables = Exact<{
  id: string | number;
}>;


export type DocumentRecordTypeQuery = { documentRecordType: { id: string, name: string } };

export type CreateDocumentRecordTypeMutationVariables = Exact<{
  input: DocumentRecordTypeInput;
}>;


export type CreateDocumentRecordTypeMutation = { createDocumentRecordType: { id: string, name: string } };

export type UpdateDocumentRecordTypeMutationVariables = Exact<{
  id: string | number;
  input: DocumentRecordTypeInput;
}>;


export type UpdateDocumentRecordTypeMutation = { updateDocumentRecordType: { id: string, name: string } };

export type DocumentFieldsFragment = { id: string, documentRecordId: string, templateId: string, version: number, createdAt: string, updatedAt: string, content: { title: string, blocks: Array<{ kind: ContentBlockKind, level: number | null, text: string | null, ordered: boolean | null, items: Array<string> | null, caption: string | null }> } };

export type FileFieldsFragment = { id: string, documentRecordId: string, fileName: string, mimeType: string, size: number, sha256: string, uploadedDate: string };

export type DocumentsQueryVariables = Exact<{
  documentRecordId: string | number;
}>;


export type DocumentsQuery = { documents: Array<{ id: string, documentRecordId: string, templateId: string, version: number, createdAt: string, updatedAt: string, content: { title: string, blocks: Array<{ kind: ContentBlockKind, level: number | null, text: string | null, ordered: boolean | null, items: Array<string> | null, caption: string | null }> } }> };

export type CreateDocumentMutationVariables = Exact<{
  input: CreateDocumentInput;
  actingUserId?: string | number | null | undefined;
}>;


export type CreateDocumentMutation = { createDocument: { id: string, documentRecordId: string, templateId: string, version: number, createdAt: string, updatedAt: string, content: { title: string, blocks: Array<{ kind: ContentBlockKind, level: number | null, text: string | null, ordered: boolean | null, items: Array<string> | null, caption: string | null }> } } };

export type UpdateDocumentMutationVariables = Exact<{
  id: string | number;
  content: DocumentContentInput;
  actingUserId?: string | number | null | undefined;
}>;


export type UpdateDocumentMutation = { updateDocument: { id: string, documentRecordId: string, templateId: string, version: number, createdAt: string, updatedAt: string, content: { title: string, blocks: Array<{ kind: ContentBlockKind, level: number | null, text: string | null, ordered: boolean | null, items: Array<string> | null, caption: string | null }> } } };

export type FilesQueryVariables = Exact<{
  documentRecordId: string | number;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type FilesQuery = { files: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, documentRecordId: string, fileName: string, mimeType: string, size: number, sha256: string, uploadedDate: string } }> } };

export type UploadFileMutationVariables = Exact<{
  input: UploadFileInput;
  actingUserId?: string | number | null | undefined;
}>;


export type UploadFileMutation = { uploadFile: { id: string, documentRecordId: string, fileName: string, mimeType: string, size: number, sha256: string, uploadedDate: string } };

export type DeleteFileMutationVariables = Exact<{
  id: string | number;
  actingUserId?: string | number | null | undefined;
}>;


export type DeleteFileMutation = { deleteFile: { id: string, documentRecordId: string, fileName: string, mimeType: string, size: number, sha256: string, uploadedDate: string } };

export type PushConnectionFieldsFragment = { id: string, systemName: string, name: string, url: string, enabled: boolean, eventTypes: Array<DocumentRecordEventType>, templateSuiteAll: boolean, templateSuites: Array<string>, documentRecordTypeAll: boolean, documentRecordTypes: Array<string>, attachFilesUploaded: boolean, attachFilesGenerated: boolean, fileTypes: Array<FileType>, disabledReason: string | null, disabledAt: string | null, failingSince: string | null, headers: Array<{ name: string, value: string, useDefaultApiUser: boolean, secret: boolean }> };

export type CreatePushConnectionMutationVariables = Exact<{
  input: CreatePushConnectionInput;
}>;


export type CreatePushConnectionMutation = { createPushConnection: { signingSecret: string, id: string, systemName: string, name: string, url: string, enabled: boolean, eventTypes: Array<DocumentRecordEventType>, templateSuiteAll: boolean, templateSuites: Array<string>, documentRecordTypeAll: boolean, documentRecordTypes: Array<string>, attachFilesUploaded: boolean, attachFilesGenerated: boolean, fileTypes: Array<FileType>, disabledReason: string | null, disabledAt: string | null, failingSince: string | null, headers: Array<{ name: string, value: string, useDefaultApiUser: boolean, secret: boolean }> } };

export type UpdatePushConnectionMutationVariables = Exact<{
  id: string | number;
  input: UpdatePushConnectionInput;
}>;


export type UpdatePushConnectionMutation = { updatePushConnection: { id: string, systemName: string, name: string, url: string, enabled: boolean, eventTypes: Array<DocumentRecordEventType>, templateSuiteAll: boolean, templateSuites: Array<string>, documentRecordTypeAll: boolean, documentRecordTypes: Array<string>, attachFilesUploaded: boolean, attachFilesGenerated: boolean, fileTypes: Array<FileType>, disabledReason: string | null, disabledAt: string | null, failingSince: string | null, headers: Array<{ name: string, value: string, useDefaultApiUser: boolean, secret: boolean }> } };

export type EnablePushConnectionMutationVariables = Exact<{
  id: string | number;
}>;


export type EnablePushConnectionMutation = { enablePushConnection: { id: string, enabled: boolean } };

export type DisablePushConnectionMutationVariables = Exact<{
  id: string | number;
}>;


export type DisablePushConnectionMutation = { disablePushConnection: { id: string, enabled: boolean, disabledReason: string | null, disabledAt: string | null } };

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


export type PushConnectionQuery = { pushConnection: { signingSecret: string, id: string, systemName: string, name: string, url: string, enabled: boolean, eventTypes: Array<DocumentRecordEventType>, templateSuiteAll: boolean, templateSuites: Array<string>, documentRecordTypeAll: boolean, documentRecordTypes: Array<string>, attachFilesUploaded: boolean, attachFilesGenerated: boolean, fileTypes: Array<FileType>, disabledReason: string | null, disabledAt: string | null, failingSince: string | null, headers: Array<{ name: string, value: string, useDefaultApiUser: boolean, secret: boolean }> } };

export type PushConnectionsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type PushConnectionsQuery = { pushConnections: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, systemName: string, name: string, url: string, enabled: boolean, eventTypes: Array<DocumentRecordEventType>, templateSuiteAll: boolean, templateSuites: Array<string>, documentRecordTypeAll: boolean, documentRecordTypes: Array<string>, attachFilesUploaded: boolean, attachFilesGenerated: boolean, fileTypes: Array<FileType>, disabledReason: string | null, disabledAt: string | null, failingSince: string | null, headers: Array<{ name: string, value: string, useDefaultApiUser: boolean, secret: boolean }> } }> } };

export type PushLogFieldsFragment = { id: string, connectionId: string, connectionName: string, eventId: string, eventType: DocumentRecordEventType, messageId: string, attempt: number, requestUrl: string, requestHeaders: Record<string, unknown>, requestBody: string, responseCode: number, responseHeaders: Record<string, unknown>, responseBody: string, responseBodyEncoding: string, responseBodyTruncated: boolean, responseBodyIncomplete: boolean, responseError: string, durationMs: number, outcome: DeliveryOutcome, isTest: boolean, createdAt: string };

export type PushLogsQueryVariables = Exact<{
  filter?: PushLogFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type PushLogsQuery = { pushLogs: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, connectionId: string, connectionName: string, eventId: string, eventType: DocumentRecordEventType, messageId: string, attempt: number, requestUrl: string, requestHeaders: Record<string, unknown>, requestBody: string, responseCode: number, responseHeaders: Record<string, unknown>, responseBody: string, responseBodyEncoding: string, responseBodyTruncated: boolean, responseBodyIncomplete: boolean, responseError: string, durationMs: number, outcome: DeliveryOutcome, isTest: boolean, createdAt: string } }> } };

export type PushLogQueryVariables = Exact<{
  id: string | number;
}>;


export type PushLogQuery = { pushLog: { id: string, connectionId: string, connectionName: string, eventId: string, eventType: DocumentRecordEventType, messageId: string, attempt: number, requestUrl: string, requestHeaders: Record<string, unknown>, requestBody: string, responseCode: number, responseHeaders: Record<string, unknown>, responseBody: string, responseBodyEncoding: string, responseBodyTruncated: boolean, responseBodyIncomplete: boolean, responseError: string, durationMs: number, outcome: DeliveryOutcome, isTest: boolean, createdAt: string } };

export type DeliveryLogSubscriptionVariables = Exact<{
  connectionId?: string | number | null | undefined;
  outcome?: DeliveryOutcome | null | undefined;
}>;


export type DeliveryLogSubscription = { deliveryLog: { id: string, connectionId: string, connectionName: string, eventId: string, eventType: DocumentRecordEventType, messageId: string, attempt: number, requestUrl: string, requestHeaders: Record<string, unknown>, requestBody: string, responseCode: number, responseHeaders: Record<string, unknown>, responseBody: string, responseBodyEncoding: string, responseBodyTruncated: boolean, responseBodyIncomplete: boolean, responseError: string, durationMs: number, outcome: DeliveryOutcome, isTest: boolean, createdAt: string } };

export type DocumentRecordFieldsFragment = { id: string, code: string, name: string, templateSuiteId: string | null, documentRecordTypeId: string | null, authorId: string, ownerId: string, locked: boolean, deleted: boolean, created: string, lastModified: string, properties: Array<Record<string, unknown>>, workflowStage: { id: number, name: string, workflowRevisionId: number | null, workflowElementId: number | null, workflowElementPersistId: number | null, position: number | null, start: boolean | null, color: string | null, notify: boolean | null, locked: boolean | null, sign: boolean | null, share: boolean | null, shareExternal: boolean | null, download: boolean | null } | null, persons: Array<{ definition: string | null, name: string | null, email: string | null }> };

export type DocumentRecordEventFieldsFragment = { id: string, type: DocumentRecordEventType, created: string, authorId: string | null, documentRecordId: string, parameters: Record<string, unknown>, idempotencyKey: string | null };

export type DocumentRecordsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type DocumentRecordsQuery = { documentRecords: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, code: string, name: string, templateSuiteId: string | null, documentRecordTypeId: string | null, authorId: string, ownerId: string, locked: boolean, deleted: boolean, created: string, lastModified: string, properties: Array<Record<string, unknown>>, workflowStage: { id: number, name: string, workflowRevisionId: number | null, workflowElementId: number | null, workflowElementPersistId: number | null, position: number | null, start: boolean | null, color: string | null, notify: boolean | null, locked: boolean | null, sign: boolean | null, share: boolean | null, shareExternal: boolean | null, download: boolean | null } | null, persons: Array<{ definition: string | null, name: string | null, email: string | null }> } }> } };

export type DocumentRecordQueryVariables = Exact<{
  id: string | number;
  eventsFirst?: number | null | undefined;
  eventsAfter?: string | null | undefined;
}>;


export type DocumentRecordQuery = { documentRecord: { id: string, code: string, name: string, templateSuiteId: string | null, documentRecordTypeId: string | null, authorId: string, ownerId: string, locked: boolean, deleted: boolean, created: string, lastModified: string, properties: Array<Record<string, unknown>>, events: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, type: DocumentRecordEventType, created: string, authorId: string | null, documentRecordId: string, parameters: Record<string, unknown>, idempotencyKey: string | null } }> }, workflowStage: { id: number, name: string, workflowRevisionId: number | null, workflowElementId: number | null, workflowElementPersistId: number | null, position: number | null, start: boolean | null, color: string | null, notify: boolean | null, locked: boolean | null, sign: boolean | null, share: boolean | null, shareExternal: boolean | null, download: boolean | null } | null, persons: Array<{ definition: string | null, name: string | null, email: string | null }> } };

export type DocumentRecordEventsQueryVariables = Exact<{
  documentRecordId: string | number;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type DocumentRecordEventsQuery = { documentRecordEvents: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, type: DocumentRecordEventType, created: string, authorId: string | null, documentRecordId: string, parameters: Record<string, unknown>, idempotencyKey: string | null } }> } };

export type CreateDocumentRecordMutationVariables = Exact<{
  input: CreateDocumentRecordInput;
}>;


export type CreateDocumentRecordMutation = { createDocumentRecord: { id: string, code: string, name: string, templateSuiteId: string | null, documentRecordTypeId: string | null, authorId: string, ownerId: string, locked: boolean, deleted: boolean, created: string, lastModified: string, properties: Array<Record<string, unknown>>, workflowStage: { id: number, name: string, workflowRevisionId: number | null, workflowElementId: number | null, workflowElementPersistId: number | null, position: number | null, start: boolean | null, color: string | null, notify: boolean | null, locked: boolean | null, sign: boolean | null, share: boolean | null, shareExternal: boolean | null, download: boolean | null } | null, persons: Array<{ definition: string | null, name: string | null, email: string | null }> } };

export type UpdateDocumentRecordMutationVariables = Exact<{
  id: string | number;
  input: UpdateDocumentRecordInput;
}>;


export type UpdateDocumentRecordMutation = { updateDocumentRecord: { id: string, code: string, name: string, templateSuiteId: string | null, documentRecordTypeId: string | null, authorId: string, ownerId: string, locked: boolean, deleted: boolean, created: string, lastModified: string, properties: Array<Record<string, unknown>>, workflowStage: { id: number, name: string, workflowRevisionId: number | null, workflowElementId: number | null, workflowElementPersistId: number | null, position: number | null, start: boolean | null, color: string | null, notify: boolean | null, locked: boolean | null, sign: boolean | null, share: boolean | null, shareExternal: boolean | null, download: boolean | null } | null, persons: Array<{ definition: string | null, name: string | null, email: string | null }> } };

export type RecordDocumentEventMutationVariables = Exact<{
  input: RecordDocumentEventInput;
}>;


export type RecordDocumentEventMutation = { recordDocumentEvent: { pushMessageIds: Array<string>, replayed: boolean, event: { id: string, type: DocumentRecordEventType, created: string, authorId: string | null, documentRecordId: string, parameters: Record<string, unknown>, idempotencyKey: string | null } } };

export type RecordDocumentEventsMutationVariables = Exact<{
  inputs: Array<RecordDocumentEventInput> | RecordDocumentEventInput;
}>;


export type RecordDocumentEventsMutation = { recordDocumentEvents: Array<{ pushMessageIds: Array<string>, replayed: boolean, event: { id: string, type: DocumentRecordEventType, created: string, authorId: string | null, documentRecordId: string, parameters: Record<string, unknown>, idempotencyKey: string | null } }> };

export type PushMessageFieldsFragment = { id: string, connectionId: string, eventId: string, eventType: DocumentRecordEventType, state: PushMessageState, attempts: number, nextAttemptAt: string | null, lastResponseCode: number | null, lastError: string | null, isTest: boolean, createdAt: string, updatedAt: string };

export type PushMessageQueryVariables = Exact<{
  id: string | number;
}>;


export type PushMessageQuery = { pushMessage: { id: string, connectionId: string, eventId: string, eventType: DocumentRecordEventType, state: PushMessageState, attempts: number, nextAttemptAt: string | null, lastResponseCode: number | null, lastError: string | null, isTest: boolean, createdAt: string, updatedAt: string } };

export type PushMessagesQueryVariables = Exact<{
  filter?: PushMessageFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type PushMessagesQuery = { pushMessages: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, connectionId: string, eventId: string, eventType: DocumentRecordEventType, state: PushMessageState, attempts: number, nextAttemptAt: string | null, lastResponseCode: number | null, lastError: string | null, isTest: boolean, createdAt: string, updatedAt: string } }> } };

export type ResendPushMessageMutationVariables = Exact<{
  id: string | number;
}>;


export type ResendPushMessageMutation = { resendPushMessage: { id: string, connectionId: string, eventId: string, eventType: DocumentRecordEventType, state: PushMessageState, attempts: number, nextAttemptAt: string | null, lastResponseCode: number | null, lastError: string | null, isTest: boolean, createdAt: string, updatedAt: string } };

export type RecoverFailedMessagesMutationVariables = Exact<{
  connectionId: string | number;
  since: string;
}>;


export type RecoverFailedMessagesMutation = { recoverFailedMessages: number };

export type SendTestMessageMutationVariables = Exact<{
  connectionId: string | number;
}>;


export type SendTestMessageMutation = { sendTestMessage: { id: string, connectionId: string, eventId: string, eventType: DocumentRecordEventType, state: PushMessageState, attempts: number, nextAttemptAt: string | null, lastResponseCode: number | null, lastError: string | null, isTest: boolean, createdAt: string, updatedAt: string } };

export type PushConnectionStatusSubscriptionVariables = Exact<{
  connectionId?: string | number | null | undefined;
}>;


export type PushConnectionStatusSubscription = { pushConnectionStatus: { connectionId: string, name: string, change: PushConnectionStatusChange, enabled: boolean, disabledReason: string | null, disabledAt: string | null, failingSince: string | null, receivedAt: string } };

export type SampleIsolationRecordsQueryVariables = Exact<{ [key: string]: never; }>;


export type SampleIsolationRecordsQuery = { documentRecords: { totalCount: number } };

export type SampleIsolationRecordQueryVariables = Exact<{
  id: string | number;
}>;


export type SampleIsolationRecordQuery = { documentRecord: { id: string } };

export type UserFieldsFragment = { id: string, name: string, email: string, position: string | null, customData: string | null, createdAt: string };

export type UsersQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type UsersQuery = { users: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, name: string, email: string, position: string | null, customData: string | null, createdAt: string } }> } };

export type UserQueryVariables = Exact<{
  id: string | number;
}>;


export type UserQuery = { user: { id: string, name: string, email: string, position: string | null, customData: string | null, createdAt: string } };

export type CreateUserMutationVariables = Exact<{
  input: CreateUserInput;
}>;


export type CreateUserMutation = { createUser: { id: string, name: string, email: string, position: string | null, customData: string | null, createdAt: string } };

export type UpdateUserMutationVariables = Exact<{
  id: string | number;
  input: UpdateUserInput;
}>;


export type UpdateUserMutation = { updateUser: { id: string, name: string, email: string, position: string | null, customData: string | null, createdAt: string } };

export type WorkspaceQueryVariables = Exact<{ [key: string]: never; }>;


export type WorkspaceQuery = { workspace: { id: string, name: string, defaultApiUser: { id: string, name: string, email: string, position: string | null, customData: string | null, createdAt: string } | null } };

export type SetDefaultApiUserMutationVariables = Exact<{
  userId: string | number;
}>;


export type SetDefaultApiUserMutation = { setDefaultApiUser: { id: string, defaultApiUser: { id: string } | null } };

export type ApiKeyFieldsFragment = { id: string, name: string, role: ApiKeyRole, prefix: string, createdAt: string, lastUsedAt: string | null, revokedAt: string | null };

export type ApiKeysQueryVariables = Exact<{ [key: string]: never; }>;


export type ApiKeysQuery = { apiKeys: Array<{ id: string, name: string, role: ApiKeyRole, prefix: string, createdAt: string, lastUsedAt: string | null, revokedAt: string | null }> };

export type CreateApiKeyMutationVariables = Exact<{
  input: CreateApiKeyInput;
}>;


export type CreateApiKeyMutation = { createApiKey: { key: string, apiKey: { id: string, name: string, role: ApiKeyRole, prefix: string, createdAt: string, lastUsedAt: string | null, revokedAt: string | null } } };

export type RevokeApiKeyMutationVariables = Exact<{
  id: string | number;
}>;


export type RevokeApiKeyMutation = { revokeApiKey: { id: string, name: string, role: ApiKeyRole, prefix: string, createdAt: string, lastUsedAt: string | null, revokedAt: string | null } };

export const TemplateFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"TemplateFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Template"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"templateSuiteId"}},{"kind":"Field","name":{"kind":"Name","value":"layout"}}]}}]} as unknown as DocumentNode<TemplateFieldsFragment, unknown>;
export const DocumentFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DocumentFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Document"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"documentRecordId"}},{"kind":"Field","name":{"kind":"Name","value":"templateId"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"content"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"blocks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"level"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"ordered"}},{"kind":"Field","name":{"kind":"Name","value":"items"}},{"kind":"Field","name":{"kind":"Name","value":"caption"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]} as unknown as DocumentNode<DocumentFieldsFragment, unknown>;
export const FileFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"FileFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"File"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"documentRecordId"}},{"kind":"Field","name":{"kind":"Name","value":"fileName"}},{"kind":"Field","name":{"kind":"Name","value":"mimeType"}},{"kind":"Field","name":{"kind":"Name","value":"size"}},{"kind":"Field","name":{"kind":"Name","value":"sha256"}},{"kind":"Field","name":{"kind":"Name","value":"uploadedDate"}}]}}]} as unknown as DocumentNode<FileFieldsFragment, unknown>;
export const PushConnectionFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PushConnectionFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PushConnection"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"systemName"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"headers"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"useDefaultApiUser"}},{"kind":"Field","name":{"kind":"Name","value":"secret"}}]}},{"kind":"Field","name":{"kind":"Name","value":"eventTypes"}},{"kind":"Field","name":{"kind":"Name","value":"templateSuiteAll"}},{"kind":"Field","name":{"kind":"Name","value":"templateSuites"}},{"kind":"Field","name":{"kind":"Name","value":"documentRecordTypeAll"}},{"kind":"Field","name":{"kind":"Name","value":"documentRecordTypes"}},{"kind":"Field","name":{"kind":"Name","value":"attachFilesUploaded"}},{"kind":"Field","name":{"kind":"Name","value":"attachFilesGenerated"}},{"kind":"Field","name":{"kind":"Name","value":"fileTypes"}},{"kind":"Field","name":{"kind":"Name","value":"disabledReason"}},{"kind":"Field","name":{"kind":"Name","value":"disabledAt"}},{"kind":"Field","name":{"kind":"Name","value":"failingSince"}}]}}]} as unknown as DocumentNode<PushConnectionFieldsFragment, unknown>;
export const PushLogFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PushLogFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PushLog"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"connectionId"}},{"kind":"Field","name":{"kind":"Name","value":"connectionName"}},{"kind":"Field","name":{"kind":"Name","value":"eventId"}},{"kind":"Field","name":{"kind":"Name","value":"eventType"}},{"kind":"Field","name":{"kind":"Name","value":"messageId"}},{"kind":"Field","name":{"kind":"Name","value":"attempt"}},{"kind":"Field","name":{"kind":"Name","value":"requestUrl"}},{"kind":"Field","name":{"kind":"Name","value":"requestHeaders"}},{"kind":"Field","name":{"kind":"Name","value":"requestBody"}},{"kind":"Field","name":{"kind":"Name","value":"responseCode"}},{"kind":"Field","name":{"kind":"Name","value":"responseHeaders"}},{"kind":"Field","name":{"kind":"Name","value":"responseBody"}},{"kind":"Field","name":{"kind":"Name","value":"responseBodyEncoding"}},{"kind":"Field","name":{"kind":"Name","value":"responseBodyTruncated"}},{"kind":"Field","name":{"kind":"Name","value":"responseBodyIncomplete"}},{"kind":"Field","name":{"kind":"Name","value":"responseError"}},{"kind":"Field","name":{"kind":"Name","value":"durationMs"}},{"kind":"Field","name":{"kind":"Name","value":"outcome"}},{"kind":"Field","name":{"kind":"Name","value":"isTest"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<PushLogFieldsFragment, unknown>;
export const DocumentRecordFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DocumentRecordFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DocumentRecord"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"templateSuiteId"}},{"kind":"Field","name":{"kind":"Name","value":"documentRecordTypeId"}},{"kind":"Field","name":{"kind":"Name","value":"authorId"}},{"kind":"Field","name":{"kind":"Name","value":"ownerId"}},{"kind":"Field","name":{"kind":"Name","value":"workflowStage"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"workflowRevisionId"}},{"kind":"Field","name":{"kind":"Name","value":"workflowElementId"}},{"kind":"Field","name":{"kind":"Name","value":"workflowElementPersistId"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"start"}},{"kind":"Field","name":{"kind":"Name","value":"color"}},{"kind":"Field","name":{"kind":"Name","value":"notify"}},{"kind":"Field","name":{"kind":"Name","value":"locked"}},{"kind":"Field","name":{"kind":"Name","value":"sign"}},{"kind":"Field","name":{"kind":"Name","value":"share"}},{"kind":"Field","name":{"kind":"Name","value":"shareExternal"}},{"kind":"Field","name":{"kind":"Name","value":"download"}}]}},{"kind":"Field","name":{"kind":"Name","value":"locked"}},{"kind":"Field","name":{"kind":"Name","value":"deleted"}},{"kind":"Field","name":{"kind":"Name","value":"created"}},{"kind":"Field","name":{"kind":"Name","value":"lastModified"}},{"kind":"Field","name":{"kind":"Name","value":"properties"}},{"kind":"Field","name":{"kind":"Name","value":"persons"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"definition"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}}]}}]} as unknown as DocumentNode<DocumentRecordFieldsFragment, unknown>;
export const DocumentRecordEventFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DocumentRecordEventFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DocumentRecordEvent"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"created"}},{"kind":"Field","name":{"kind":"Name","value":"authorId"}},{"kind":"Field","name":{"kind":"Name","value":"documentRecordId"}},{"kind":"Field","name":{"kind":"Name","value":"parameters"}},{"kind":"Field","name":{"kind":"Name","value":"idempotencyKey"}}]}}]} as unknown as DocumentNode<DocumentRecordEventFieldsFragment, unknown>;
export const PushMessageFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PushMessageFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PushMessage"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"connectionId"}},{"kind":"Field","name":{"kind":"Name","value":"eventId"}},{"kind":"Field","name":{"kind":"Name","value":"eventType"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"nextAttemptAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastResponseCode"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"isTest"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]} as unknown as DocumentNode<PushMessageFieldsFragment, unknown>;
export const UserFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"User"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"customData"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<UserFieldsFragment, unknown>;
export const ApiKeyFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ApiKeyFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ApiKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"prefix"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastUsedAt"}},{"kind":"Field","name":{"kind":"Name","value":"revokedAt"}}]}}]} as unknown as DocumentNode<ApiKeyFieldsFragment, unknown>;
export const TemplateSuitesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"TemplateSuites"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"templateSuites"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]} as unknown as DocumentNode<TemplateSuitesQuery, TemplateSuitesQueryVariables>;
export const TemplateSuiteDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"TemplateSuite"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"templateSuite"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<TemplateSuiteQuery, TemplateSuiteQueryVariables>;
export const CreateTemplateSuiteDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateTemplateSuite"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"TemplateSuiteInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createTemplateSuite"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<CreateTemplateSuiteMutation, CreateTemplateSuiteMutationVariables>;
export const UpdateTemplateSuiteDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateTemplateSuite"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"TemplateSuiteInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateTemplateSuite"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<UpdateTemplateSuiteMutation, UpdateTemplateSuiteMutationVariables>;
export const TemplatesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Templates"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"templateSuiteId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"templates"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"templateSuiteId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"templateSuiteId"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"TemplateFields"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"TemplateFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Template"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"templateSuiteId"}},{"kind":"Field","name":{"kind":"Name","value":"layout"}}]}}]} as unknown as DocumentNode<TemplatesQuery, TemplatesQueryVariables>;
export const TemplateDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Template"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"template"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"TemplateFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"TemplateFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Template"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"templateSuiteId"}},{"kind":"Field","name":{"kind":"Name","value":"layout"}}]}}]} as unknown as DocumentNode<TemplateQuery, TemplateQueryVariables>;
export const CreateTemplateDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateTemplate"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateTemplateInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createTemplate"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"TemplateFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"TemplateFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Template"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"templateSuiteId"}},{"kind":"Field","name":{"kind":"Name","value":"layout"}}]}}]} as unknown as DocumentNode<CreateTemplateMutation, CreateTemplateMutationVariables>;
export const UpdateTemplateDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateTemplate"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdateTemplateInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateTemplate"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"TemplateFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"TemplateFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Template"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"templateSuiteId"}},{"kind":"Field","name":{"kind":"Name","value":"layout"}}]}}]} as unknown as DocumentNode<UpdateTemplateMutation, UpdateTemplateMutationVariables>;
export const DocumentRecordTypesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DocumentRecordTypes"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"documentRecordTypes"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]} as unknown as DocumentNode<DocumentRecordTypesQuery, DocumentRecordTypesQueryVariables>;
export const DocumentRecordTypeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DocumentRecordType"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"documentRecordType"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<DocumentRecordTypeQuery, DocumentRecordTypeQueryVariables>;
export const CreateDocumentRecordTypeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateDocumentRecordType"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DocumentRecordTypeInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createDocumentRecordType"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<CreateDocumentRecordTypeMutation, CreateDocumentRecordTypeMutationVariables>;
export const UpdateDocumentRecordTypeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateDocumentRecordType"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DocumentRecordTypeInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateDocumentRecordType"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<UpdateDocumentRecordTypeMutation, UpdateDocumentRecordTypeMutationVariables>;
export const DocumentsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Documents"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"documentRecordId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"documents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"documentRecordId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"documentRecordId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DocumentFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DocumentFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Document"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"documentRecordId"}},{"kind":"Field","name":{"kind":"Name","value":"templateId"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"content"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"blocks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"level"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"ordered"}},{"kind":"Field","name":{"kind":"Name","value":"items"}},{"kind":"Field","name":{"kind":"Name","value":"caption"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]} as unknown as DocumentNode<DocumentsQuery, DocumentsQueryVariables>;
export const CreateDocumentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateDocument"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateDocumentInput"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"actingUserId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createDocument"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}},{"kind":"Argument","name":{"kind":"Name","value":"actingUserId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"actingUserId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DocumentFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DocumentFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Document"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"documentRecordId"}},{"kind":"Field","name":{"kind":"Name","value":"templateId"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"content"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"blocks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"level"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"ordered"}},{"kind":"Field","name":{"kind":"Name","value":"items"}},{"kind":"Field","name":{"kind":"Name","value":"caption"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]} as unknown as DocumentNode<CreateDocumentMutation, CreateDocumentMutationVariables>;
export const UpdateDocumentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateDocument"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"content"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DocumentContentInput"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"actingUserId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateDocument"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"content"},"value":{"kind":"Variable","name":{"kind":"Name","value":"content"}}},{"kind":"Argument","name":{"kind":"Name","value":"actingUserId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"actingUserId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DocumentFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DocumentFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Document"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"documentRecordId"}},{"kind":"Field","name":{"kind":"Name","value":"templateId"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"content"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"blocks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"level"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"ordered"}},{"kind":"Field","name":{"kind":"Name","value":"items"}},{"kind":"Field","name":{"kind":"Name","value":"caption"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]} as unknown as DocumentNode<UpdateDocumentMutation, UpdateDocumentMutationVariables>;
export const FilesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Files"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"documentRecordId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"files"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"documentRecordId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"documentRecordId"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"FileFields"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"FileFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"File"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"documentRecordId"}},{"kind":"Field","name":{"kind":"Name","value":"fileName"}},{"kind":"Field","name":{"kind":"Name","value":"mimeType"}},{"kind":"Field","name":{"kind":"Name","value":"size"}},{"kind":"Field","name":{"kind":"Name","value":"sha256"}},{"kind":"Field","name":{"kind":"Name","value":"uploadedDate"}}]}}]} as unknown as DocumentNode<FilesQuery, FilesQueryVariables>;
export const UploadFileDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UploadFile"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UploadFileInput"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"actingUserId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"uploadFile"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}},{"kind":"Argument","name":{"kind":"Name","value":"actingUserId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"actingUserId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"FileFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"FileFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"File"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"documentRecordId"}},{"kind":"Field","name":{"kind":"Name","value":"fileName"}},{"kind":"Field","name":{"kind":"Name","value":"mimeType"}},{"kind":"Field","name":{"kind":"Name","value":"size"}},{"kind":"Field","name":{"kind":"Name","value":"sha256"}},{"kind":"Field","name":{"kind":"Name","value":"uploadedDate"}}]}}]} as unknown as DocumentNode<UploadFileMutation, UploadFileMutationVariables>;
export const DeleteFileDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeleteFile"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"actingUserId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteFile"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"actingUserId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"actingUserId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"FileFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"FileFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"File"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"documentRecordId"}},{"kind":"Field","name":{"kind":"Name","value":"fileName"}},{"kind":"Field","name":{"kind":"Name","value":"mimeType"}},{"kind":"Field","name":{"kind":"Name","value":"size"}},{"kind":"Field","name":{"kind":"Name","value":"sha256"}},{"kind":"Field","name":{"kind":"Name","value":"uploadedDate"}}]}}]} as unknown as DocumentNode<DeleteFileMutation, DeleteFileMutationVariables>;
export const CreatePushConnectionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreatePushConnection"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreatePushConnectionInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createPushConnection"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PushConnectionFields"}},{"kind":"Field","name":{"kind":"Name","value":"signingSecret"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PushConnectionFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PushConnection"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"systemName"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"headers"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"useDefaultApiUser"}},{"kind":"Field","name":{"kind":"Name","value":"secret"}}]}},{"kind":"Field","name":{"kind":"Name","value":"eventTypes"}},{"kind":"Field","name":{"kind":"Name","value":"templateSuiteAll"}},{"kind":"Field","name":{"kind":"Name","value":"templateSuites"}},{"kind":"Field","name":{"kind":"Name","value":"documentRecordTypeAll"}},{"kind":"Field","name":{"kind":"Name","value":"documentRecordTypes"}},{"kind":"Field","name":{"kind":"Name","value":"attachFilesUploaded"}},{"kind":"Field","name":{"kind":"Name","value":"attachFilesGenerated"}},{"kind":"Field","name":{"kind":"Name","value":"fileTypes"}},{"kind":"Field","name":{"kind":"Name","value":"disabledReason"}},{"kind":"Field","name":{"kind":"Name","value":"disabledAt"}},{"kind":"Field","name":{"kind":"Name","value":"failingSince"}}]}}]} as unknown as DocumentNode<CreatePushConnectionMutation, CreatePushConnectionMutationVariables>;
export const UpdatePushConnectionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdatePushConnection"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdatePushConnectionInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updatePushConnection"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PushConnectionFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PushConnectionFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PushConnection"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"systemName"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"headers"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"useDefaultApiUser"}},{"kind":"Field","name":{"kind":"Name","value":"secret"}}]}},{"kind":"Field","name":{"kind":"Name","value":"eventTypes"}},{"kind":"Field","name":{"kind":"Name","value":"templateSuiteAll"}},{"kind":"Field","name":{"kind":"Name","value":"templateSuites"}},{"kind":"Field","name":{"kind":"Name","value":"documentRecordTypeAll"}},{"kind":"Field","name":{"kind":"Name","value":"documentRecordTypes"}},{"kind":"Field","name":{"kind":"Name","value":"attachFilesUploaded"}},{"kind":"Field","name":{"kind":"Name","value":"attachFilesGenerated"}},{"kind":"Field","name":{"kind":"Name","value":"fileTypes"}},{"kind":"Field","name":{"kind":"Name","value":"disabledReason"}},{"kind":"Field","name":{"kind":"Name","value":"disabledAt"}},{"kind":"Field","name":{"kind":"Name","value":"failingSince"}}]}}]} as unknown as DocumentNode<UpdatePushConnectionMutation, UpdatePushConnectionMutationVariables>;
export const EnablePushConnectionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"EnablePushConnection"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"enablePushConnection"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}}]}}]}}]} as unknown as DocumentNode<EnablePushConnectionMutation, EnablePushConnectionMutationVariables>;
export const DisablePushConnectionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DisablePushConnection"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"disablePushConnection"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"disabledReason"}},{"kind":"Field","name":{"kind":"Name","value":"disabledAt"}}]}}]}}]} as unknown as DocumentNode<DisablePushConnectionMutation, DisablePushConnectionMutationVariables>;
export const DeletePushConnectionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeletePushConnection"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deletePushConnection"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<DeletePushConnectionMutation, DeletePushConnectionMutationVariables>;
export const RotatePushConnectionSecretDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RotatePushConnectionSecret"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rotatePushConnectionSecret"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"signingSecret"}}]}}]}}]} as unknown as DocumentNode<RotatePushConnectionSecretMutation, RotatePushConnectionSecretMutationVariables>;
export const PushConnectionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PushConnection"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pushConnection"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PushConnectionFields"}},{"kind":"Field","name":{"kind":"Name","value":"signingSecret"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PushConnectionFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PushConnection"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"systemName"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"headers"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"useDefaultApiUser"}},{"kind":"Field","name":{"kind":"Name","value":"secret"}}]}},{"kind":"Field","name":{"kind":"Name","value":"eventTypes"}},{"kind":"Field","name":{"kind":"Name","value":"templateSuiteAll"}},{"kind":"Field","name":{"kind":"Name","value":"templateSuites"}},{"kind":"Field","name":{"kind":"Name","value":"documentRecordTypeAll"}},{"kind":"Field","name":{"kind":"Name","value":"documentRecordTypes"}},{"kind":"Field","name":{"kind":"Name","value":"attachFilesUploaded"}},{"kind":"Field","name":{"kind":"Name","value":"attachFilesGenerated"}},{"kind":"Field","name":{"kind":"Name","value":"fileTypes"}},{"kind":"Field","name":{"kind":"Name","value":"disabledReason"}},{"kind":"Field","name":{"kind":"Name","value":"disabledAt"}},{"kind":"Field","name":{"kind":"Name","value":"failingSince"}}]}}]} as unknown as DocumentNode<PushConnectionQuery, PushConnectionQueryVariables>;
export const PushConnectionsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PushConnections"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pushConnections"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PushConnectionFields"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PushConnectionFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PushConnection"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"systemName"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"headers"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"useDefaultApiUser"}},{"kind":"Field","name":{"kind":"Name","value":"secret"}}]}},{"kind":"Field","name":{"kind":"Name","value":"eventTypes"}},{"kind":"Field","name":{"kind":"Name","value":"templateSuiteAll"}},{"kind":"Field","name":{"kind":"Name","value":"templateSuites"}},{"kind":"Field","name":{"kind":"Name","value":"documentRecordTypeAll"}},{"kind":"Field","name":{"kind":"Name","value":"documentRecordTypes"}},{"kind":"Field","name":{"kind":"Name","value":"attachFilesUploaded"}},{"kind":"Field","name":{"kind":"Name","value":"attachFilesGenerated"}},{"kind":"Field","name":{"kind":"Name","value":"fileTypes"}},{"kind":"Field","name":{"kind":"Name","value":"disabledReason"}},{"kind":"Field","name":{"kind":"Name","value":"disabledAt"}},{"kind":"Field","name":{"kind":"Name","value":"failingSince"}}]}}]} as unknown as DocumentNode<PushConnectionsQuery, PushConnectionsQueryVariables>;
export const PushLogsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PushLogs"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"PushLogFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pushLogs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PushLogFields"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PushLogFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PushLog"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"connectionId"}},{"kind":"Field","name":{"kind":"Name","value":"connectionName"}},{"kind":"Field","name":{"kind":"Name","value":"eventId"}},{"kind":"Field","name":{"kind":"Name","value":"eventType"}},{"kind":"Field","name":{"kind":"Name","value":"messageId"}},{"kind":"Field","name":{"kind":"Name","value":"attempt"}},{"kind":"Field","name":{"kind":"Name","value":"requestUrl"}},{"kind":"Field","name":{"kind":"Name","value":"requestHeaders"}},{"kind":"Field","name":{"kind":"Name","value":"requestBody"}},{"kind":"Field","name":{"kind":"Name","value":"responseCode"}},{"kind":"Field","name":{"kind":"Name","value":"responseHeaders"}},{"kind":"Field","name":{"kind":"Name","value":"responseBody"}},{"kind":"Field","name":{"kind":"Name","value":"responseBodyEncoding"}},{"kind":"Field","name":{"kind":"Name","value":"responseBodyTruncated"}},{"kind":"Field","name":{"kind":"Name","value":"responseBodyIncomplete"}},{"kind":"Field","name":{"kind":"Name","value":"responseError"}},{"kind":"Field","name":{"kind":"Name","value":"durationMs"}},{"kind":"Field","name":{"kind":"Name","value":"outcome"}},{"kind":"Field","name":{"kind":"Name","value":"isTest"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<PushLogsQuery, PushLogsQueryVariables>;
export const PushLogDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PushLog"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pushLog"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PushLogFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PushLogFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PushLog"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"connectionId"}},{"kind":"Field","name":{"kind":"Name","value":"connectionName"}},{"kind":"Field","name":{"kind":"Name","value":"eventId"}},{"kind":"Field","name":{"kind":"Name","value":"eventType"}},{"kind":"Field","name":{"kind":"Name","value":"messageId"}},{"kind":"Field","name":{"kind":"Name","value":"attempt"}},{"kind":"Field","name":{"kind":"Name","value":"requestUrl"}},{"kind":"Field","name":{"kind":"Name","value":"requestHeaders"}},{"kind":"Field","name":{"kind":"Name","value":"requestBody"}},{"kind":"Field","name":{"kind":"Name","value":"responseCode"}},{"kind":"Field","name":{"kind":"Name","value":"responseHeaders"}},{"kind":"Field","name":{"kind":"Name","value":"responseBody"}},{"kind":"Field","name":{"kind":"Name","value":"responseBodyEncoding"}},{"kind":"Field","name":{"kind":"Name","value":"responseBodyTruncated"}},{"kind":"Field","name":{"kind":"Name","value":"responseBodyIncomplete"}},{"kind":"Field","name":{"kind":"Name","value":"responseError"}},{"kind":"Field","name":{"kind":"Name","value":"durationMs"}},{"kind":"Field","name":{"kind":"Name","value":"outcome"}},{"kind":"Field","name":{"kind":"Name","value":"isTest"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<PushLogQuery, PushLogQueryVariables>;
export const DeliveryLogDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"DeliveryLog"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"connectionId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"outcome"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"DeliveryOutcome"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deliveryLog"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"connectionId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"connectionId"}}},{"kind":"Argument","name":{"kind":"Name","value":"outcome"},"value":{"kind":"Variable","name":{"kind":"Name","value":"outcome"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PushLogFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PushLogFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PushLog"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"connectionId"}},{"kind":"Field","name":{"kind":"Name","value":"connectionName"}},{"kind":"Field","name":{"kind":"Name","value":"eventId"}},{"kind":"Field","name":{"kind":"Name","value":"eventType"}},{"kind":"Field","name":{"kind":"Name","value":"messageId"}},{"kind":"Field","name":{"kind":"Name","value":"attempt"}},{"kind":"Field","name":{"kind":"Name","value":"requestUrl"}},{"kind":"Field","name":{"kind":"Name","value":"requestHeaders"}},{"kind":"Field","name":{"kind":"Name","value":"requestBody"}},{"kind":"Field","name":{"kind":"Name","value":"responseCode"}},{"kind":"Field","name":{"kind":"Name","value":"responseHeaders"}},{"kind":"Field","name":{"kind":"Name","value":"responseBody"}},{"kind":"Field","name":{"kind":"Name","value":"responseBodyEncoding"}},{"kind":"Field","name":{"kind":"Name","value":"responseBodyTruncated"}},{"kind":"Field","name":{"kind":"Name","value":"responseBodyIncomplete"}},{"kind":"Field","name":{"kind":"Name","value":"responseError"}},{"kind":"Field","name":{"kind":"Name","value":"durationMs"}},{"kind":"Field","name":{"kind":"Name","value":"outcome"}},{"kind":"Field","name":{"kind":"Name","value":"isTest"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<DeliveryLogSubscription, DeliveryLogSubscriptionVariables>;
export const DocumentRecordsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DocumentRecords"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"documentRecords"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DocumentRecordFields"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DocumentRecordFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DocumentRecord"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"templateSuiteId"}},{"kind":"Field","name":{"kind":"Name","value":"documentRecordTypeId"}},{"kind":"Field","name":{"kind":"Name","value":"authorId"}},{"kind":"Field","name":{"kind":"Name","value":"ownerId"}},{"kind":"Field","name":{"kind":"Name","value":"workflowStage"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"workflowRevisionId"}},{"kind":"Field","name":{"kind":"Name","value":"workflowElementId"}},{"kind":"Field","name":{"kind":"Name","value":"workflowElementPersistId"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"start"}},{"kind":"Field","name":{"kind":"Name","value":"color"}},{"kind":"Field","name":{"kind":"Name","value":"notify"}},{"kind":"Field","name":{"kind":"Name","value":"locked"}},{"kind":"Field","name":{"kind":"Name","value":"sign"}},{"kind":"Field","name":{"kind":"Name","value":"share"}},{"kind":"Field","name":{"kind":"Name","value":"shareExternal"}},{"kind":"Field","name":{"kind":"Name","value":"download"}}]}},{"kind":"Field","name":{"kind":"Name","value":"locked"}},{"kind":"Field","name":{"kind":"Name","value":"deleted"}},{"kind":"Field","name":{"kind":"Name","value":"created"}},{"kind":"Field","name":{"kind":"Name","value":"lastModified"}},{"kind":"Field","name":{"kind":"Name","value":"properties"}},{"kind":"Field","name":{"kind":"Name","value":"persons"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"definition"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}}]}}]} as unknown as DocumentNode<DocumentRecordsQuery, DocumentRecordsQueryVariables>;
export const DocumentRecordDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DocumentRecord"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"eventsFirst"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"eventsAfter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"documentRecord"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DocumentRecordFields"}},{"kind":"Field","name":{"kind":"Name","value":"events"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"eventsFirst"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"eventsAfter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DocumentRecordEventFields"}}]}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DocumentRecordFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DocumentRecord"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"templateSuiteId"}},{"kind":"Field","name":{"kind":"Name","value":"documentRecordTypeId"}},{"kind":"Field","name":{"kind":"Name","value":"authorId"}},{"kind":"Field","name":{"kind":"Name","value":"ownerId"}},{"kind":"Field","name":{"kind":"Name","value":"workflowStage"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"workflowRevisionId"}},{"kind":"Field","name":{"kind":"Name","value":"workflowElementId"}},{"kind":"Field","name":{"kind":"Name","value":"workflowElementPersistId"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"start"}},{"kind":"Field","name":{"kind":"Name","value":"color"}},{"kind":"Field","name":{"kind":"Name","value":"notify"}},{"kind":"Field","name":{"kind":"Name","value":"locked"}},{"kind":"Field","name":{"kind":"Name","value":"sign"}},{"kind":"Field","name":{"kind":"Name","value":"share"}},{"kind":"Field","name":{"kind":"Name","value":"shareExternal"}},{"kind":"Field","name":{"kind":"Name","value":"download"}}]}},{"kind":"Field","name":{"kind":"Name","value":"locked"}},{"kind":"Field","name":{"kind":"Name","value":"deleted"}},{"kind":"Field","name":{"kind":"Name","value":"created"}},{"kind":"Field","name":{"kind":"Name","value":"lastModified"}},{"kind":"Field","name":{"kind":"Name","value":"properties"}},{"kind":"Field","name":{"kind":"Name","value":"persons"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"definition"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DocumentRecordEventFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DocumentRecordEvent"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"created"}},{"kind":"Field","name":{"kind":"Name","value":"authorId"}},{"kind":"Field","name":{"kind":"Name","value":"documentRecordId"}},{"kind":"Field","name":{"kind":"Name","value":"parameters"}},{"kind":"Field","name":{"kind":"Name","value":"idempotencyKey"}}]}}]} as unknown as DocumentNode<DocumentRecordQuery, DocumentRecordQueryVariables>;
export const DocumentRecordEventsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DocumentRecordEvents"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"documentRecordId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"documentRecordEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"documentRecordId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"documentRecordId"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DocumentRecordEventFields"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DocumentRecordEventFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DocumentRecordEvent"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"created"}},{"kind":"Field","name":{"kind":"Name","value":"authorId"}},{"kind":"Field","name":{"kind":"Name","value":"documentRecordId"}},{"kind":"Field","name":{"kind":"Name","value":"parameters"}},{"kind":"Field","name":{"kind":"Name","value":"idempotencyKey"}}]}}]} as unknown as DocumentNode<DocumentRecordEventsQuery, DocumentRecordEventsQueryVariables>;
export const CreateDocumentRecordDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateDocumentRecord"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateDocumentRecordInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createDocumentRecord"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DocumentRecordFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DocumentRecordFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DocumentRecord"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"templateSuiteId"}},{"kind":"Field","name":{"kind":"Name","value":"documentRecordTypeId"}},{"kind":"Field","name":{"kind":"Name","value":"authorId"}},{"kind":"Field","name":{"kind":"Name","value":"ownerId"}},{"kind":"Field","name":{"kind":"Name","value":"workflowStage"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"workflowRevisionId"}},{"kind":"Field","name":{"kind":"Name","value":"workflowElementId"}},{"kind":"Field","name":{"kind":"Name","value":"workflowElementPersistId"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"start"}},{"kind":"Field","name":{"kind":"Name","value":"color"}},{"kind":"Field","name":{"kind":"Name","value":"notify"}},{"kind":"Field","name":{"kind":"Name","value":"locked"}},{"kind":"Field","name":{"kind":"Name","value":"sign"}},{"kind":"Field","name":{"kind":"Name","value":"share"}},{"kind":"Field","name":{"kind":"Name","value":"shareExternal"}},{"kind":"Field","name":{"kind":"Name","value":"download"}}]}},{"kind":"Field","name":{"kind":"Name","value":"locked"}},{"kind":"Field","name":{"kind":"Name","value":"deleted"}},{"kind":"Field","name":{"kind":"Name","value":"created"}},{"kind":"Field","name":{"kind":"Name","value":"lastModified"}},{"kind":"Field","name":{"kind":"Name","value":"properties"}},{"kind":"Field","name":{"kind":"Name","value":"persons"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"definition"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}}]}}]} as unknown as DocumentNode<CreateDocumentRecordMutation, CreateDocumentRecordMutationVariables>;
export const UpdateDocumentRecordDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateDocumentRecord"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdateDocumentRecordInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateDocumentRecord"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DocumentRecordFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DocumentRecordFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DocumentRecord"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"templateSuiteId"}},{"kind":"Field","name":{"kind":"Name","value":"documentRecordTypeId"}},{"kind":"Field","name":{"kind":"Name","value":"authorId"}},{"kind":"Field","name":{"kind":"Name","value":"ownerId"}},{"kind":"Field","name":{"kind":"Name","value":"workflowStage"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"workflowRevisionId"}},{"kind":"Field","name":{"kind":"Name","value":"workflowElementId"}},{"kind":"Field","name":{"kind":"Name","value":"workflowElementPersistId"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"start"}},{"kind":"Field","name":{"kind":"Name","value":"color"}},{"kind":"Field","name":{"kind":"Name","value":"notify"}},{"kind":"Field","name":{"kind":"Name","value":"locked"}},{"kind":"Field","name":{"kind":"Name","value":"sign"}},{"kind":"Field","name":{"kind":"Name","value":"share"}},{"kind":"Field","name":{"kind":"Name","value":"shareExternal"}},{"kind":"Field","name":{"kind":"Name","value":"download"}}]}},{"kind":"Field","name":{"kind":"Name","value":"locked"}},{"kind":"Field","name":{"kind":"Name","value":"deleted"}},{"kind":"Field","name":{"kind":"Name","value":"created"}},{"kind":"Field","name":{"kind":"Name","value":"lastModified"}},{"kind":"Field","name":{"kind":"Name","value":"properties"}},{"kind":"Field","name":{"kind":"Name","value":"persons"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"definition"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}}]}}]} as unknown as DocumentNode<UpdateDocumentRecordMutation, UpdateDocumentRecordMutationVariables>;
export const RecordDocumentEventDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RecordDocumentEvent"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RecordDocumentEventInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"recordDocumentEvent"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pushMessageIds"}},{"kind":"Field","name":{"kind":"Name","value":"replayed"}},{"kind":"Field","name":{"kind":"Name","value":"event"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DocumentRecordEventFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DocumentRecordEventFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DocumentRecordEvent"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"created"}},{"kind":"Field","name":{"kind":"Name","value":"authorId"}},{"kind":"Field","name":{"kind":"Name","value":"documentRecordId"}},{"kind":"Field","name":{"kind":"Name","value":"parameters"}},{"kind":"Field","name":{"kind":"Name","value":"idempotencyKey"}}]}}]} as unknown as DocumentNode<RecordDocumentEventMutation, RecordDocumentEventMutationVariables>;
export const RecordDocumentEventsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RecordDocumentEvents"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"inputs"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RecordDocumentEventInput"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"recordDocumentEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"inputs"},"value":{"kind":"Variable","name":{"kind":"Name","value":"inputs"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pushMessageIds"}},{"kind":"Field","name":{"kind":"Name","value":"replayed"}},{"kind":"Field","name":{"kind":"Name","value":"event"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DocumentRecordEventFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DocumentRecordEventFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DocumentRecordEvent"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"created"}},{"kind":"Field","name":{"kind":"Name","value":"authorId"}},{"kind":"Field","name":{"kind":"Name","value":"documentRecordId"}},{"kind":"Field","name":{"kind":"Name","value":"parameters"}},{"kind":"Field","name":{"kind":"Name","value":"idempotencyKey"}}]}}]} as unknown as DocumentNode<RecordDocumentEventsMutation, RecordDocumentEventsMutationVariables>;
export const PushMessageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PushMessage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pushMessage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PushMessageFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PushMessageFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PushMessage"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"connectionId"}},{"kind":"Field","name":{"kind":"Name","value":"eventId"}},{"kind":"Field","name":{"kind":"Name","value":"eventType"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"nextAttemptAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastResponseCode"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"isTest"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]} as unknown as DocumentNode<PushMessageQuery, PushMessageQueryVariables>;
export const PushMessagesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PushMessages"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"PushMessageFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pushMessages"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PushMessageFields"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PushMessageFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PushMessage"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"connectionId"}},{"kind":"Field","name":{"kind":"Name","value":"eventId"}},{"kind":"Field","name":{"kind":"Name","value":"eventType"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"nextAttemptAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastResponseCode"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"isTest"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]} as unknown as DocumentNode<PushMessagesQuery, PushMessagesQueryVariables>;
export const ResendPushMessageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ResendPushMessage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"resendPushMessage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PushMessageFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PushMessageFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PushMessage"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"connectionId"}},{"kind":"Field","name":{"kind":"Name","value":"eventId"}},{"kind":"Field","name":{"kind":"Name","value":"eventType"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"nextAttemptAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastResponseCode"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"isTest"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]} as unknown as DocumentNode<ResendPushMessageMutation, ResendPushMessageMutationVariables>;
export const RecoverFailedMessagesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RecoverFailedMessages"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"connectionId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"since"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTimeISO"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"recoverFailedMessages"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"connectionId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"connectionId"}}},{"kind":"Argument","name":{"kind":"Name","value":"since"},"value":{"kind":"Variable","name":{"kind":"Name","value":"since"}}}]}]}}]} as unknown as DocumentNode<RecoverFailedMessagesMutation, RecoverFailedMessagesMutationVariables>;
export const SendTestMessageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SendTestMessage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"connectionId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sendTestMessage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"connectionId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"connectionId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PushMessageFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PushMessageFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PushMessage"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"connectionId"}},{"kind":"Field","name":{"kind":"Name","value":"eventId"}},{"kind":"Field","name":{"kind":"Name","value":"eventType"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"nextAttemptAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastResponseCode"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"isTest"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]} as unknown as DocumentNode<SendTestMessageMutation, SendTestMessageMutationVariables>;
export const PushConnectionStatusDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"PushConnectionStatus"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"connectionId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pushConnectionStatus"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"connectionId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"connectionId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"connectionId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"change"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"disabledReason"}},{"kind":"Field","name":{"kind":"Name","value":"disabledAt"}},{"kind":"Field","name":{"kind":"Name","value":"failingSince"}},{"kind":"Field","name":{"kind":"Name","value":"receivedAt"}}]}}]}}]} as unknown as DocumentNode<PushConnectionStatusSubscription, PushConnectionStatusSubscriptionVariables>;
export const SampleIsolationRecordsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"SampleIsolationRecords"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"documentRecords"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"1"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}}]}}]} as unknown as DocumentNode<SampleIsolationRecordsQuery, SampleIsolationRecordsQueryVariables>;
export const SampleIsolationRecordDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"SampleIsolationRecord"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"documentRecord"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<SampleIsolationRecordQuery, SampleIsolationRecordQueryVariables>;
export const UsersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Users"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"users"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserFields"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"User"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"customData"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<UsersQuery, UsersQueryVariables>;
export const UserDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"User"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"user"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"User"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"customData"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<UserQuery, UserQueryVariables>;
export const CreateUserDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateUser"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateUserInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createUser"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"User"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"customData"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<CreateUserMutation, CreateUserMutationVariables>;
export const UpdateUserDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateUser"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdateUserInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateUser"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"User"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"customData"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<UpdateUserMutation, UpdateUserMutationVariables>;
export const WorkspaceDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Workspace"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"workspace"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"defaultApiUser"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"User"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"customData"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<WorkspaceQuery, WorkspaceQueryVariables>;
export const SetDefaultApiUserDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetDefaultApiUser"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"userId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setDefaultApiUser"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"userId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"userId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"defaultApiUser"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]} as unknown as DocumentNode<SetDefaultApiUserMutation, SetDefaultApiUserMutationVariables>;
export const ApiKeysDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ApiKeys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"apiKeys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ApiKeyFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ApiKeyFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ApiKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"prefix"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastUsedAt"}},{"kind":"Field","name":{"kind":"Name","value":"revokedAt"}}]}}]} as unknown as DocumentNode<ApiKeysQuery, ApiKeysQueryVariables>;
export const CreateApiKeyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateApiKey"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateApiKeyInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createApiKey"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"apiKey"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ApiKeyFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ApiKeyFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ApiKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"prefix"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastUsedAt"}},{"kind":"Field","name":{"kind":"Name","value":"revokedAt"}}]}}]} as unknown as DocumentNode<CreateApiKeyMutation, CreateApiKeyMutationVariables>;
export const RevokeApiKeyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RevokeApiKey"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revokeApiKey"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ApiKeyFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ApiKeyFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ApiKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"prefix"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastUsedAt"}},{"kind":"Field","name":{"kind":"Name","value":"revokedAt"}}]}}]} as unknown as DocumentNode<RevokeApiKeyMutation, RevokeApiKeyMutationVariables>;