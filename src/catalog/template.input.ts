import { Field, ID, InputType } from 'type-graphql';
import { TemplateLayoutInput } from './template-layout.input';

@InputType({ description: 'A new template of a template suite.' })
export class CreateTemplateInput {
  @Field(() => ID, { description: 'The template suite of this workspace that the template belongs to.' })
  templateSuiteId!: string;

  @Field({ description: 'Display name, 1 to 200 characters.' })
  name!: string;

  @Field(() => TemplateLayoutInput, { nullable: true, description: 'The layout design; omitted fields take the default layout.' })
  layout?: TemplateLayoutInput | null;
}

@InputType({ description: 'Changes to a template; omitted fields keep their value.' })
export class UpdateTemplateInput {
  @Field(() => ID, {
    nullable: true,
    description:
      'Moves the template to another template suite of this workspace. CONFLICT while documents made from the template exist, because their records stay in the current suite.',
  })
  templateSuiteId?: string | null;

  @Field(() => String, { nullable: true, description: 'New display name, 1 to 200 characters.' })
  name?: string | null;

  @Field(() => TemplateLayoutInput, { nullable: true, description: 'Layout changes; omitted layout fields keep their value.' })
  layout?: TemplateLayoutInput | null;
}
