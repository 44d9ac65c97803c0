import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { DocumentRecordEventType } from '../records/event-type';
import { DeliveryOutcome, type PushLog } from './push-log.entity';
import { ConnectionType } from '../graphql/pagination';

@ObjectType('PushLog', { simpleResolvers: true, description: 'One delivery attempt of a push message.' })
export class PushLogType {
  @Field(() => ID, { description: 'The push log id.' })
  id!: number;

  @Field(() => ID, { description: 'Kept after the connection is deleted.' })
  connectionId!: number;

  @Field({ description: "The connection's name at the time of the attempt." })
  connectionName!: string;

  @Field(() => ID, { description: 'The timeline event that the message pushes.' })
  eventId!: number;

  @Field(() => DocumentRecordEventType, { description: 'Type of the event pushed.' })
  eventType!: DocumentRecordEventType;

  @Field(() => ID, { description: 'The webhook-id header; the same on every attempt of one message.' })
  messageId!: string;

  @Field(() => Int, { description: 'Attempt number, from 1.' })
  attempt!: number;

  @Field({ description: 'The URL the request was sent to.' })
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

  @Field(() => GraphQLJSONObject, { description: 'Response headers with lower-case names; repeated headers joined with ", ". Empty when no response was received.' })
  responseHeaders!: Record<string, string>;

  @Field({ description: 'The response body, capped; Base64 when responseBodyEncoding is base64.' })
  responseBody!: string;

  @Field({ description: 'utf8, or base64 for a body that was not valid UTF-8 text or contained a NUL byte.' })
  responseBodyEncoding!: string;

  @Field({ description: 'True when the body was longer than DOCPUSH_RESPONSE_BODY_LIMIT (64 KiB by default) and was cut there.' })
  responseBodyTruncated!: boolean;

  @Field({
    description:
      'True when the body ended early, so responseBody contains only the bytes read: the listener closed or reset the connection, ' +
      'sent an invalid rest of the response, or the attempt timed out or was ended by a stopping worker at its drain deadline. ' +
      'A 2xx response cut short this way still counts as a success, ' +
      'and its responseError stays empty. Always false on rows logged before this field was added.',
  })
  responseBodyIncomplete!: boolean;

  @Field({ description: 'The failure reason, then a sentence on each custom header left out of the request; empty on success.' })
  responseError!: string;

  @Field(() => Int, { description: 'Duration of the attempt in milliseconds.' })
  durationMs!: number;

  @Field(() => DeliveryOutcome, { description: 'SUCCEEDED for a 2xx response, FAILED otherwise.' })
  outcome!: DeliveryOutcome;

  @Field({ description: 'True for messages sent by sendTestMessage.' })
  isTest!: boolean;

  @Field({ description: 'When the attempt was logged; the from and to filters compare this time.' })
  createdAt!: Date;
}

@InputType({ description: 'Conditions on push logs; all given conditions must hold.' })
export class PushLogFilter {
  @Field(() => ID, { nullable: true, description: 'Attempts of this push connection, deleted connections included.' })
  connectionId?: string;

  @Field(() => ID, { nullable: true, description: 'Attempts of this push message (its webhook-id).' })
  messageId?: string;

  @Field(() => DocumentRecordEventType, { nullable: true, description: 'Attempts that pushed an event of this type.' })
  eventType?: DocumentRecordEventType;

  @Field(() => DeliveryOutcome, { nullable: true, description: 'Attempts with this outcome.' })
  outcome?: DeliveryOutcome;

  @Field(() => Int, { nullable: true, description: 'Attempts with this response code; 0 for attempts that received no response.' })
  responseCode?: number;

  @Field(() => Date, { nullable: true, description: 'Attempts at or after this time, in years 1 to 9999 UTC.' })
  from?: Date;

  @Field(() => Date, { nullable: true, description: 'Attempts before this time, in years 1 to 9999 UTC.' })
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
    responseBodyIncomplete: log.responseBodyIncomplete,
    responseError: log.responseError,
    durationMs: log.durationMs,
    outcome: log.outcome,
    isTest: log.isTest,
    createdAt: log.createdAt,
  };
}
