import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { FileConnection, UploadedFileObject, toUploadedFileObject } from './document.type';
import { UploadFileInput } from './document.input';
import { UploadedFileService } from './uploaded-file.service';
import { PageArgs } from '../graphql/pagination';
import { mapPage } from '../graphql/page-query';
import { scopeOf, type RequestContext } from '../graphql/context';
import { NEEDS_ANY_KEY } from '../graphql/auth-checker';

const ACTING_USER_DESCRIPTION = 'The user who made the change, recorded as the event author; omit it when no user acted.';

function fileService(context: RequestContext): UploadedFileService {
  return new UploadedFileService(scopeOf(context), context.services.config.attachments.uploadLimitBytes);
}

@Resolver(() => UploadedFileObject)
@Authorized()
export class UploadedFileResolver {
  @Query(() => FileConnection, { description: `A record's uploaded files, newest first, without their bytes. ${NEEDS_ANY_KEY}` })
  async files(
    @Arg('documentRecordId', () => ID, { description: 'Id of a document record of this workspace.' }) documentRecordId: string,
    @Args() { first, after }: PageArgs,
    @Ctx() context: RequestContext,
  ) {
    const page = await fileService(context).listOfRecord(documentRecordId, first, after);
    return mapPage(page, toUploadedFileObject);
  }

  @Mutation(() => UploadedFileObject, {
    description:
      'Stores a file on a record and records a FileUpload event, pushed to matching connections. The size limit is set by DOCPUSH_UPLOAD_LIMIT (25 MiB by default). ' +
      `CONFLICT while the record is locked or deleted, and when it has 1,000 files already. ${NEEDS_ANY_KEY}`,
  })
  async uploadFile(
    @Arg('input', { description: 'The file and the record to store it on.' }) input: UploadFileInput,
    @Arg('actingUserId', () => ID, { nullable: true, description: ACTING_USER_DESCRIPTION }) actingUserId: string | null,
    @Ctx() context: RequestContext,
  ) {
    const { file, messageIds } = await fileService(context).upload(input, actingUserId);
    await context.services.deliveryQueue.enqueue(messageIds);
    return toUploadedFileObject(file);
  }

  @Mutation(() => UploadedFileObject, {
    description: `Deletes a file and records a FileDeleted event, pushed to matching connections; returns the deleted file. CONFLICT while the record is locked or deleted. ${NEEDS_ANY_KEY}`,
  })
  async deleteFile(
    @Arg('id', () => ID, { description: 'Id of an uploaded file of this workspace.' }) id: string,
    @Arg('actingUserId', () => ID, { nullable: true, description: ACTING_USER_DESCRIPTION }) actingUserId: string | null,
    @Ctx() context: RequestContext,
  ) {
    const { file, messageIds } = await fileService(context).delete(id, actingUserId);
    await context.services.deliveryQueue.enqueue(messageIds);
    return toUploadedFileObject(file);
  }
}
