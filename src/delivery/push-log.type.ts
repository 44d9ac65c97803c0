import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { DocumentRecordEventType } from '../records/event-type';
import { DeliveryOutcome, type PushLog } from './push-log.entity';
import { ConnectionType } from '../graphql/pagination';

@ObjectType('PushLog', { simpleResolvers: true, description: 'One delivery attempt of a push message.' })
export class PushLogType {
  @Field(() => ID)
  id!: number;

  @Field(() => ID, { description: 'Kept after the connection is deleted.' })
  connectionId!: number;

  @Field()
  connectionName!: string;

  @Field(() => ID)
  eventId!: number;

  @Field(() => DocumentRecordEventType)
  eventType!: DocumentRecordEventType;

  @Field(() => ID, { description: 'The webhook-id header; the same on every attempt of one message.' })
  messageId!: string;

  @Field(() => Int, { description: 'Attempt number, from 1.' })
  attempt!: number;

  @Field()
  requestUrl!: string;

  @Field(() => GraphQLJSONObject, { description: 'Sent headers; values of secret headers are masked.' })
  requestHeaders!: Record<string, string>;

  @Field({
    description:
      "The sent JSON body with every file's data replaced by a notice. Empty for an attempt cut off by a stopped worker, " +
      'which is logged when its message is claimed again, because its request was not stored.',
  })
  requestBody!: string;

  @Field(() => Int, { description: '0 when no HTTP response was received: not sent, DNS failure, refused, TLS error, or a time-out before the response headers.' })
  responseCode!: number;

  @Field(() => GraphQLJSONObject)
  responseHeaders!: Record<string, string>;

  @Field({ description: 'The response body, capped; Base64 when responseBodyEncoding is base64.' })
  responseBody!: string;

  @Field({ description: 'utf8, or base64 for a body that was not valid UTF-8 text or contained a NUL byte.' })
  responseBodyEncoding!: string;

  @Field()
  responseBodyTruncated!: boolean;

  @Field({ description: 'The failure reason, then a sentence on each custom header left out of the request; empty on success.' })
  responseError!: string;

  @Field(() => Int)
  durationMs!: number;

  @Field(() => DeliveryOutcome)
  outcome!: DeliveryOutcome;

  @Field({ description: 'True for messages sent by sendTestMessage.' })
  isTest!: boolean;

  @Field()
  createdAt!: Date;
}

@InputType({ description: 'Conditions on push logs; all given conditions must hold.' })
export class PushLogFilter {
  @Field(() => ID, { nullable: true })
  connectionId?: string;

  @Field(() => ID, { nullable: true })
  messageId?: string;

  @Field(() => DocumentRecordEventType, { nullable: true })
  eventType?: DocumentRecordEventType;

  @Field(() => DeliveryOutcome, { nullable: true })
  outcome?: DeliveryOutcome;

  @Field(() => Int, { nullable: true })
  responseCode?: number;

  @Field(() => Date, { nullable: true, description: 'Attempts at or after this time.' })
  from?: Date;

  @Field(() => Date, { nullable: true, description: 'Attempts before this time.' })
  to?: Date;
}

export const PushLogConnection = ConnectionType(PushLogType, 'PushLog');

export function toPushLogType(log: PushLog): PushLogType {
  return {
    id: log.id,
    connectionId: log.connectionId,
    connectionName: log.connectionName,
    eventId: log.eventId,
    eventType: log.eventType,
    messageId: log.messageId,
    attempt: log.attempt,
    requestUrl: log.requestUrl,
    requestHeaders: log.requestHeaders,
    requestBody: log.requestBody,
    responseCode: log.responseCode,
    responseHeaders: log.responseHeaders,
    responseBody: log.responseBody,
    responseBodyEncoding: log.responseBodyEncoding,
    responseBodyTruncated: log.responseBodyTruncated,
    responseError: log.responseError,
    durationMs: log.durationMs,
    outcome: log.outcome,
    isTest: log.isTest,
    createdAt: log.createdAt,
  };
}
