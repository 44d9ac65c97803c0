import { Field, InputType } from 'type-graphql';

@InputType({ description: 'The fields of a template suite.' })
export class TemplateSuiteInput {
  @Field({ description: 'Display name, 1 to 200 characters.' })
  name!: string;
}
