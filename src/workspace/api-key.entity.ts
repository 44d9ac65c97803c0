import { Entity, Enum, ManyToOne, PrimaryKey, Property, Opt } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Workspace } from './workspace.entity';

export enum ApiKeyRole {
  /** Manages push connections, reads logs, resends, subscribes, manages keys. */
  ADMIN = 'ADMIN',
  /** Records events and manages document records and files. */
  MEMBER = 'MEMBER',
}

registerEnumType(ApiKeyRole, {
  name: 'ApiKeyRole',
  description: 'What an API key may do; each operation of the schema names the role it needs.',
  valuesConfig: {
    ADMIN: {
      description: 'Every operation: push connections, push messages and logs, subscriptions, API keys, users, the catalog and the default API user, and all that MEMBER may do.',
    },
    MEMBER: {
      description: 'Records events and manages document records, documents and files; reads users, the catalog and the workspace.',
    },
  },
});

/** A bearer token of one workspace. Only the SHA-256 hash of the key is stored. */
@ObjectType({ simpleResolvers: true, description: 'An API key; the key itself is shown once, on creation.' })
@Entity({ tableName: 'api_keys' })
export class ApiKey {
  @Field(() => ID, { description: 'The API key id; revokeApiKey takes it.' })
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => Workspace, { deleteRule: 'cascade' })
  workspace!: Workspace;

  @Field({ description: 'What the key is for.' })
  @Property({ type: 'string', length: 200 })
  name!: string;

  @Field(() => ApiKeyRole, { description: 'What the key may do.' })
  @Enum({ items: () => ApiKeyRole, nativeEnumName: 'api_key_role' })
  role!: ApiKeyRole;

  @Field({ description: 'The first characters of the key, to tell keys apart.' })
  @Property({ type: 'string', length: 32 })
  prefix!: string;

  @Property({ type: 'string', length: 64, unique: true, hidden: true })
  hash!: string;

  @Field(() => Date, { description: 'When the key was created.' })
  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Opt<Date> = new Date();

  @Field(() => Date, { nullable: true, description: 'When a request last used the key, to within a minute, because it is written at most once a minute; null before its first use.' })
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  lastUsedAt: Date | null = null;

  @Field(() => Date, { nullable: true, description: 'When the key was revoked; null while it is active.' })
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  revokedAt: Date | null = null;
}
