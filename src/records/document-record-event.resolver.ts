import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { DocumentRecordEventConnection, DocumentRecordEventObject, RecordedDocumentEvent, toDocumentRecordEventObject } from './document-record-event.type';
import { RecordDocumentEventInput } from './document-record-event.input';
import { DocumentRecordEventService } from './document-record-event.service';
import { PageArgs } from '../graphql/pagination';
import { mapPage } from '../graphql/page-query';
import { scopeOf, type RequestContext } from '../graphql/context';

@Resolver(() => DocumentRecordEventObject)
@Authorized()
export class DocumentRecordEventResolver {
  @Query(() => DocumentRecordEventConnection, { description: "A record's timeline events, newest first." })
  async documentRecordEvents(
    @Arg('documentRecordId', () => ID) documentRecordId: string,
    @Args() { first, after }: PageArgs,
    @Ctx() context: RequestContext,
  ) {
    const page = await new DocumentRecordEventService(scopeOf(context)).list(documentRecordId, first, after);
    return mapPage(page, toDocumentRecordEventObject);
  }

  @Mutation(() => RecordedDocumentEvent, {
    description: 'Records a timeline event and queues one push message per matching enabled connection, after the event is committed.',
  })
  async recordDocumentEvent(@Arg('input') input: RecordDocumentEventInput, @Ctx() context: RequestContext) {
    const { event, messageIds } = await new DocumentRecordEventService(scopeOf(context)).record(input, context.services.deliveryQueue);
    const { id, type, createdAt, authorId, documentRecordId, parameters } = event;
    return { event: { id, type, created: createdAt, authorId, documentRecordId, parameters }, pushMessageIds: messageIds };
  }
}
