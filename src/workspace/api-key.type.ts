import { Field, ObjectType } from 'type-graphql';
import { ApiKey } from './api-key.entity';

@ObjectType({ simpleResolvers: true, description: 'A newly created API key with its clear-text key.' })
export class CreatedApiKey {
  @Field(() => ApiKey, { description: 'The stored key data, as apiKeys lists it.' })
  apiKey!: ApiKey;

  @Field({ description: 'The bearer token (dpk_...). It is shown only in this response; store it now, only its hash is kept.' })
  key!: string;
}
