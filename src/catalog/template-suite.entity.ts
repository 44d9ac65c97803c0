import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Workspace } from '../workspace/workspace.entity';

@ObjectType({ simpleResolvers: true, description: 'A set of templates that a document record is created from.' })
@Entity({ tableName: 'template_suites' })
export class TemplateSuite {
  @Field(() => ID, { description: 'The template suite id.' })
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => Workspace, { deleteRule: 'cascade' })
  workspace!: Workspace;

  @Field({ description: 'Display name.' })
  @Property({ type: 'string', length: 200 })
  name!: string;
}
