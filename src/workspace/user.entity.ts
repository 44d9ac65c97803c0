import { Entity, Index, ManyToOne, PrimaryKey, Property, Opt } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Workspace } from './workspace.entity';

/** A person of the document platform, as Legito's User resource describes one. */
@ObjectType({ simpleResolvers: true, description: 'A user of the workspace; events name their acting user.' })
@Entity({ tableName: 'users' })
@Index({
  name: 'users_workspace_email_unique',
  expression: 'create unique index "users_workspace_email_unique" on "users" ("workspace_id", lower("email"))',
})
export class User {
  @Field(() => ID, { description: 'The user id.' })
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => Workspace, { deleteRule: 'cascade' })
  workspace!: Workspace;

  @Field({ description: 'Display name.' })
  @Property({ type: 'string', length: 200 })
  name!: string;

  @Field({ description: 'Email address, unique within the workspace regardless of case.' })
  @Property({ type: 'string', length: 320 })
  email!: string;

  @Field(() => String, { nullable: true, description: 'Job title.' })
  @Property({ type: 'string', length: 200, nullable: true })
  position: string | null = null;

  @Field(() => String, { nullable: true, description: 'Free text, as in Legito.' })
  @Property({ type: 'text', nullable: true })
  customData: string | null = null;

  @Field(() => Date, { description: 'When the user was created.' })
  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Opt<Date> = new Date();
}
