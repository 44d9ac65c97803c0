import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Workspace } from '../workspace/workspace.entity';
import { TemplateSuite } from './template-suite.entity';
import type { TemplateLayout } from '../rendering/document-content';

@ObjectType({ simpleResolvers: true, description: 'A template of a template suite, with the default layout design its documents render with.' })
@Entity({ tableName: 'templates' })
export class Template {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => Workspace, { deleteRule: 'cascade' })
  workspace!: Workspace;

  @ManyToOne(() => TemplateSuite, { deleteRule: 'cascade' })
  templateSuite!: TemplateSuite;

  @Field()
  @Property({ type: 'string', length: 200 })
  name!: string;

  @Field(() => GraphQLJSONObject, { description: 'Page size, orientation, margins (mm), font, header and footer text.' })
  @Property({ type: 'json' })
  layout!: TemplateLayout;
}
