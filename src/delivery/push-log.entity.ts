import { BigIntType, Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Opt, Unique } from '@mikro-orm/core';
import { registerEnumType } from 'type-graphql';
import { Workspace } from '../workspace/workspace.entity';
import { DocumentRecordEventType } from '../records/event-type';

export enum DeliveryOutcome {
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
}

registerEnumType(DeliveryOutcome, {
  name: 'DeliveryOutcome',
  description: 'SUCCEEDED for any 2xx response, FAILED otherwise.',
  valuesConfig: {
    SUCCEEDED: { description: 'The listener responded with a 2xx status.' },
    FAILED: { description: 'Any other status, or no response: not sent, refused, TLS error, time-out, or an attempt cut off by a stopped worker.' },
  },
});

/** The unique constraint that a second push log row of one attempt at the attempt's time violates. */
export const ATTEMPT_ROW_INDEX = 'push_logs_message_id_attempt_created_at_unique';

/**
 * One delivery attempt. Connection and event are plain columns, not foreign keys, so the log
 * outlives the connection and the record it names.
 */
@Entity({ tableName: 'push_logs' })
@Index({ properties: ['workspace', 'createdAt'] })
@Index({ properties: ['connectionId', 'createdAt'] })
// Serves the look-ups by message id through its first column, and makes a repeated write of one attempt fail.
@Unique({ name: ATTEMPT_ROW_INDEX, properties: ['messageId', 'attempt', 'createdAt'] })
export class PushLog {
  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @ManyToOne(() => Workspace, { deleteRule: 'cascade' })
  workspace!: Workspace;

  @Property({ type: 'integer' })
  connectionId!: number;

  @Property({ type: 'string', length: 200 })
  connectionName!: string;

  @Property({ type: 'integer' })
  eventId!: number;

  @Enum({ items: () => DocumentRecordEventType, nativeEnumName: 'document_record_event_type' })
  eventType!: DocumentRecordEventType;

  @Property({ type: 'string', length: 40 })
  messageId!: string;

  @Property({ type: 'integer' })
  attempt!: number;

  @Property({ type: 'text' })
  requestUrl!: string;

  /** Sent headers; values of secret headers are masked. */
  @Property({ type: 'json' })
  requestHeaders: Opt<Record<string, string>> = {};

  /** The sent body with every file's `data` replaced by a fixed notice. */
  @Property({ type: 'text' })
  requestBody!: string;

  /** 0 when no HTTP response was received: DNS failure, refused, TLS error, time-out before headers. */
  @Property({ type: 'integer' })
  responseCode!: number;

  @Property({ type: 'json' })
  responseHeaders: Opt<Record<string, string>> = {};

  @Property({ type: 'text' })
  responseBody: Opt<string> = '';

  /** `base64` when the body was not valid UTF-8 text. */
  @Property({ type: 'string', length: 10 })
  responseBodyEncoding: Opt<'utf8' | 'base64'> = 'utf8';

  @Property({ type: 'boolean' })
  responseBodyTruncated: Opt<boolean> = false;

  /**
   * True when the body ended early: the listener closed or reset the connection, sent an invalid
   * rest, or the attempt timed out or was ended by a stopping worker at its drain deadline. A body
   * cut at the size limit is marked by responseBodyTruncated.
   */
  @Property({ type: 'boolean' })
  responseBodyIncomplete: Opt<boolean> = false;

  /** The failure reason, then a sentence on each custom header left out of the request; empty on 2xx. */
  @Property({ type: 'text' })
  responseError: Opt<string> = '';

  @Property({ type: 'integer' })
  durationMs!: number;

  @Enum({ items: () => DeliveryOutcome, nativeEnumName: 'delivery_outcome' })
  outcome!: DeliveryOutcome;

  @Property({ type: 'boolean' })
  isTest: Opt<boolean> = false;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Opt<Date> = new Date();
}
