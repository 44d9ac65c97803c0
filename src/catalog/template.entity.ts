import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Workspace } from '../workspace/workspace.entity';
import { TemplateSuite } from './template-suite.entity';
import type { TemplateLayout } from '../rendering/document-content';

@ObjectType({ simpleResolvers: true, description: 'A template of a template suite, with the layout design that its documents render with.' })
@Entity({ tableName: 'templates' })
export class Template {
  @Field(() => ID, { description: 'The template id.' })
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => Workspace, { deleteRule: 'cascade' })
  workspace!: Workspace;

  @ManyToOne(() => TemplateSuite, { deleteRule: 'cascade' })
  templateSuite!: TemplateSuite;

  @Field({ description: 'Display name; generated file names are built from it and the record name.' })
  @Property({ type: 'string', length: 200 })
  name!: string;

  @Field(() => GraphQLJSONObject, { description: 'Page size, orientation, margins (mm), font, header and footer text.' })
  @Property({ type: 'json' })
  layout!: TemplateLayout;
}
