import { Field, Float, InputType, registerEnumType } from 'type-graphql';
import type { TemplateLayout } from '../rendering/document-content';

export const PageSizeEnum: { [K in TemplateLayout['pageSize']]: K } = { A4: 'A4', LETTER: 'LETTER', LEGAL: 'LEGAL' };
export const PageOrientationEnum: { [K in TemplateLayout['orientation']]: K } = { portrait: 'portrait', landscape: 'landscape' };
export const FontFamilyEnum: { [K in TemplateLayout['fontFamily']]: K } = { sans: 'sans', serif: 'serif', mono: 'mono' };

registerEnumType(PageSizeEnum, { name: 'PageSize', description: 'Paper size: ISO A4 (210 × 297 mm), US Letter or US Legal.' });
registerEnumType(PageOrientationEnum, { name: 'PageOrientation' });
registerEnumType(FontFamilyEnum, { name: 'FontFamily', description: 'Body font family; each format maps it to a font it has.' });

@InputType({ description: 'Page margins in millimetres; omitted sides keep their value.' })
export class PageMarginsInput {
  @Field(() => Float, { nullable: true })
  top?: number | null;

  @Field(() => Float, { nullable: true })
  right?: number | null;

  @Field(() => Float, { nullable: true })
  bottom?: number | null;

  @Field(() => Float, { nullable: true })
  left?: number | null;
}

@InputType({
  description:
    'A template layout design. Omitted fields keep their value: the current layout on update, the default layout (A4, portrait, margins 25/20/25/20 mm, sans 11 pt, no header or footer) on creation.',
})
export class TemplateLayoutInput {
  @Field(() => PageSizeEnum, { nullable: true })
  pageSize?: TemplateLayout['pageSize'] | null;

  @Field(() => PageOrientationEnum, { nullable: true })
  orientation?: TemplateLayout['orientation'] | null;

  @Field(() => PageMarginsInput, { nullable: true })
  margins?: PageMarginsInput | null;

  @Field(() => FontFamilyEnum, { nullable: true })
  fontFamily?: TemplateLayout['fontFamily'] | null;

  @Field(() => Float, { nullable: true, description: 'Body font size in points, 4 to 72.' })
  fontSize?: number | null;

  @Field(() => String, { nullable: true, description: 'Text printed at the top of every page, up to 500 characters; null or empty removes it.' })
  headerText?: string | null;

  @Field(() => String, { nullable: true, description: 'Text printed at the bottom of every page, up to 500 characters; null or empty removes it.' })
  footerText?: string | null;
}
