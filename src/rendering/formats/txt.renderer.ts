import { rejectUnknownBlock } from '../content-text';
import type { ContentBlock, RenderInput, RenderProperty } from '../document-content';

/** Setext-style underline characters for the title and level 1 headings; levels 2 and 3 have none. */
const UNDERLINES = { title: '=', 1: '-', 2: null, 3: null } as const;

/**
 * Renders the document as UTF-8 plain text: underlined title and headings, numbered or
 * dashed list items, and the property table as aligned "name  value" lines. Plain text has no
 * pages, so the layout's header and footer text are left out.
 */
export async function renderTxt(input: RenderInput): Promise<Buffer> {
  const { title, blocks } = input.document.content;
  const sections = [underline(title, UNDERLINES.title), ...blocks.map((block) => renderBlock(block, input.record.properties))];
  const text = sections.filter((section) => section !== '').join('\n\n');
  return Buffer.from(`${text}\n`, 'utf8');
}

function renderBlock(block: ContentBlock, properties: RenderProperty[]): string {
  switch (block.kind) {
    case 'heading':
      return underline(block.text, UNDERLINES[block.level]);
    case 'paragraph':
      return block.text;
    case 'list':
      return block.items.map((item, index) => renderListItem(item, block.ordered ? `${index + 1}.` : '-')).join('\n');
    case 'propertyTable':
      return renderPropertyTable(block.caption, properties);
    default:
      return rejectUnknownBlock(block);
  }
}

function renderListItem(item: string, marker: string): string {
  return `${marker} ${indentContinuation(item, marker.length + 1)}`;
}

function underline(text: string, character: string | null): string {
  if (!character) return text;
  const width = Math.max(...text.split('\n').map((line) => [...line].length));
  return `${text}\n${character.repeat(width)}`;
}

/** Indents the lines after the first so a multi-line item or value stays in its column. */
function indentContinuation(text: string, width: number): string {
  return text.replace(/\n/g, `\n${' '.repeat(width)}`);
}

function renderPropertyTable(caption: string | undefined, properties: RenderProperty[]): string {
  const nameWidth = Math.max(0, ...properties.map((property) => [...property.name].length));
  const rows = properties.map((property) => {
    const padding = ' '.repeat(nameWidth - [...property.name].length);
    return `${property.name}${padding}  ${indentContinuation(property.value, nameWidth + 2)}`;
  });
  return caption ? [caption, ...rows].join('\n') : rows.join('\n');
}
