import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { DocumentRecordEventConnection, DocumentRecordEventObject, RecordedDocumentEvent, toDocumentRecordEventObject } from './document-record-event.type';
import { RecordDocumentEventInput } from './document-record-event.input';
import { DocumentRecordEventService, MAX_EVENTS_PER_BATCH } from './document-record-event.service';
import type { RecordedEventSummary } from './store-event.step';
import { MAX_PARAMETERS_BYTES } from './record-fields';
import { PageArgs } from '../graphql/pagination';
import { MAX_QUERY_TOKENS } from '../graphql/query-limits';
import { mapPage } from '../graphql/page-query';
import { scopeOf, type RequestContext } from '../graphql/context';
import { NEEDS_ANY_KEY } from '../graphql/auth-checker';

@Resolver(() => DocumentRecordEventObject)
@Authorized()
export class DocumentRecordEventResolver {
  @Query(() => DocumentRecordEventConnection, { description: `A record's timeline events, newest first. ${NEEDS_ANY_KEY}` })
  async documentRecordEvents(
    @Arg('documentRecordId', () => ID, { description: 'Id of a document record of this workspace.' }) documentRecordId: string,
    @Args() { first, after }: PageArgs,
    @Ctx() context: RequestContext,
  ) {
    const page = await new DocumentRecordEventService(scopeOf(context), context.logger).list(documentRecordId, first, after);
    return mapPage(page, toDocumentRecordEventObject);
  }

  @Mutation(() => RecordedDocumentEvent, {
    description:
      'Records a timeline event and queues one push message per matching enabled connection, after the event is committed. ' +
      'Give input.idempotencyKey to make retries safe: a retry with the same key and input returns the event that the first call recorded, with replayed true, ' +
      'and pushes nothing again, also when both calls run at the same time. ' +
      'Without a key, each call stores a new event with a new id, and its messages get new webhook-ids, ' +
      'so a retry after a time-out whose first request was committed pushes the event twice. ' +
      `${NEEDS_ANY_KEY}`,
  })
  async recordDocumentEvent(@Arg('input', { description: 'The event.' }) input: RecordDocumentEventInput, @Ctx() context: RequestContext) {
    const recorded = await new DocumentRecordEventService(scopeOf(context), context.logger).record(input, context.services.deliveryQueue);
    return toRecordedDocumentEvent(recorded);
  }

  @Mutation(() => [RecordedDocumentEvent], {
    description:
      `Records 1 to ${MAX_EVENTS_PER_BATCH} timeline events in one transaction, for catching up after an outage or for high-volume producers. ` +
      'Returns one result per input, in input order, each as recordDocumentEvent returns it. ' +
      'The events are stored in input order, so each event of a record sees the changes of the earlier ones: after DocumentRecordLocked, a later event pushes the record as locked. ' +
      'All or nothing: when an event is rejected, no event is stored and no message is queued. The error takes the code of the first rejected event and names it in extensions.field, such as inputs[3].documentRecordId. ' +
      'extensions.errors lists every rejected event of the check that rejected the batch, each with its index, code, field and message. ' +
      'The checks of ids, parameters and idempotency keys run first, including that no two events have the same key. ' +
      'Then the keys are looked up, and every key stored with a different input is listed. ' +
      'Then, in a batch of events that change no record, the records and authors of all events are looked up together, so every event with an unknown record or author, or with a deleted record, is listed. ' +
      'In a batch with an event that changes its record (lock, unlock, delete, restore, new owner), that lookup runs event by event, and every rejected event is listed too. ' +
      'There each event is checked against its record as the earlier accepted events left it, so a rejected lock or deletion does not reject the later events of its record. ' +
      'The push messages are queued after the commit. Each event may have its own idempotencyKey, as in recordDocumentEvent: ' +
      'a retried batch returns the events stored earlier with their keys and stores only the others, and it stores and pushes every event without a key again. ' +
      'A key used earlier with a different input is CONFLICT naming the event, such as inputs[3].idempotencyKey. ' +
      `Pass the list as a variable: an inline query document is limited to ${MAX_QUERY_TOKENS} tokens, while the request body may have up to DOCPUSH_REQUEST_BODY_LIMIT bytes ` +
      `(40 MiB by default, room for ${MAX_EVENTS_PER_BATCH} events with parameters of ${MAX_PARAMETERS_BYTES / 1024} KiB each). ${NEEDS_ANY_KEY}`,
  })
  async recordDocumentEvents(
    @Arg('inputs', () => [RecordDocumentEventInput], { description: `The events, 1 to ${MAX_EVENTS_PER_BATCH}, stored in this order.` }) inputs: RecordDocumentEventInput[], @Ctx() context: RequestContext) {
    const recorded = await new DocumentRecordEventService(scopeOf(context), context.logger).recordBatch(inputs, context.services.deliveryQueue);
    return recorded.map(toRecordedDocumentEvent);
  }
}

function toRecordedDocumentEvent({ event, messageIds, replayed }: RecordedEventSummary): RecordedDocumentEvent {
  const { id, type, createdAt, authorId, documentRecordId, parameters, idempotencyKey } = event;
  return { event: { id, type, created: createdAt, authorId, documentRecordId, parameters, idempotencyKey }, pushMessageIds: messageIds, replayed };
}
