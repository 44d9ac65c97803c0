import { Field, InputType } from 'type-graphql';

@InputType({ description: 'A new user of the workspace.' })
export class CreateUserInput {
  @Field({ description: 'Display name, 1 to 200 characters on one line: control characters, line and paragraph separators, bidirectional embeddings and overrides, and unclosed isolates are rejected.' })
  name!: string;

  @Field({ description: 'Email address in the form name@example.com, at most 254 bytes as UTF-8 and 64 before the @; unique within the workspace.' })
  email!: string;

  @Field(() => String, { nullable: true, description: 'Job title, up to 200 characters on one line, with the same character rules as name.' })
  position?: string | null;

  @Field(() => String, { nullable: true, description: 'Free text, up to 10,000 characters.' })
  customData?: string | null;
}

@InputType({ description: 'Changes to a user. Omitted fields keep their value; null clears position and customData.' })
export class UpdateUserInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => String, { nullable: true })
  position?: string | null;

  @Field(() => String, { nullable: true })
  customData?: string | null;
}
