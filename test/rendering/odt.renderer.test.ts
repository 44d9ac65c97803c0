import { XMLParser, XMLValidator } from 'fast-xml-parser';
import JSZip from 'jszip';
import { renderDocument } from '../../src/rendering/render.service';
import { CONTRACT_PROPERTIES } from './contract.fixture';
import { CYRILLIC_PARAGRAPH, CZECH_PARAGRAPH, buildSampleInput, withBlocks } from './sample-input';

const ODT_MIME_TYPE = 'application/vnd.oasis.opendocument.text';
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' });

/** Reads the first local file header of a ZIP archive (APPNOTE.TXT section 4.3.7). */
function firstZipEntry(file: Buffer): { signature: number; method: number; name: string; extraLength: number; data: string } {
  const nameLength = file.readUInt16LE(26);
  const extraLength = file.readUInt16LE(28);
  const compressedSize = file.readUInt32LE(18);
  const dataStart = 30 + nameLength + extraLength;
  return {
    signature: file.readUInt32LE(0),
    method: file.readUInt16LE(8),
    name: file.toString('latin1', 30, 30 + nameLength),
    extraLength,
    data: file.toString('latin1', dataStart, dataStart + compressedSize),
  };
}

async function readEntry(zip: JSZip, path: string): Promise<string> {
  const entry = zip.file(path);
  if (!entry) throw new Error(`${path} is missing from the package`);
  return entry.async('string');
}

describe('ODT renderer', () => {
  let odt: Buffer;
  let zip: JSZip;
  let content: string;
  let styles: string;

  beforeAll(async () => {
    odt = await renderDocument(buildSampleInput(), 'odt');
    zip = await JSZip.loadAsync(odt);
    content = await readEntry(zip, 'content.xml');
    styles = await readEntry(zip, 'styles.xml');
  });

  test('mimetype is the first entry, stored', () => {
    const entry = firstZipEntry(odt);
    expect(entry.signature).toBe(0x04034b50);
    expect(entry.name).toBe('mimetype');
    expect(entry.method).toBe(0);
    expect(entry.extraLength).toBe(0);
    expect(entry.data).toBe(ODT_MIME_TYPE);
    expect(Object.keys(zip.files)[0]).toBe('mimetype');
  });

  test('manifest lists the package parts', async () => {
    const manifest = xml.parse(await readEntry(zip, 'META-INF/manifest.xml'))['manifest:manifest'];
    const entries = manifest['manifest:file-entry'] as Array<Record<string, string>>;
    expect(entries).toContainEqual(expect.objectContaining({ 'manifest:full-path': '/', 'manifest:media-type': ODT_MIME_TYPE }));
    for (const path of ['content.xml', 'styles.xml', 'meta.xml']) {
      expect(entries).toContainEqual(expect.objectContaining({ 'manifest:full-path': path }));
      expect(zip.file(path)).not.toBeNull();
    }
  });

  test('XML parts are well-formed', async () => {
    for (const path of ['content.xml', 'styles.xml', 'meta.xml', 'META-INF/manifest.xml']) {
      expect({ path, result: XMLValidator.validate(await readEntry(zip, path)) }).toEqual({ path, result: true });
    }
  });

  test('content contains title, paragraphs and property', () => {
    expect(content).toContain('<text:p text:style-name="Title">Service Agreement</text:p>');
    expect(content).toContain('The Client engages the Provider to operate its document automation platform.');
    expect(content).toContain(CONTRACT_PROPERTIES[4].value);
    expect(content).toContain(CYRILLIC_PARAGRAPH);
    expect(content).toContain(CZECH_PARAGRAPH);
    expect(content).toContain('<text:h text:style-name="Heading_20_1" text:outline-level="1">1. Scope of services</text:h>');
    expect(content).toContain('<text:list text:style-name="Numbering_20_123">');
  });

  test('page layout, header and footer in styles', () => {
    const parsed = xml.parse(styles)['office:document-styles'];
    const pageLayout = parsed['office:automatic-styles']['style:page-layout'];
    const master = parsed['office:master-styles']['style:master-page'];
    expect(pageLayout['style:page-layout-properties']).toEqual(
      expect.objectContaining({ 'fo:page-width': '210.00mm', 'fo:page-height': '297.00mm', 'style:print-orientation': 'portrait', 'fo:margin-left': '20.00mm' }),
    );
    expect(master['style:header']['text:p']['#text']).toBe('Northwind Consulting – Service Agreement');
    expect(master['style:footer']['text:p']['#text']).toBe('Confidential');
    expect(styles).toContain('style:font-name="Arial" fo:font-size="11pt"');
  });

  test('landscape Letter page size', async () => {
    const input = withBlocks(buildSampleInput({ pageSize: 'LETTER', orientation: 'landscape', headerText: null, footerText: null }), []);
    const file = await JSZip.loadAsync(await renderDocument(input, 'odt'));
    const parsed = xml.parse(await readEntry(file, 'styles.xml'))['office:document-styles'];
    const properties = parsed['office:automatic-styles']['style:page-layout']['style:page-layout-properties'];

    expect(properties).toEqual(expect.objectContaining({ 'fo:page-width': '279.40mm', 'fo:page-height': '215.90mm', 'style:print-orientation': 'landscape' }));
    expect(parsed['office:master-styles']['style:master-page']['style:header']).toBeUndefined();
  });

  test('spaces, tabs and line breaks', async () => {
    const input = withBlocks(buildSampleInput(), [{ kind: 'paragraph', text: '  two leading\tand  inner\nnext <line>' }]);
    const file = await JSZip.loadAsync(await renderDocument(input, 'odt'));
    const xmlText = await readEntry(file, 'content.xml');
    expect(xmlText).toContain('<text:s text:c="2"/>two leading<text:tab/>and <text:s text:c="1"/>inner<text:line-break/>next &lt;line&gt;');
  });
});
