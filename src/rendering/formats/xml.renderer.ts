import { escapeXml, escapeXmlAttribute, rejectUnknownBlock } from '../content-text';
import type { ContentBlock, RenderInput, RenderProperty } from '../document-content';

/**
 * Renders the record's data and the document's content as UTF-8 XML with root element
 * `documentRecord`: id and code attributes, name, ISO 8601 dates, properties, the template
 * and the document with its blocks. Property tables repeat the record's properties as rows.
 */
export async function renderXml(input: RenderInput): Promise<Buffer> {
  const { record, template, document } = input;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<documentRecord id="${record.id}" code="${escapeXmlAttribute(record.code)}">`,
    element('  ', 'name', record.name),
    element('  ', 'created', record.created.toISOString()),
    element('  ', 'lastModified', record.lastModified.toISOString()),
    renderProperties('  ', 'properties', record.properties),
    `  <template id="${template.id}">`,
    element('    ', 'name', template.name),
    '  </template>',
    `  <document id="${document.id}" version="${document.version}">`,
    element('    ', 'title', document.content.title),
    '    <content>',
    ...document.content.blocks.map((block) => renderBlock(block, record.properties)),
    '    </content>',
    '  </document>',
    '</documentRecord>',
  ];
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

function element(indent: string, name: string, text: string, attributes = ''): string {
  return `${indent}<${name}${attributes}>${escapeXml(text)}</${name}>`;
}

const BLOCK_INDENT = '      ';

function renderBlock(block: ContentBlock, properties: RenderProperty[]): string {
  switch (block.kind) {
    case 'heading':
      return element(BLOCK_INDENT, 'heading', block.text, ` level="${block.level}"`);
    case 'paragraph':
      return element(BLOCK_INDENT, 'paragraph', block.text);
    case 'list': {
      const items = block.items.map((item) => element(`${BLOCK_INDENT}  `, 'item', item));
      return [`${BLOCK_INDENT}<list ordered="${block.ordered}">`, ...items, `${BLOCK_INDENT}</list>`].join('\n');
    }
    case 'propertyTable': {
      const caption = block.caption === undefined ? '' : ` caption="${escapeXmlAttribute(block.caption)}"`;
      return renderProperties(BLOCK_INDENT, 'propertyTable', properties, caption);
    }
    default:
      return rejectUnknownBlock(block);
  }
}

function renderProperties(indent: string, name: string, properties: RenderProperty[], attributes = ''): string {
  if (properties.length === 0) return `${indent}<${name}${attributes}/>`;
  const rows = properties.map((p) => element(`${indent}  `, 'property', p.value, ` name="${escapeXmlAttribute(p.name)}"`));
  return [`${indent}<${name}${attributes}>`, ...rows, `${indent}</${name}>`].join('\n');
}
