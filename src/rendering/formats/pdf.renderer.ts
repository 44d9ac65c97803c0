import PDFDocument from 'pdfkit';
import { escapeXml, rejectUnknownBlock } from '../content-text';
import type { ContentBlock, RenderInput, RenderProperty, TemplateLayout } from '../document-content';
import { mmToPoints } from '../page-layout';
import { HEADING_SCALES, MARGIN_TEXT_SCALE, NAME_COLUMN_SHARE, PARAGRAPH_GAP, TITLE_SCALE } from '../typography';

/** DejaVu TrueType files (npm `dejavu-fonts-ttf`) for each font family, regular and bold. */
const DEJAVU_FILES: Record<TemplateLayout['fontFamily'], { regular: string; bold: string }> = {
  sans: { regular: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf' },
  serif: { regular: 'DejaVuSerif.ttf', bold: 'DejaVuSerif-Bold.ttf' },
  mono: { regular: 'DejaVuSansMono.ttf', bold: 'DejaVuSansMono-Bold.ttf' },
};

/**
 * Maximum run of characters, in UTF-16 code units, that the PDF renderer passes to pdfkit without
 * a line break opportunity. pdfkit 0.20.2 wraps a word wider than the line by measuring the rest
 * of the word again for every line, and its font caches the layout of each measured string. So
 * time and memory grow with the square of the word's length: on the 2-core test machine, one
 * 32,000-character word took 31 s and 2.3 GB.
 */
const MAX_UNBROKEN_RUN = 64;

/** A run of characters without whitespace that is longer than MAX_UNBROKEN_RUN. */
const LONG_RUN = new RegExp(`\\S{${MAX_UNBROKEN_RUN + 1},}`, 'gu');

/** U+200B ZERO WIDTH SPACE: a line break opportunity with no width, which DejaVu has a glyph for. */
const ZERO_WIDTH_SPACE = '\u200B';

/**
 * Characters that continue the grapheme cluster before them: combining marks, the joiners and
 * emoji skin tone modifiers. Intl.Segmenter would find clusters exactly, but in Node.js 20.20 it
 * took 4 s to segment a 100,000-character string without breaks on the 2-core test machine.
 */
const CLUSTER_CONTINUATION = /[\p{M}\u200C\u200D\p{Emoji_Modifier}]/u;

interface PdfFonts {
  regular: string;
  bold: string;
}

interface PdfContext {
  doc: PDFKit.PDFDocument;
  layout: TemplateLayout;
  fonts: PdfFonts;
  properties: RenderProperty[];
}

/** Returns the absolute paths of the family's DejaVu font files, so pdfkit embeds them. */
function resolveFonts(family: TemplateLayout['fontFamily']): PdfFonts {
  const files = DEJAVU_FILES[family];
  return {
    regular: require.resolve(`dejavu-fonts-ttf/ttf/${files.regular}`),
    bold: require.resolve(`dejavu-fonts-ttf/ttf/${files.bold}`),
  };
}

/**
 * Renders the document as PDF 1.7 with embedded subsets of the DejaVu fonts, so Latin with
 * diacritics, Greek and Cyrillic text displays on any reader.
 * NOTE: DejaVu has no CJK glyphs, so Chinese, Japanese and Korean characters render as
 * blank boxes in both PDF variants.
 */
export async function renderPdf(input: RenderInput): Promise<Buffer> {
  return renderWithPdfKit(input, { pdfVersion: '1.7' });
}

/**
 * Renders the document as PDF/A-2b (ISO 19005-2, level B: visual appearance): pdfkit adds
 * the XMP metadata with pdfaid:part and pdfaid:conformance and an sRGB output intent, and
 * every font is embedded. The file is not tagged, so it does not meet level A.
 */
export async function renderPdfA(input: RenderInput): Promise<Buffer> {
  return renderWithPdfKit(input, { pdfVersion: '1.7', subset: 'PDF/A-2b' });
}

async function renderWithPdfKit(input: RenderInput, options: PDFKit.PDFDocumentOptions): Promise<Buffer> {
  const { layout } = input.template;
  const fonts = resolveFonts(layout.fontFamily);
  const doc = new PDFDocument({
    ...options,
    size: layout.pageSize,
    layout: layout.orientation,
    margins: {
      top: mmToPoints(layout.margins.top),
      right: mmToPoints(layout.margins.right),
      bottom: mmToPoints(layout.margins.bottom),
      left: mmToPoints(layout.margins.left),
    },
    // The default would be the standard Helvetica, which is never embedded.
    font: fonts.regular,
    bufferPages: true,
    displayTitle: true,
    info: { Title: input.document.content.title },
  });
  escapeXmpInfo(doc);
  const output = collectOutput(doc);

  const context: PdfContext = { doc, layout, fonts, properties: input.record.properties };
  writeText(context, input.document.content.title, { bold: true, scale: TITLE_SCALE, gap: 1 });
  for (const block of input.document.content.blocks) writeBlock(context, block);
  drawHeaderAndFooter(context);
  doc.end();
  return output;
}

function collectOutput(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}

/**
 * Makes pdfkit XML-escape the document information it copies into the XMP metadata.
 * NOTE: pdfkit 0.20.2 inserts Title, Author, Subject and Keywords into the XMP packet
 * unescaped, so a title with `&` or `<` would make the metadata malformed XML. This wraps
 * pdfkit's internal `_addInfo` step and must be rechecked when pdfkit is upgraded.
 */
function escapeXmpInfo(doc: PDFKit.PDFDocument): void {
  const internals = doc as unknown as { info: Record<string, unknown>; _addInfo?: () => void };
  const addInfo = internals._addInfo;
  if (typeof addInfo !== 'function') return;
  internals._addInfo = function addEscapedInfo(this: typeof internals) {
    const info = this.info;
    const escaped = Object.fromEntries(Object.entries(info).map(([key, value]) => [key, typeof value === 'string' ? escapeXml(value) : value]));
    this.info = escaped;
    try {
      addInfo.call(this);
    } finally {
      this.info = info;
    }
  };
}

/**
 * Inserts U+200B ZERO WIDTH SPACE into each run of more than MAX_UNBROKEN_RUN non-whitespace
 * code units, before a character that starts a grapheme cluster, so that pdfkit never wraps a
 * longer word, unless a single cluster is longer.
 * Text extracted from the PDF then contains these invisible characters inside long words.
 */
export function addLineBreakOpportunities(text: string): string {
  return text.replace(LONG_RUN, (run) => {
    let result = '';
    let sinceBreak = 0;
    let previous = '';
    for (const character of run) {
      const startsCluster = !CLUSTER_CONTINUATION.test(character) && previous !== '\u200D';
      if (sinceBreak >= MAX_UNBROKEN_RUN && startsCluster) {
        result += ZERO_WIDTH_SPACE;
        sinceBreak = 0;
      }
      result += character;
      sinceBreak += character.length;
      previous = character;
    }
    return result;
  });
}

function writeText(context: PdfContext, text: string, style: { bold?: boolean; scale?: number; gap?: number; keepWithNext?: boolean }): void {
  const { doc, layout, fonts } = context;
  const size = layout.fontSize * (style.scale ?? 1);
  doc.font(style.bold ? fonts.bold : fonts.regular).fontSize(size);
  text = addLineBreakOpportunities(text);
  if (style.keepWithNext) keepWithNextLines(context, doc.heightOfString(text) + size * 3);
  doc.text(text, doc.page.margins.left, doc.y, { paragraphGap: layout.fontSize * (style.gap ?? PARAGRAPH_GAP) });
}

/** Starts a new page when less than `height` points are left, so a heading stays with the text after it. */
function keepWithNextLines(context: PdfContext, height: number): void {
  const { doc } = context;
  const bottom = doc.page.height - doc.page.margins.bottom;
  if (doc.y + height > bottom && doc.y > doc.page.margins.top) doc.addPage();
}

function writeBlock(context: PdfContext, block: ContentBlock): void {
  switch (block.kind) {
    case 'heading':
      context.doc.moveDown(0.4);
      return writeText(context, block.text, { bold: true, scale: HEADING_SCALES[block.level], gap: 0.4, keepWithNext: true });
    case 'paragraph':
      return writeText(context, block.text, {});
    case 'list':
      return writeList(context, block.items, block.ordered);
    case 'propertyTable':
      return writeTable(context, block.caption);
    default:
      return rejectUnknownBlock(block);
  }
}

/**
 * Writes a list one font size in from the left margin. pdfkit 0.20.2 puts each item's label in an
 * indent of up to two font sizes (two ascender heights) before its text. With a large font on a
 * narrow page, that offset and the indent take the whole text width, and pdfkit then wraps a word
 * without end until its heap runs out. So where they could take more than half the text width,
 * both shrink to fit in that half.
 */
function writeList(context: PdfContext, items: string[], ordered: boolean): void {
  const { doc, layout, fonts } = context;
  doc.font(fonts.regular).fontSize(layout.fontSize);
  const textWidth = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const scale = Math.min(1, textWidth / 2 / (3 * layout.fontSize));
  const options: PDFKit.Mixins.TextOptions = { listType: ordered ? 'numbered' : 'bullet', paragraphGap: layout.fontSize * 0.3 };
  const shrunk = scale < 1 ? { textIndent: 2 * layout.fontSize * scale } : {};
  doc.list(items.map(addLineBreakOpportunities), doc.page.margins.left + layout.fontSize * scale, doc.y, { ...options, ...shrunk });
  doc.moveDown(PARAGRAPH_GAP);
}

/** Padding of a property table cell, in points. */
const CELL_PADDING = { top: 3, right: 5, bottom: 3, left: 5 };

/**
 * Writes the record's properties as a two-column table. pdfkit cannot split a table row across
 * pages, and it cuts a taller row off at the page's end. A property whose name or value is taller
 * than a page is therefore written as its name and a paragraph, between the table's parts.
 */
function writeTable(context: PdfContext, caption: string | undefined): void {
  const { doc, layout, fonts, properties } = context;
  if (caption) writeText(context, caption, { bold: true, gap: 0.3, keepWithNext: true });
  if (properties.length === 0) return;

  const textWidth = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const nameWidth = textWidth * NAME_COLUMN_SHARE - CELL_PADDING.left - CELL_PADDING.right;
  const valueWidth = textWidth * (1 - NAME_COLUMN_SHARE) - CELL_PADDING.left - CELL_PADDING.right;
  const pageHeight = doc.page.height - doc.page.margins.top - doc.page.margins.bottom - CELL_PADDING.top - CELL_PADDING.bottom;
  let rows: RenderProperty[] = [];
  for (const property of properties) {
    // A name is short, but a large font in a narrow name column can still make it taller than a page.
    doc.font(fonts.bold).fontSize(layout.fontSize);
    const nameFits = doc.heightOfString(addLineBreakOpportunities(property.name), { width: nameWidth }) < pageHeight;
    doc.font(fonts.regular).fontSize(layout.fontSize);
    if (nameFits && doc.heightOfString(addLineBreakOpportunities(property.value), { width: valueWidth }) < pageHeight) {
      rows.push(property);
      continue;
    }
    writeTableRows(context, rows, textWidth);
    rows = [];
    writeText(context, property.name, { bold: true, gap: 0.3, keepWithNext: true });
    writeText(context, property.value, {});
  }
  writeTableRows(context, rows, textWidth);
  doc.moveDown(0.8);
}

function writeTableRows(context: PdfContext, rows: RenderProperty[], textWidth: number): void {
  const { doc, layout, fonts } = context;
  if (rows.length === 0) return;
  doc.font(fonts.regular).fontSize(layout.fontSize);
  doc.table({
    position: { x: doc.page.margins.left, y: doc.y },
    columnStyles: [textWidth * NAME_COLUMN_SHARE, '*'],
    defaultStyle: { border: 0.5, borderColor: '#999999', padding: CELL_PADDING },
    data: rows.map((p) => [{ text: addLineBreakOpportunities(p.name), font: { src: fonts.bold } }, addLineBreakOpportunities(p.value)]),
  });
  doc.x = doc.page.margins.left;
}

/**
 * Writes the layout's header and footer text centred in the top and bottom margin of every page.
 * A text wraps to the width between the side margins, and one that needs more lines than fit in its
 * margin is cut off with an ellipsis, so it adds no page. It overlaps the body only in a margin
 * lower than one line.
 */
function drawHeaderAndFooter(context: PdfContext): void {
  const { doc, layout, fonts } = context;
  if (!layout.headerText && !layout.footerText) return;
  const range = doc.bufferedPageRange();
  for (let index = range.start; index < range.start + range.count; index++) {
    doc.switchToPage(index);
    doc.font(fonts.regular).fontSize(layout.fontSize * MARGIN_TEXT_SCALE);
    const { margins, height } = doc.page;
    const bottomMargin = margins.bottom;
    // pdfkit adds a page when text starts below the bottom margin, so the margin is lifted while writing.
    margins.bottom = 0;
    if (layout.headerText) writeMarginText(doc, layout.headerText, 0, margins.top);
    if (layout.footerText) writeMarginText(doc, layout.footerText, height - bottomMargin, bottomMargin);
    margins.bottom = bottomMargin;
  }
}

/**
 * Writes `text` centred in the band of the page that starts `top` points from its top edge and is
 * `bandHeight` high, wrapped to the width between the side margins. Lines that do not fit in the
 * band are left out and the last line written ends with an ellipsis. A band lower than one line
 * still gets one line, centred on the band. Where that line would cross the page's top or bottom
 * edge, such as a footer in a bottom margin of 0 or 1 mm, it moves onto the page.
 */
function writeMarginText(doc: PDFKit.PDFDocument, text: string, top: number, bandHeight: number): void {
  const { margins, width, height } = doc.page;
  const options = { width: width - margins.left - margins.right, align: 'center' as const };
  const maxHeight = Math.max(bandHeight, doc.currentLineHeight());
  const textHeight = Math.min(doc.heightOfString(text, options), maxHeight);
  const lowestY = height - doc.currentLineHeight(true);
  const y = Math.min(Math.max(0, top + (bandHeight - textHeight) / 2), lowestY);
  doc.text(text, margins.left, y, { ...options, height: maxHeight, ellipsis: true });
}
