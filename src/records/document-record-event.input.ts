import { Field, ID, InputType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { DocumentRecordEventType } from './event-type';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from './idempotency-key';

@InputType({ description: "A timeline event of a document record; it is pushed to every enabled connection that matches it." })
export class RecordDocumentEventInput {
  @Field(() => ID, { description: 'A document record of this workspace.' })
  documentRecordId!: string;

  @Field(() => DocumentRecordEventType, {
    description:
      'The event type; it selects the connections that the event is pushed to. ' +
      'createDocumentRecord, updateDocumentRecord, createDocument, updateDocument, uploadFile and deleteFile record their own events ' +
      '(DocumentRecordCreated, DocumentRecordUpdated, NewDocumentVersion, FileUpload, FileDeleted). ' +
      'Recording one of these types here changes no record, document or file, and after such a mutation it pushes the event a second time. ' +
      'updateDocumentRecord also records DocumentOwnerChanged and WorkflowStatusChanged when it changes the owner or the workflow stage id.',
  })
  type!: DocumentRecordEventType;

  @Field(() => ID, { nullable: true, description: 'The acting user; omit it for a system event such as a date reminder.' })
  authorId?: string | null;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description:
      "Legito's event parameters, such as {ownerId} or {workflowStageId}; at most 64 KiB as JSON. " +
      'ownerId, workflowStageId, shareUserId, shareUserGroupId, fileId, templateId and documentVersionId take positive integers as JSON numbers, ' +
      'such as {"ownerId": 3}, not the string ids that this API returns; sharePermission takes MANAGE, EDIT, READ or LIST, ' +
      'externalLink a string and date an ISO 8601 date-time. Each of them may be null, and other keys are stored unchecked. ' +
      "DocumentOwnerChanged requires parameters.ownerId, which also becomes the record's owner. " +
      "WorkflowStatusChanged with parameters.workflowStageId must name the id of the record's workflow stage, or null for a record without one, else CONFLICT.",
  })
  parameters?: Record<string, unknown> | null;

  @Field(() => String, {
    nullable: true,
    description:
      'A key that makes a retry safe, such as a UUID made once per event by the caller. ' +
      'When an event of this workspace was already recorded with the key and the same documentRecordId, type, authorId and parameters, ' +
      'the call returns that event with replayed true, and stores and pushes nothing. ' +
      'The same key with any of those fields different is CONFLICT. Keys of other workspaces are independent. ' +
      `1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} printable characters, compared exactly. ` +
      'A key stays bound to its event for as long as the event is stored. No mutation or job deletes a recorded event ' +
      '(the retention job purges logs, finished push messages and the sample events of test messages), so a key cannot be used for another event later. ' +
      'A replay returns the event also when its record has been locked, deleted or moved to another workflow stage since.',
  })
  idempotencyKey?: string | null;
}
