import { XMLParser } from 'fast-xml-parser';
import JSZip from 'jszip';
import mammoth from 'mammoth';
import { renderDocument } from '../../src/rendering/render.service';
import { CONTRACT_PROPERTIES } from './contract.fixture';
import { CYRILLIC_PARAGRAPH, CZECH_PARAGRAPH, buildSampleInput, withBlocks } from './sample-input';

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' });

async function readZipText(file: Buffer, path: string): Promise<string> {
  const entry = (await JSZip.loadAsync(file)).file(path);
  if (!entry) throw new Error(`${path} is missing from the package`);
  return entry.async('string');
}

/** Returns every text of the package's header or footer parts, whose names docx numbers. */
async function readPartTexts(file: Buffer, prefix: 'header' | 'footer'): Promise<string> {
  const zip = await JSZip.loadAsync(file);
  const parts = zip.file(new RegExp(`^word/${prefix}\\d+\\.xml$`));
  const texts = await Promise.all(parts.map((part) => part.async('string')));
  return texts.join('\n');
}

describe('DOCX renderer', () => {
  let docx: Buffer;
  let text: string;

  beforeAll(async () => {
    docx = await renderDocument(buildSampleInput(), 'docx');
    text = (await mammoth.extractRawText({ buffer: docx })).value;
  });

  test('text contains title, paragraph and property', () => {
    expect(text).toContain('Service Agreement');
    expect(text).toContain('The Client engages the Provider to operate its document automation platform.');
    expect(text).toContain(CONTRACT_PROPERTIES[4].name);
    expect(text).toContain(CONTRACT_PROPERTIES[4].value);
    expect(text).toContain('ceases to carry on business');
  });

  test('keeps Cyrillic and Czech text', () => {
    expect(text).toContain(CYRILLIC_PARAGRAPH);
    expect(text).toContain(CZECH_PARAGRAPH);
  });

  test('headings and lists keep their roles', async () => {
    const html = (await mammoth.convertToHtml({ buffer: docx })).value;
    expect(html).toContain('<h1>1. Scope of services</h1>');
    expect(html).toContain('<h2>Translations</h2>');
    expect(html).toMatch(/<ol><li>Platform availability of at least 99.9 % per month<\/li>/);
    expect(html).toMatch(/<ul><li>Hosting and operation of the platform in two availability zones<\/li>/);
  });

  test('header and footer parts', async () => {
    expect(await readPartTexts(docx, 'header')).toContain('Northwind Consulting – Service Agreement');
    expect(await readPartTexts(docx, 'footer')).toContain('Confidential');
  });

  test('A4 portrait page and margins in twips', async () => {
    const section = xml.parse(await readZipText(docx, 'word/document.xml'))['w:document']['w:body']['w:sectPr'];
    expect(section['w:pgSz']).toEqual(expect.objectContaining({ 'w:w': '11906', 'w:h': '16838', 'w:orient': 'portrait' }));
    expect(section['w:pgMar']).toEqual(expect.objectContaining({ 'w:top': '1417', 'w:right': '1134', 'w:bottom': '1417', 'w:left': '1134' }));
  });

  test('landscape Legal with serif 12 pt', async () => {
    const input = withBlocks(buildSampleInput({ pageSize: 'LEGAL', orientation: 'landscape', fontFamily: 'serif', fontSize: 12 }), [
      { kind: 'paragraph', text: 'Legal landscape' },
    ]);
    const file = await renderDocument(input, 'docx');
    const section = xml.parse(await readZipText(file, 'word/document.xml'))['w:document']['w:body']['w:sectPr'];
    const styles = await readZipText(file, 'word/styles.xml');

    expect(section['w:pgSz']).toEqual(expect.objectContaining({ 'w:w': '20160', 'w:h': '12240', 'w:orient': 'landscape' }));
    expect(styles).toContain('w:ascii="Times New Roman"');
    expect(styles).toMatch(/<w:docDefaults>.*<w:sz w:val="24"\/>/s);
  });

  test('control characters removed', async () => {
    const input = withBlocks(buildSampleInput(), [{ kind: 'paragraph', text: 'Bell\u0007 and form feed\u000C gone' }]);
    const file = await renderDocument(input, 'docx');
    expect((await mammoth.extractRawText({ buffer: file })).value).toContain('Bell and form feed gone');
  });
});
