import { rejectUnknownBlock } from '../content-text';
import type { ContentBlock, RenderInput, RenderProperty, TemplateLayout } from '../document-content';
import { OFFICE_FONT_NAMES, mmToTwips, orientedPageSizeMm } from '../page-layout';
import { HEADING_SCALES, MARGIN_TEXT_SCALE, NAME_COLUMN_SHARE, PARAGRAPH_GAP, TITLE_SCALE } from '../typography';

/** RTF font family keywords: \fswiss is proportional sans-serif, \froman serif, \fmodern fixed-pitch. */
const RTF_FONT_FAMILIES: Record<TemplateLayout['fontFamily'], string> = { sans: 'fswiss', serif: 'froman', mono: 'fmodern' };

/**
 * Renders the document as RTF 1.x: page size, orientation and margins in twips (1/1440 in),
 * the layout's header and footer, and every non-ASCII character as a \uN? escape.
 */
export async function renderRtf(input: RenderInput): Promise<Buffer> {
  const { layout } = input.template;
  const { title, blocks } = input.document.content;
  const body = blocks.map((block) => renderBlock(block, input.record.properties, layout));
  const rtf = [
    '{\\rtf1\\ansi\\ansicpg1252\\deff0\\uc1',
    `{\\fonttbl{\\f0\\${RTF_FONT_FAMILIES[layout.fontFamily]}\\fcharset0 ${OFFICE_FONT_NAMES[layout.fontFamily]};}}`,
    `{\\info{\\title ${escapeRtf(title)}}}`,
    renderPageSetup(layout),
    renderHeaderFooter('header', layout.headerText, layout),
    renderHeaderFooter('footer', layout.footerText, layout),
    `\\pard\\plain\\f0\\sa${gapTwips(layout, PARAGRAPH_GAP * 2)}\\fs${halfPoints(layout.fontSize * TITLE_SCALE)}\\b ${escapeRtf(title)}\\b0\\par`,
    ...body,
    '}',
  ];
  // An RTF file is 7-bit ASCII because escapeRtf writes every other character as \uN?.
  return Buffer.from(`${rtf.filter(Boolean).join('\n')}\n`, 'latin1');
}

/**
 * Escapes text for RTF: backslash and braces get a backslash, line breaks and tabs become
 * \line and \tab, and each UTF-16 code unit above 127 becomes \uN? with N as a signed
 * 16-bit integer (RTF 1.5 and later), so U+FFFD is \u-3? and astral characters become two
 * surrogate escapes. The `?` is the fallback character for readers without Unicode.
 */
export function escapeRtf(text: string): string {
  let escaped = '';
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    const code = text.charCodeAt(index);
    if (char === '\\' || char === '{' || char === '}') escaped += `\\${char}`;
    else if (char === '\n') escaped += '\\line ';
    else if (char === '\t') escaped += '\\tab ';
    else if (code < 0x20) continue;
    else if (code < 0x80) escaped += char;
    else escaped += `\\u${code > 0x7fff ? code - 0x10000 : code}?`;
  }
  return escaped;
}

function halfPoints(points: number): number {
  return Math.round(points * 2);
}

/** Converts a gap given as a multiple of the body font size to twips (20 per point). */
function gapTwips(layout: TemplateLayout, multiple: number): number {
  return Math.round(layout.fontSize * 20 * multiple);
}

function renderPageSetup(layout: TemplateLayout): string {
  const page = orientedPageSizeMm(layout);
  const { top, right, bottom, left } = layout.margins;
  const size = `\\paperw${mmToTwips(page.width)}\\paperh${mmToTwips(page.height)}`;
  const margins = `\\margl${mmToTwips(left)}\\margr${mmToTwips(right)}\\margt${mmToTwips(top)}\\margb${mmToTwips(bottom)}`;
  const landscape = layout.orientation === 'landscape' ? '\\landscape' : '';
  const section = `\\sectd${layout.orientation === 'landscape' ? '\\lndscpsxn' : ''}\\headery${mmToTwips(top / 2)}\\footery${mmToTwips(bottom / 2)}`;
  return `${size}${margins}${landscape}\\widowctrl\n${section}`;
}

function renderHeaderFooter(kind: 'header' | 'footer', text: string | null, layout: TemplateLayout): string {
  if (!text) return '';
  return `{\\${kind}\\pard\\plain\\f0\\qc\\fs${halfPoints(layout.fontSize * MARGIN_TEXT_SCALE)} ${escapeRtf(text)}\\par}`;
}

function renderBlock(block: ContentBlock, properties: RenderProperty[], layout: TemplateLayout): string {
  const body = `\\pard\\plain\\f0\\sa${gapTwips(layout, PARAGRAPH_GAP)}\\fs${halfPoints(layout.fontSize)}`;
  switch (block.kind) {
    case 'heading': {
      const size = halfPoints(layout.fontSize * HEADING_SCALES[block.level]);
      return `\\pard\\plain\\f0\\keepn\\outlinelevel${block.level - 1}\\sb${gapTwips(layout, PARAGRAPH_GAP * 1.5)}\\sa${gapTwips(layout, PARAGRAPH_GAP)}\\fs${size}\\b ${escapeRtf(block.text)}\\b0\\par`;
    }
    case 'paragraph':
      return `${body} ${escapeRtf(block.text)}\\par`;
    case 'list':
      return block.items.map((item, index) => `${body}\\fi-360\\li720 ${block.ordered ? `${index + 1}.` : '\\u8226?'}\\tab ${escapeRtf(item)}\\par`).join('\n');
    case 'propertyTable':
      return renderPropertyTable(block.caption, properties, layout);
    default:
      return rejectUnknownBlock(block);
  }
}

function renderPropertyTable(caption: string | undefined, properties: RenderProperty[], layout: TemplateLayout): string {
  const fontSize = `\\fs${halfPoints(layout.fontSize)}`;
  const captionRtf = caption ? `\\pard\\plain\\f0\\keepn\\sa${gapTwips(layout, PARAGRAPH_GAP / 2)}${fontSize}\\b ${escapeRtf(caption)}\\b0\\par` : '';
  if (properties.length === 0) return captionRtf;

  const page = orientedPageSizeMm(layout);
  const textWidth = mmToTwips(page.width - layout.margins.left - layout.margins.right);
  const border = '\\brdrs\\brdrw10';
  const cellBorders = `\\clbrdrt${border}\\clbrdrl${border}\\clbrdrb${border}\\clbrdrr${border}`;
  const rowDefinition = `\\trowd\\trgaph108\\trleft0${cellBorders}\\cellx${Math.round(textWidth * NAME_COLUMN_SHARE)}${cellBorders}\\cellx${textWidth}`;
  const rows = properties.map(
    (p) => `${rowDefinition}\n\\pard\\plain\\intbl\\f0${fontSize}\\b ${escapeRtf(p.name)}\\b0\\cell ${escapeRtf(p.value)}\\cell\\row`,
  );
  return [captionRtf, ...rows, `\\pard\\plain\\f0\\sa${gapTwips(layout, PARAGRAPH_GAP)}${fontSize}\\par`].filter(Boolean).join('\n');
}
