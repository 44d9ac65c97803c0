import {
  AlignmentType,
  Document,
  Footer,
  Header,
  HeadingLevel,
  LevelFormat,
  Packer,
  PageOrientation,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type FileChild,
  type INumberingOptions,
} from 'docx';
import { rejectUnknownBlock } from '../content-text';
import type { ContentBlock, RenderInput, RenderProperty, TemplateLayout } from '../document-content';
import { OFFICE_FONT_NAMES, mmToTwips, orientedPageSizeMm, paperSizeMm } from '../page-layout';
import { HEADING_SCALES, MARGIN_TEXT_SCALE, NAME_COLUMN_SHARE, PARAGRAPH_GAP, TITLE_SCALE } from '../typography';

const HEADING_LEVELS = { 1: HeadingLevel.HEADING_1, 2: HeadingLevel.HEADING_2, 3: HeadingLevel.HEADING_3 } as const;
const ORDERED_LIST = 'ordered-list';
const BULLET_LIST = 'bullet-list';

/** Numbering definitions for both list kinds: one level, hanging indent of 0.25 in (360 twips). */
const NUMBERING: INumberingOptions = {
  config: [
    { reference: ORDERED_LIST, levels: [listLevel(LevelFormat.DECIMAL, '%1.')] },
    { reference: BULLET_LIST, levels: [listLevel(LevelFormat.BULLET, '\u2022')] },
  ],
};

function listLevel(format: (typeof LevelFormat)[keyof typeof LevelFormat], text: string) {
  return { level: 0, format, text, alignment: AlignmentType.START, style: { paragraph: { indent: { left: 720, hanging: 360 } } } };
}

/**
 * Renders the document as an Office Open XML (DOCX) file with the layout's page size,
 * orientation, margins, font and header and footer text. Each ordered list numbers from 1.
 */
export async function renderDocx(input: RenderInput): Promise<Buffer> {
  const { layout } = input.template;
  const { title, blocks } = input.document.content;
  let listCount = 0;
  const children = blocks.flatMap((block) => renderBlock(block, input.record.properties, layout, () => ++listCount));
  const document = new Document({
    title,
    styles: { default: defaultStyles(layout) },
    numbering: NUMBERING,
    sections: [
      {
        properties: { page: pageProperties(layout) },
        headers: layout.headerText ? { default: new Header({ children: [marginParagraph(layout.headerText, layout)] }) } : undefined,
        footers: layout.footerText ? { default: new Footer({ children: [marginParagraph(layout.footerText, layout)] }) } : undefined,
        children: [new Paragraph({ heading: HeadingLevel.TITLE, children: textRuns(title) }), ...children],
      },
    ],
  });
  return Packer.toBuffer(document);
}

function halfPoints(points: number): number {
  return Math.round(points * 2);
}

/** Converts a gap given as a multiple of the body font size to twips (20 per point). */
function gapTwips(layout: TemplateLayout, multiple: number): number {
  return Math.round(layout.fontSize * 20 * multiple);
}

/** Sets the body font and the title and heading sizes, overriding Word's built-in styles. */
function defaultStyles(layout: TemplateLayout) {
  const heading = (scale: number) => ({
    run: { size: halfPoints(layout.fontSize * scale), bold: true, color: '000000' },
    paragraph: { keepNext: true, spacing: { before: gapTwips(layout, PARAGRAPH_GAP * 1.5), after: gapTwips(layout, PARAGRAPH_GAP) } },
  });
  return {
    document: {
      run: { font: OFFICE_FONT_NAMES[layout.fontFamily], size: halfPoints(layout.fontSize) },
      paragraph: { spacing: { after: gapTwips(layout, PARAGRAPH_GAP) } },
    },
    title: heading(TITLE_SCALE),
    heading1: heading(HEADING_SCALES[1]),
    heading2: heading(HEADING_SCALES[2]),
    heading3: heading(HEADING_SCALES[3]),
  };
}

/** Returns page size and margins in twips; docx swaps width and height itself for landscape. */
function pageProperties(layout: TemplateLayout) {
  const paper = paperSizeMm(layout);
  const { top, right, bottom, left } = layout.margins;
  const orientation = layout.orientation === 'landscape' ? PageOrientation.LANDSCAPE : PageOrientation.PORTRAIT;
  return {
    size: { width: mmToTwips(paper.width), height: mmToTwips(paper.height), orientation },
    margin: {
      top: mmToTwips(top),
      right: mmToTwips(right),
      bottom: mmToTwips(bottom),
      left: mmToTwips(left),
      header: mmToTwips(top / 2),
      footer: mmToTwips(bottom / 2),
    },
  };
}

/** Splits text at line breaks into runs, with a break before every run after the first. */
function textRuns(text: string, options: { bold?: boolean; size?: number } = {}): TextRun[] {
  return text.split('\n').map((line, index) => new TextRun({ text: line, break: index > 0 ? 1 : undefined, ...options }));
}

function marginParagraph(text: string, layout: TemplateLayout): Paragraph {
  return new Paragraph({ alignment: AlignmentType.CENTER, children: textRuns(text, { size: halfPoints(layout.fontSize * MARGIN_TEXT_SCALE) }) });
}

function renderBlock(block: ContentBlock, properties: RenderProperty[], layout: TemplateLayout, nextListInstance: () => number): FileChild[] {
  switch (block.kind) {
    case 'heading':
      return [new Paragraph({ heading: HEADING_LEVELS[block.level], children: textRuns(block.text) })];
    case 'paragraph':
      return [new Paragraph({ children: textRuns(block.text) })];
    case 'list': {
      const numbering = { reference: block.ordered ? ORDERED_LIST : BULLET_LIST, level: 0, instance: nextListInstance() };
      return block.items.map((item) => new Paragraph({ numbering, children: textRuns(item) }));
    }
    case 'propertyTable':
      return renderPropertyTable(block.caption, properties, layout);
    default:
      return rejectUnknownBlock(block);
  }
}

function renderPropertyTable(caption: string | undefined, properties: RenderProperty[], layout: TemplateLayout): FileChild[] {
  const captionParagraph = caption ? [new Paragraph({ keepNext: true, children: textRuns(caption, { bold: true }) })] : [];
  if (properties.length === 0) return captionParagraph;

  const page = orientedPageSizeMm(layout);
  const textWidth = mmToTwips(page.width - layout.margins.left - layout.margins.right);
  const columnWidths = [Math.round(textWidth * NAME_COLUMN_SHARE), textWidth - Math.round(textWidth * NAME_COLUMN_SHARE)];
  const cell = (text: string, width: number, bold: boolean) =>
    new TableCell({ width: { size: width, type: WidthType.DXA }, children: [new Paragraph({ children: textRuns(text, { bold }) })] });
  const rows = properties.map((p) => new TableRow({ children: [cell(p.name, columnWidths[0], true), cell(p.value, columnWidths[1], false)] }));
  const table = new Table({ width: { size: textWidth, type: WidthType.DXA }, columnWidths, rows });
  return [...captionParagraph, table, new Paragraph({ children: [] })];
}
