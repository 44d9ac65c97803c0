import { Entity, ManyToOne, PrimaryKey, Property, Opt } from '@mikro-orm/core';
import type { User } from './user.entity';

/** The tenant: every other row belongs to exactly one workspace. */
@Entity({ tableName: 'workspaces' })
export class Workspace {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 200 })
  name!: string;

  /** The user that acts where an action has no acting user, and that `useDefaultApiUser` headers name. */
  @ManyToOne({ entity: 'User', nullable: true, deleteRule: 'set null' })
  defaultApiUser: User | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Opt<Date> = new Date();
}
