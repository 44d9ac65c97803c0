import { Field, InputType } from 'type-graphql';
import { ApiKeyRole } from './api-key.entity';

@InputType({ description: 'A new API key of the workspace.' })
export class CreateApiKeyInput {
  @Field({ description: 'What the key is for, such as "CRM integration"; 1 to 200 characters.' })
  name!: string;

  @Field(() => ApiKeyRole, { description: 'ADMIN manages push connections, logs and keys; MEMBER records events and manages records.' })
  role!: ApiKeyRole;
}
