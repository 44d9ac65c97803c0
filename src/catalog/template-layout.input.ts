import { Field, Float, InputType, registerEnumType } from 'type-graphql';
import type { TemplateLayout } from '../rendering/document-content';
import { MAX_MARGIN_TEXT_LENGTH } from './template-layout';

export const PageSizeEnum: { [K in TemplateLayout['pageSize']]: K } = { A4: 'A4', LETTER: 'LETTER', LEGAL: 'LEGAL' };
export const PageOrientationEnum: { [K in TemplateLayout['orientation']]: K } = { portrait: 'portrait', landscape: 'landscape' };
export const FontFamilyEnum: { [K in TemplateLayout['fontFamily']]: K } = { sans: 'sans', serif: 'serif', mono: 'mono' };

registerEnumType(PageSizeEnum, {
  name: 'PageSize',
  description: 'Paper size: ISO A4 (210 × 297 mm), US Letter or US Legal.',
  valuesConfig: {
    A4: { description: 'ISO A4, 210 × 297 mm.' },
    LETTER: { description: 'US Letter, 8.5 × 11 in (215.9 × 279.4 mm).' },
    LEGAL: { description: 'US Legal, 8.5 × 14 in (215.9 × 355.6 mm).' },
  },
});
registerEnumType(PageOrientationEnum, {
  name: 'PageOrientation',
  description: 'Which side of the page is the top.',
  valuesConfig: {
    portrait: { description: 'The short side is at the top.' },
    landscape: { description: 'The long side is at the top: width and height of the page size are swapped.' },
  },
});
registerEnumType(FontFamilyEnum, {
  name: 'FontFamily',
  description: 'Body font family; each format maps it to a font it has.',
  valuesConfig: {
    sans: { description: 'Sans-serif: DejaVu Sans in PDF, Arial in DOCX and ODT.' },
    serif: { description: 'Serif: DejaVu Serif in PDF, Times New Roman in DOCX and ODT.' },
    mono: { description: 'Fixed-pitch: DejaVu Sans Mono in PDF, Courier New in DOCX and ODT.' },
  },
});

const MARGIN_TEXT_RULES =
  `Up to ${MAX_MARGIN_TEXT_LENGTH} characters on one line: ` +
  'control characters, line breaks and tabs included, the line and paragraph separators U+2028 and U+2029, ' +
  'the bidirectional embeddings and overrides U+202A to U+202E, and isolates (U+2066 to U+2068) that U+2069 does not close are rejected. ' +
  'Null, empty text or text of only whitespace and invisible characters such as U+200B removes it.';

@InputType({ description: 'Page margins in millimetres; omitted sides keep their value.' })
export class PageMarginsInput {
  @Field(() => Float, { nullable: true, description: 'Top margin in mm, 0 or more.' })
  top?: number | null;

  @Field(() => Float, { nullable: true, description: 'Right margin in mm, 0 or more.' })
  right?: number | null;

  @Field(() => Float, { nullable: true, description: 'Bottom margin in mm, 0 or more.' })
  bottom?: number | null;

  @Field(() => Float, { nullable: true, description: 'Left margin in mm, 0 or more.' })
  left?: number | null;
}

@InputType({
  description:
    'A template layout design. Omitted fields keep their value: the current layout on update, the default layout (A4, portrait, margins 25/20/25/20 mm, sans 11 pt, no header or footer) on creation.',
})
export class TemplateLayoutInput {
  @Field(() => PageSizeEnum, { nullable: true, description: 'Paper size.' })
  pageSize?: TemplateLayout['pageSize'] | null;

  @Field(() => PageOrientationEnum, { nullable: true, description: 'Page orientation.' })
  orientation?: TemplateLayout['orientation'] | null;

  @Field(() => PageMarginsInput, {
    nullable: true,
    description: 'Margins in mm. Left and right together, and top and bottom together, may take at most 80% of the page width and height.',
  })
  margins?: PageMarginsInput | null;

  @Field(() => FontFamilyEnum, { nullable: true, description: 'Body font family.' })
  fontFamily?: TemplateLayout['fontFamily'] | null;

  @Field(() => Float, { nullable: true, description: 'Body font size in points, 4 to 72.' })
  fontSize?: number | null;

  @Field(() => String, { nullable: true, description: `Text printed at the top of every page. ${MARGIN_TEXT_RULES}` })
  headerText?: string | null;

  @Field(() => String, { nullable: true, description: `Text printed at the bottom of every page. ${MARGIN_TEXT_RULES}` })
  footerText?: string | null;
}
