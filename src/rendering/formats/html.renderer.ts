import { escapeXml, rejectUnknownBlock } from '../content-text';
import type { ContentBlock, RenderInput, RenderProperty, TemplateLayout } from '../document-content';

/** CSS font stacks: DejaVu first, as in the PDF, then fonts that most systems have. */
const CSS_FONT_STACKS: Record<TemplateLayout['fontFamily'], string> = {
  sans: '"DejaVu Sans", Arial, Helvetica, sans-serif',
  serif: '"DejaVu Serif", "Times New Roman", Times, serif',
  mono: '"DejaVu Sans Mono", "Courier New", Courier, monospace',
};

/** CSS `@page` size keywords for the layout's page sizes. */
const CSS_PAGE_SIZES: Record<TemplateLayout['pageSize'], string> = { A4: 'A4', LETTER: 'letter', LEGAL: 'legal' };

/**
 * Renders the document as a standalone UTF-8 HTML5 page. When printed, `@page` rules set the
 * page size and margins, and the top-center and bottom-center margin boxes show the header and
 * footer. On screen, the header and footer show as plain blocks above and below the text.
 */
export async function renderHtml(input: RenderInput): Promise<Buffer> {
  const { title, blocks } = input.document.content;
  const { layout } = input.template;
  const body = blocks.map((block) => renderBlock(block, input.record.properties)).join('\n');
  const html = [
    '<!DOCTYPE html>',
    '<html>',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${escapeXml(title)}</title>`,
    `<style>\n${renderStyles(layout)}\n</style>`,
    '</head>',
    '<body>',
    layout.headerText ? `<header class="page-header">${escapeXml(layout.headerText)}</header>` : '',
    `<main>\n<h1 class="title">${escapeXml(title)}</h1>\n${body}\n</main>`,
    layout.footerText ? `<footer class="page-footer">${escapeXml(layout.footerText)}</footer>` : '',
    '</body>',
    '</html>',
  ];
  return Buffer.from(`${html.filter(Boolean).join('\n')}\n`, 'utf8');
}

function renderBlock(block: ContentBlock, properties: RenderProperty[]): string {
  switch (block.kind) {
    case 'heading':
      return `<h${block.level + 1}>${escapeXml(block.text)}</h${block.level + 1}>`;
    case 'paragraph':
      return `<p>${escapeXml(block.text)}</p>`;
    case 'list': {
      const tag = block.ordered ? 'ol' : 'ul';
      return `<${tag}>\n${block.items.map((item) => `<li>${escapeXml(item)}</li>`).join('\n')}\n</${tag}>`;
    }
    case 'propertyTable':
      return renderPropertyTable(block.caption, properties);
    default:
      return rejectUnknownBlock(block);
  }
}

function renderPropertyTable(caption: string | undefined, properties: RenderProperty[]): string {
  if (properties.length === 0) return caption ? `<p class="caption">${escapeXml(caption)}</p>` : '';
  const captionHtml = caption ? `<caption>${escapeXml(caption)}</caption>` : '';
  const rows = properties.map((p) => `<tr><th scope="row">${escapeXml(p.name)}</th><td>${escapeXml(p.value)}</td></tr>`);
  return `<table class="properties">${captionHtml}\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`;
}

function renderStyles(layout: TemplateLayout): string {
  const { top, right, bottom, left } = layout.margins;
  const marginBoxes = [
    layout.headerText ? `  @top-center { content: ${cssString(layout.headerText)}; }` : '',
    layout.footerText ? `  @bottom-center { content: ${cssString(layout.footerText)}; }` : '',
  ];
  return [
    `@page {\n  size: ${CSS_PAGE_SIZES[layout.pageSize]} ${layout.orientation};`,
    `  margin: ${top}mm ${right}mm ${bottom}mm ${left}mm;`,
    ...marginBoxes.filter(Boolean),
    '}',
    `body { font-family: ${CSS_FONT_STACKS[layout.fontFamily]}; font-size: ${layout.fontSize}pt; line-height: 1.4; }`,
    'p, li, td, th, header, footer { white-space: pre-line; }',
    'table.properties { border-collapse: collapse; }',
    'table.properties th, table.properties td { border: 1px solid #999; padding: 0.2em 0.5em; text-align: left; vertical-align: top; }',
    'table.properties caption, p.caption { font-weight: bold; text-align: left; }',
    '.page-header, .page-footer { color: #555; font-size: 0.9em; }',
    '@media print { .page-header, .page-footer { display: none; } }',
  ].join('\n');
}

/**
 * Quotes text as a CSS string. Backslash, quote and line breaks become CSS escapes, and `<`
 * becomes `\3C ` so the text cannot close the `<style>` element.
 */
function cssString(text: string): string {
  const escaped = text.replace(/[\\"<]/g, (char) => `\\${char.charCodeAt(0).toString(16).toUpperCase()} `).replace(/\n/g, '\\A ');
  return `"${escaped}"`;
}
