import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { DocumentObject, toDocumentObject } from './document.type';
import { CreateDocumentInput, DocumentContentInput } from './document.input';
import { DocumentService } from './document.service';
import { scopeOf, type RequestContext } from '../graphql/context';

const ACTING_USER_DESCRIPTION = 'The user who made the change, recorded as the event author; omit it when no user acted.';

@Resolver(() => DocumentObject)
@Authorized()
export class DocumentResolver {
  @Query(() => [DocumentObject], { description: "A record's generated documents, oldest first." })
  async documents(@Arg('documentRecordId', () => ID) documentRecordId: string, @Ctx() context: RequestContext) {
    const documents = await new DocumentService(scopeOf(context)).listOfRecord(documentRecordId);
    return documents.map(toDocumentObject);
  }

  @Mutation(() => DocumentObject, {
    description: 'Creates version 1 of a document from a template of the record\'s template suite and records a NewDocumentVersion event, pushed to matching connections.',
  })
  async createDocument(
    @Arg('input') input: CreateDocumentInput,
    @Arg('actingUserId', () => ID, { nullable: true, description: ACTING_USER_DESCRIPTION }) actingUserId: string | null,
    @Ctx() context: RequestContext,
  ) {
    const { document, messageIds } = await new DocumentService(scopeOf(context)).create(input, actingUserId);
    await context.services.deliveryQueue.enqueue(messageIds);
    return toDocumentObject(document);
  }

  @Mutation(() => DocumentObject, {
    description: 'Replaces the content of a document, raises its version by one and records a NewDocumentVersion event, pushed to matching connections.',
  })
  async updateDocument(
    @Arg('id', () => ID) id: string,
    @Arg('content') content: DocumentContentInput,
    @Arg('actingUserId', () => ID, { nullable: true, description: ACTING_USER_DESCRIPTION }) actingUserId: string | null,
    @Ctx() context: RequestContext,
  ) {
    const { document, messageIds } = await new DocumentService(scopeOf(context)).update(id, content, actingUserId);
    await context.services.deliveryQueue.enqueue(messageIds);
    return toDocumentObject(document);
  }
}
