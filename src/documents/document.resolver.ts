import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { DocumentObject, toDocumentObject } from './document.type';
import { CreateDocumentInput, DocumentContentInput } from './document.input';
import { DocumentService } from './document.service';
import { scopeOf, type RequestContext } from '../graphql/context';
import { NEEDS_ANY_KEY } from '../graphql/auth-checker';

const ACTING_USER_DESCRIPTION = 'The user who made the change, recorded as the event author; omit it when no user acted.';

@Resolver(() => DocumentObject)
@Authorized()
export class DocumentResolver {
  @Query(() => [DocumentObject], { description: `A record's generated documents, oldest first. ${NEEDS_ANY_KEY}` })
  async documents(@Arg('documentRecordId', () => ID, { description: 'Id of a document record of this workspace.' }) documentRecordId: string, @Ctx() context: RequestContext) {
    const documents = await new DocumentService(scopeOf(context)).listOfRecord(documentRecordId);
    return documents.map(toDocumentObject);
  }

  @Mutation(() => DocumentObject, {
    description:
      "Creates version 1 of a document from a template of the record's template suite and records a NewDocumentVersion event, pushed to matching connections. " +
      `CONFLICT while the record is locked or deleted. ${NEEDS_ANY_KEY}`,
  })
  async createDocument(
    @Arg('input', { description: 'The new document.' }) input: CreateDocumentInput,
    @Arg('actingUserId', () => ID, { nullable: true, description: ACTING_USER_DESCRIPTION }) actingUserId: string | null,
    @Ctx() context: RequestContext,
  ) {
    const { document, messageIds } = await new DocumentService(scopeOf(context)).create(input, actingUserId);
    await context.services.deliveryQueue.enqueue(messageIds);
    return toDocumentObject(document);
  }

  @Mutation(() => DocumentObject, {
    description:
      'Replaces the content of a document, raises its version by one and records a NewDocumentVersion event, pushed to matching connections. ' +
      `CONFLICT while the record is locked or deleted. ${NEEDS_ANY_KEY}`,
  })
  async updateDocument(
    @Arg('id', () => ID, { description: 'Id of a document of this workspace.' }) id: string,
    @Arg('content', { description: 'The new content, replacing the old as a whole.' }) content: DocumentContentInput,
    @Arg('actingUserId', () => ID, { nullable: true, description: ACTING_USER_DESCRIPTION }) actingUserId: string | null,
    @Ctx() context: RequestContext,
  ) {
    const { document, messageIds } = await new DocumentService(scopeOf(context)).update(id, content, actingUserId);
    await context.services.deliveryQueue.enqueue(messageIds);
    return toDocumentObject(document);
  }
}
