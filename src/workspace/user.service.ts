import { raw, UniqueConstraintViolationException } from '@mikro-orm/core';
import { User } from './user.entity';
import type { CreateUserInput, UpdateUserInput } from './user.input';
import { ConflictError } from '../common/errors';
import { checkEmail, checkName, checkOptionalLabel, checkOptionalText } from '../common/input-checks';
import type { WorkspaceScope } from '../common/workspace-scope';
import { findPage } from '../graphql/page-query';
import type { Page } from '../graphql/pagination';

const MAX_POSITION_LENGTH = 200;
/** Custom data is free text and may span lines, so a header that uses it can be left out of a request. */
const MAX_CUSTOM_DATA_LENGTH = 10_000;

/** Manages the users of one workspace. */
export class UserService {
  constructor(private readonly scope: WorkspaceScope) {}

  get(id: string | number): Promise<User> {
    return this.scope.get(User, 'User', id);
  }

  list(first: number, after?: string | null): Promise<Page<User>> {
    return findPage(this.scope.em, User, 'users', { workspace: this.scope.workspaceId }, { first, after });
  }

  async create(input: CreateUserInput): Promise<User> {
    const name = checkName('name', input.name, 'Jane Doe');
    const email = checkEmail('email', input.email);
    const position = checkOptionalLabel('position', input.position, MAX_POSITION_LENGTH);
    const customData = checkOptionalText('customData', input.customData, MAX_CUSTOM_DATA_LENGTH);
    await this.checkEmailFree(email, null);

    const user = this.scope.em.create(User, { workspace: this.scope.workspace, name, email, position, customData });
    await this.flushUniqueEmail(email);
    return user;
  }

  async update(id: string, input: UpdateUserInput): Promise<User> {
    const user = await this.get(id);
    // A value sent back exactly as stored is kept unchecked: it may predate a stricter check, and
    // a client that changes one field usually sends the others as it read them.
    const name = isSet(input.name) && input.name !== user.name ? checkName('name', input.name, 'Jane Doe') : user.name;
    const email = isSet(input.email) && input.email !== user.email ? checkEmail('email', input.email) : user.email;
    const position =
      input.position === undefined || input.position === user.position ? user.position : checkOptionalLabel('position', input.position, MAX_POSITION_LENGTH);
    const customData =
      input.customData === undefined || input.customData === user.customData
        ? user.customData
        : checkOptionalText('customData', input.customData, MAX_CUSTOM_DATA_LENGTH);
    if (email !== user.email) await this.checkEmailFree(email, user.id);

    Object.assign(user, { name, email, position, customData });
    await this.flushUniqueEmail(email);
    return user;
  }

  /** Flushes, reporting a violation of the unique (workspace, lower(email)) index as CONFLICT. */
  private async flushUniqueEmail(email: string): Promise<void> {
    try {
      await this.scope.em.flush();
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      throw new ConflictError(`email ${JSON.stringify(email)} already belongs to another user of this workspace: use another address.`, 'email');
    }
  }

  /** Rejects an email address that another user of the workspace has, ignoring letter case. */
  private async checkEmailFree(email: string, exceptUserId: number | null): Promise<void> {
    // The unique index on (workspace_id, lower(email)) catches a concurrent request that passes this check too.
    const taken = await this.scope.em.findOne(User, {
      workspace: this.scope.workspaceId,
      [raw((alias) => `lower(${alias}.email)`)]: email.toLowerCase(),
      ...(exceptUserId === null ? {} : { id: { $ne: exceptUserId } }),
    });
    if (taken) {
      throw new ConflictError(`email ${JSON.stringify(email)} already belongs to user ${taken.id}: use another address, or update that user.`, 'email');
    }
  }
}

function isSet<T>(value: T | null | undefined): value is T {
  return value !== undefined && value !== null;
}
