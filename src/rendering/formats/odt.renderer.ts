import JSZip from 'jszip';
import { escapeXml, rejectUnknownBlock } from '../content-text';
import type { ContentBlock, RenderInput, RenderProperty, TemplateLayout } from '../document-content';
import { POINTS_PER_MM, orientedPageSizeMm } from '../page-layout';
import { NAME_COLUMN_SHARE, PARAGRAPH_GAP } from '../typography';
import { ODF_NAMESPACES, odfText } from './odf-markup';
import { renderOdtStyles } from './odt-styles';

const ODT_MIME_TYPE = 'application/vnd.oasis.opendocument.text';

/**
 * Renders the document as an OpenDocument text package (ODF 1.3): `mimetype` stored first and
 * uncompressed as ODF requires, then the manifest, content.xml, styles.xml with the page
 * layout, header and footer, and meta.xml with the title.
 */
export async function renderOdt(input: RenderInput): Promise<Buffer> {
  const zip = new JSZip();
  zip.file('mimetype', ODT_MIME_TYPE, { compression: 'STORE' });
  zip.file('META-INF/manifest.xml', renderManifest());
  zip.file('content.xml', renderContent(input));
  zip.file('styles.xml', renderOdtStyles(input.template.layout));
  zip.file('meta.xml', renderMeta(input.document.content.title));
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 6 } });
}

function renderManifest(): string {
  const entry = (path: string, mediaType: string) => `  <manifest:file-entry manifest:full-path="${path}" manifest:media-type="${mediaType}"/>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">',
    `  <manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="${ODT_MIME_TYPE}"/>`,
    entry('content.xml', 'text/xml'),
    entry('styles.xml', 'text/xml'),
    entry('meta.xml', 'text/xml'),
    '</manifest:manifest>',
  ].join('\n');
}

function renderMeta(title: string): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<office:document-meta ${ODF_NAMESPACES} office:version="1.3">`,
    `<office:meta><dc:title>${escapeXml(title)}</dc:title><meta:generator>docpush</meta:generator></office:meta>`,
    '</office:document-meta>',
  ].join('\n');
}

function renderContent(input: RenderInput): string {
  const { layout } = input.template;
  const { title, blocks } = input.document.content;
  let tableCount = 0;
  const body = blocks.map((block) => renderBlock(block, input.record.properties, () => ++tableCount));
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<office:document-content ${ODF_NAMESPACES} office:version="1.3">`,
    `<office:automatic-styles>\n${renderTableStyles(layout)}\n</office:automatic-styles>`,
    '<office:body><office:text>',
    `<text:p text:style-name="Title">${odfText(title)}</text:p>`,
    ...body,
    '</office:text></office:body>',
    '</office:document-content>',
  ].join('\n');
}

function renderBlock(block: ContentBlock, properties: RenderProperty[], nextTableNumber: () => number): string {
  switch (block.kind) {
    case 'heading':
      return `<text:h text:style-name="Heading_20_${block.level}" text:outline-level="${block.level}">${odfText(block.text)}</text:h>`;
    case 'paragraph':
      return `<text:p text:style-name="Text_20_body">${odfText(block.text)}</text:p>`;
    case 'list': {
      const items = block.items.map((item) => `<text:list-item><text:p text:style-name="List_20_Paragraph">${odfText(item)}</text:p></text:list-item>`);
      return `<text:list text:style-name="${block.ordered ? 'Numbering_20_123' : 'List_20_1'}">${items.join('')}</text:list>`;
    }
    case 'propertyTable':
      return renderPropertyTable(block.caption, properties, nextTableNumber);
    default:
      return rejectUnknownBlock(block);
  }
}

function renderPropertyTable(caption: string | undefined, properties: RenderProperty[], nextTableNumber: () => number): string {
  const captionXml = caption ? `<text:p text:style-name="Table_20_Caption">${odfText(caption)}</text:p>` : '';
  if (properties.length === 0) return captionXml;

  const cell = (content: string) => `<table:table-cell table:style-name="PropertyTable.Cell" office:value-type="string">${content}</table:table-cell>`;
  const rows = properties.map(
    (p) =>
      `<table:table-row>${cell(`<text:p text:style-name="Table_20_Contents"><text:span text:style-name="PropertyName">${odfText(p.name)}</text:span></text:p>`)}` +
      `${cell(`<text:p text:style-name="Table_20_Contents">${odfText(p.value)}</text:p>`)}</table:table-row>`,
  );
  const columns = '<table:table-column table:style-name="PropertyTable.A"/><table:table-column table:style-name="PropertyTable.B"/>';
  const table = `<table:table table:name="Properties${nextTableNumber()}" table:style-name="PropertyTable">${columns}${rows.join('')}</table:table>`;
  return `${captionXml}${table}`;
}

function renderTableStyles(layout: TemplateLayout): string {
  const page = orientedPageSizeMm(layout);
  const textWidth = page.width - layout.margins.left - layout.margins.right;
  const nameWidth = textWidth * NAME_COLUMN_SHARE;
  const mm = (value: number) => `${value.toFixed(2)}mm`;
  const spaceAfter = mm((layout.fontSize * PARAGRAPH_GAP) / POINTS_PER_MM);
  return [
    `<style:style style:name="PropertyTable" style:family="table"><style:table-properties style:width="${mm(textWidth)}" table:align="left" fo:margin-bottom="${spaceAfter}"/></style:style>`,
    `<style:style style:name="PropertyTable.A" style:family="table-column"><style:table-column-properties style:column-width="${mm(nameWidth)}"/></style:style>`,
    `<style:style style:name="PropertyTable.B" style:family="table-column"><style:table-column-properties style:column-width="${mm(textWidth - nameWidth)}"/></style:style>`,
    '<style:style style:name="PropertyTable.Cell" style:family="table-cell"><style:table-cell-properties fo:padding="1mm" fo:border="0.5pt solid #999999"/></style:style>',
    '<style:style style:name="PropertyName" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>',
  ].join('\n');
}
