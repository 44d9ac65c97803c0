import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Workspace } from '../workspace/workspace.entity';

@ObjectType({ simpleResolvers: true, description: 'A kind of document record, such as "Contract" or "Invoice".' })
@Entity({ tableName: 'document_record_types' })
export class DocumentRecordType {
  @Field(() => ID, { description: 'The document record type id.' })
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => Workspace, { deleteRule: 'cascade' })
  workspace!: Workspace;

  @Field({ description: 'Display name, such as "Contract".' })
  @Property({ type: 'string', length: 200 })
  name!: string;
}
