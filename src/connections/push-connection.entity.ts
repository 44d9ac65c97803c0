import { Entity, Index, ManyToOne, PrimaryKey, Property, Opt } from '@mikro-orm/core';
import { Workspace } from '../workspace/workspace.entity';
import type { DocumentRecordEventType } from '../records/event-type';
import type { FileType } from '../rendering/document-content';

/** A custom HTTP header; `value` may hold `{{variables}}` resolved per message. */
export interface PushHeaderData {
  name: string;
  /** Plain text, or a SecretBox-sealed text when `secret` is true. */
  value: string;
  useDefaultApiUser: boolean;
  /** A secret value is stored encrypted and masked in logs and API output. */
  secret: boolean;
}

/** A Standard Webhooks signing secret, sealed with the server key. */
export interface SigningSecretData {
  sealed: string;
  createdAt: string;
  /** Set on the previous secret after a rotation; it signs alongside the new one until then. */
  expiresAt: string | null;
}

/** Returns the current signing secret: the one without `expiresAt`, or else the newest. */
export function currentSigningSecretOf(secrets: readonly SigningSecretData[]): SigningSecretData | undefined {
  return secrets.find((secret) => secret.expiresAt === null) ?? secrets.at(-1);
}

/** A listener that a workspace's matching events are pushed to (Legito's PushConnection). */
@Entity({ tableName: 'push_connections' })
@Index({ properties: ['workspace', 'enabled'] })
export class PushConnection {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => Workspace, { deleteRule: 'cascade' })
  workspace!: Workspace;

  /** The UUID that every pushed message carries as `pushConnectionSystemName`. */
  @Property({ type: 'uuid', unique: true })
  systemName!: string;

  @Property({ type: 'string', length: 200 })
  name!: string;

  @Property({ type: 'text' })
  url!: string;

  /** False on creation: nothing is sent until an admin enables the connection. */
  @Property({ type: 'boolean' })
  enabled: Opt<boolean> = false;

  @Property({ type: 'json' })
  headers: Opt<PushHeaderData[]> = [];

  @Property({ type: 'text[]' })
  eventTypes: Opt<DocumentRecordEventType[]> = [];

  @Property({ type: 'boolean' })
  templateSuiteAll: Opt<boolean> = true;

  @Property({ type: 'json' })
  templateSuiteIds: Opt<number[]> = [];

  @Property({ type: 'boolean' })
  documentRecordTypeAll: Opt<boolean> = true;

  @Property({ type: 'json' })
  documentRecordTypeIds: Opt<number[]> = [];

  @Property({ type: 'boolean' })
  attachFilesUploaded: Opt<boolean> = false;

  @Property({ type: 'boolean' })
  attachFilesGenerated: Opt<boolean> = false;

  @Property({ type: 'text[]' })
  fileTypes: Opt<FileType[]> = ['docx', 'pdf'];

  @Property({ type: 'json', hidden: true })
  signingSecrets: Opt<SigningSecretData[]> = [];

  /** Reason docpush gave when it disabled the connection itself (410 Gone, failing too long); null when an admin disabled it. */
  @Property({ type: 'text', nullable: true })
  disabledReason: string | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  disabledAt: Date | null = null;

  /**
   * Time of the first failed attempt after the last successful one; null while the latest
   * attempt succeeded. The connection is disabled once this is older than DOCPUSH_DISABLE_AFTER.
   */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  failingSince: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Opt<Date> = new Date();

  /** Soft deletion keeps the messages and logs that name the connection. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  deletedAt: Date | null = null;
}
