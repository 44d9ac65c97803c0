import type { EntityManager } from '@mikro-orm/postgresql';
import type { EntityName, FilterQuery } from '@mikro-orm/core';
import { Workspace } from '../workspace/workspace.entity';
import { NotFoundError } from './errors';

/**
 * The one place where tenant isolation lives: every service reads and writes through a scope
 * built from the authenticated caller, and every lookup here adds the caller's workspace.
 * An id of another workspace therefore behaves exactly like an id that does not exist.
 */
export class WorkspaceScope {
  constructor(
    readonly em: EntityManager,
    readonly workspaceId: number,
  ) {}

  get workspace(): Workspace {
    return this.em.getReference(Workspace, this.workspaceId);
  }

  /**
   * Finds one row of this workspace by id, or raises NOT_FOUND naming the entity, the id and
   * `field`, the argument that held the id.
   */
  async get<T extends object>(entity: EntityName<T>, label: string, id: string | number, extra: object = {}, field = 'id'): Promise<T> {
    const numericId = typeof id === 'number' ? id : parseId(id);
    if (!Number.isSafeInteger(numericId) || numericId <= 0) throw NotFoundError.of(label, id, field);

    const where = { id: numericId, workspace: this.workspaceId, ...extra } as FilterQuery<T>;
    const found = await this.em.findOne(entity, where);
    if (!found) throw NotFoundError.of(label, id, field);
    return found;
  }
}

/** Parses a decimal id such as "42"; forms that Number() would also accept ("1e0", "0x1", " 1 ") give NaN. */
export function parseId(id: string): number {
  return /^[1-9][0-9]{0,15}$/.test(id) ? Number(id) : Number.NaN;
}
