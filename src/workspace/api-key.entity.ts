import { Entity, Enum, ManyToOne, PrimaryKey, Property, Opt } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Workspace } from './workspace.entity';

export enum ApiKeyRole {
  /** Manages push connections, reads logs, resends, subscribes, manages keys. */
  ADMIN = 'ADMIN',
  /** Records events and manages document records and files. */
  MEMBER = 'MEMBER',
}

registerEnumType(ApiKeyRole, { name: 'ApiKeyRole' });

/** A bearer token of one workspace. Only the SHA-256 hash of the key is stored. */
@ObjectType({ simpleResolvers: true, description: 'An API key; the key itself is shown once, on creation.' })
@Entity({ tableName: 'api_keys' })
export class ApiKey {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => Workspace, { deleteRule: 'cascade' })
  workspace!: Workspace;

  @Field()
  @Property({ type: 'string', length: 200 })
  name!: string;

  @Field(() => ApiKeyRole)
  @Enum({ items: () => ApiKeyRole, nativeEnumName: 'api_key_role' })
  role!: ApiKeyRole;

  @Field({ description: 'The first characters of the key, to tell keys apart.' })
  @Property({ type: 'string', length: 32 })
  prefix!: string;

  @Property({ type: 'string', length: 64, unique: true, hidden: true })
  hash!: string;

  @Field(() => Date)
  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Opt<Date> = new Date();

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  lastUsedAt: Date | null = null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  revokedAt: Date | null = null;
}
