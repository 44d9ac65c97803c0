import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { UploadedFileObject, toUploadedFileObject } from './document.type';
import { UploadFileInput } from './document.input';
import { UploadedFileService } from './uploaded-file.service';
import { scopeOf, type RequestContext } from '../graphql/context';

const ACTING_USER_DESCRIPTION = 'The user who made the change, recorded as the event author; omit it when no user acted.';

function fileService(context: RequestContext): UploadedFileService {
  return new UploadedFileService(scopeOf(context), context.services.config.attachments.uploadLimitBytes);
}

@Resolver(() => UploadedFileObject)
@Authorized()
export class UploadedFileResolver {
  @Query(() => [UploadedFileObject], { description: "A record's uploaded files, oldest first, without their bytes." })
  async files(@Arg('documentRecordId', () => ID) documentRecordId: string, @Ctx() context: RequestContext) {
    const files = await fileService(context).listOfRecord(documentRecordId);
    return files.map(toUploadedFileObject);
  }

  @Mutation(() => UploadedFileObject, {
    description: 'Stores a file on a record and records a FileUpload event, pushed to matching connections. The size limit is set by DOCPUSH_UPLOAD_LIMIT (25 MiB by default).',
  })
  async uploadFile(
    @Arg('input') input: UploadFileInput,
    @Arg('actingUserId', () => ID, { nullable: true, description: ACTING_USER_DESCRIPTION }) actingUserId: string | null,
    @Ctx() context: RequestContext,
  ) {
    const { file, messageIds } = await fileService(context).upload(input, actingUserId);
    await context.services.deliveryQueue.enqueue(messageIds);
    return toUploadedFileObject(file);
  }

  @Mutation(() => UploadedFileObject, { description: 'Deletes a file and records a FileDeleted event, pushed to matching connections; returns the deleted file.' })
  async deleteFile(
    @Arg('id', () => ID) id: string,
    @Arg('actingUserId', () => ID, { nullable: true, description: ACTING_USER_DESCRIPTION }) actingUserId: string | null,
    @Ctx() context: RequestContext,
  ) {
    const { file, messageIds } = await fileService(context).delete(id, actingUserId);
    await context.services.deliveryQueue.enqueue(messageIds);
    return toUploadedFileObject(file);
  }
}
