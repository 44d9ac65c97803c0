import type { ContentBlock, RenderInput, RenderProperty } from './document-content';

/**
 * Characters that XML 1.0 forbids: C0 controls other than tab, LF and CR, lone surrogates,
 * U+FFFE and U+FFFF. DOCX, ODT, XML and PDF metadata would be malformed with them.
 */
const XML_FORBIDDEN_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Removes the characters XML 1.0 forbids and turns CRLF and CR into LF. */
export function cleanText(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(XML_FORBIDDEN_CHARACTERS, '');
}

/** Escapes text for XML and HTML element content and attribute values in double or single quotes. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Escapes text for an XML attribute value, keeping tabs and line breaks that parsers would turn into spaces. */
export function escapeXmlAttribute(text: string): string {
  return escapeXml(text).replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

/** Throws for a block whose kind the renderer does not know; the switch's default case calls it. */
export function rejectUnknownBlock(block: never): never {
  const kind = (block as { kind?: unknown } | null)?.kind;
  throw new Error(`content block kind ${JSON.stringify(kind)} is unknown; expected heading, paragraph, list or propertyTable`);
}

/**
 * Returns why the content cannot be rendered, or null when it can: a block of unknown kind,
 * a heading level other than 1–3, or text that is not a string.
 */
export function findContentProblem(input: RenderInput): string | null {
  const { title, blocks } = input.document.content;
  if (typeof title !== 'string') return 'the document title is not a string';
  if (!Array.isArray(blocks)) return 'the document content has no block list';
  for (const [index, block] of blocks.entries()) {
    const problem = findBlockProblem(block);
    if (problem) return `block ${index} ${problem}`;
  }
  const badProperty = input.record.properties.findIndex((p) => typeof p.name !== 'string' || typeof p.value !== 'string');
  return badProperty >= 0 ? `record property ${badProperty} has a name or value that is not a string` : null;
}

function findBlockProblem(block: ContentBlock): string | null {
  switch (block?.kind) {
    case 'heading':
      if (![1, 2, 3].includes(block.level)) return `has heading level ${JSON.stringify(block.level)}; expected 1, 2 or 3`;
      return typeof block.text === 'string' ? null : 'is a heading whose text is not a string';
    case 'paragraph':
      return typeof block.text === 'string' ? null : 'is a paragraph whose text is not a string';
    case 'list':
      return Array.isArray(block.items) && block.items.every((item) => typeof item === 'string') ? null : 'is a list whose items are not all strings';
    case 'propertyTable':
      return block.caption === undefined || typeof block.caption === 'string' ? null : 'is a property table whose caption is not a string';
    default:
      return `has kind ${JSON.stringify((block as { kind?: unknown } | null)?.kind)}; expected heading, paragraph, list or propertyTable`;
  }
}

/** Returns a copy of the input with cleanText applied to every text a renderer writes. */
export function cleanRenderInput(input: RenderInput): RenderInput {
  const { record, template, document } = input;
  const layout = template.layout;
  return {
    record: { ...record, code: cleanText(record.code), name: cleanText(record.name), properties: record.properties.map(cleanProperty) },
    template: {
      ...template,
      name: cleanText(template.name),
      layout: { ...layout, headerText: cleanOptional(layout.headerText), footerText: cleanOptional(layout.footerText) },
    },
    document: { ...document, content: { title: cleanText(document.content.title), blocks: document.content.blocks.map(cleanBlock) } },
  };
}

function cleanProperty(property: RenderProperty): RenderProperty {
  return { name: cleanText(property.name), value: cleanText(property.value) };
}

function cleanOptional(text: string | null): string | null {
  return text === null ? null : cleanText(text);
}

function cleanBlock(block: ContentBlock): ContentBlock {
  switch (block.kind) {
    case 'heading':
    case 'paragraph':
      return { ...block, text: cleanText(block.text) };
    case 'list':
      return { ...block, items: block.items.map(cleanText) };
    case 'propertyTable':
      return block.caption === undefined ? block : { ...block, caption: cleanText(block.caption) };
    default:
      return rejectUnknownBlock(block);
  }
}
