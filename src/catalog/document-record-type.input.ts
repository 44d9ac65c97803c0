import { Field, InputType } from 'type-graphql';

@InputType({ description: 'The fields of a document record type.' })
export class DocumentRecordTypeInput {
  @Field({ description: 'Display name, such as "Contract"; 1 to 200 characters.' })
  name!: string;
}
