import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { DocumentRecordConnection, DocumentRecordObject, toDocumentRecordObject } from './document-record.type';
import { DocumentRecordEventConnection, toDocumentRecordEventObject } from './document-record-event.type';
import { CreateDocumentRecordInput, UpdateDocumentRecordInput } from './document-record.input';
import { DocumentRecordService } from './document-record.service';
import { DocumentRecordEventService } from './document-record-event.service';
import { PageArgs } from '../graphql/pagination';
import { mapPage } from '../graphql/page-query';
import { scopeOf, type RequestContext } from '../graphql/context';
import { NEEDS_ANY_KEY } from '../graphql/auth-checker';

const RECORD_ID = 'Id of a document record of this workspace.';

@Resolver(() => DocumentRecordObject)
@Authorized()
export class DocumentRecordResolver {
  @Query(() => DocumentRecordConnection, { description: `Document records of the workspace, newest first; deleted ones included. ${NEEDS_ANY_KEY}` })
  async documentRecords(@Args() { first, after }: PageArgs, @Ctx() context: RequestContext) {
    return mapPage(await new DocumentRecordService(scopeOf(context)).list(first, after), toDocumentRecordObject);
  }

  @Query(() => DocumentRecordObject, { description: `One document record, deleted or not. ${NEEDS_ANY_KEY}` })
  async documentRecord(@Arg('id', () => ID, { description: RECORD_ID }) id: string, @Ctx() context: RequestContext) {
    return toDocumentRecordObject(await new DocumentRecordService(scopeOf(context)).get(id));
  }

  @FieldResolver(() => DocumentRecordEventConnection, { description: "The record's timeline, newest first." })
  async events(@Root() record: DocumentRecordObject, @Args() { first, after }: PageArgs, @Ctx() context: RequestContext) {
    const page = await new DocumentRecordEventService(scopeOf(context), context.logger).listOfRecord(record.id, first, after);
    return mapPage(page, toDocumentRecordEventObject);
  }

  @Mutation(() => DocumentRecordObject, {
    description: `Creates a record and records its DocumentRecordCreated event, pushed to matching connections. ${NEEDS_ANY_KEY}`,
  })
  async createDocumentRecord(@Arg('input', { description: 'The new record.' }) input: CreateDocumentRecordInput, @Ctx() context: RequestContext) {
    const { record, messageIds } = await new DocumentRecordService(scopeOf(context)).create(input);
    await context.services.deliveryQueue.enqueue(messageIds);
    return toDocumentRecordObject(record);
  }

  @Mutation(() => DocumentRecordObject, {
    description:
      'Changes a record and records a DocumentRecordUpdated event, then DocumentOwnerChanged when the owner changes and WorkflowStatusChanged ' +
      `when the workflow stage id changes, each pushed to matching connections. CONFLICT while the record is locked or deleted. ${NEEDS_ANY_KEY}`,
  })
  async updateDocumentRecord(
    @Arg('id', () => ID, { description: RECORD_ID }) id: string,
    @Arg('input', { description: 'The changes; at least one field must be set.' }) input: UpdateDocumentRecordInput, @Ctx() context: RequestContext) {
    const { record, messageIds } = await new DocumentRecordService(scopeOf(context)).update(id, input);
    await context.services.deliveryQueue.enqueue(messageIds);
    return toDocumentRecordObject(record);
  }
}
