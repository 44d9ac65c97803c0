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
  @Field(() => String, { nullable: true, description: 'New display name, with the rules of CreateUserInput.name.' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'New email address, with the rules of CreateUserInput.email.' })
  email?: string | null;

  @Field(() => String, { nullable: true, description: 'New job title, with the rules of CreateUserInput.position; null clears it.' })
  position?: string | null;

  @Field(() => String, { nullable: true, description: 'New free text, up to 10,000 characters; null clears it.' })
  customData?: string | null;
}
