import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { escapeRtf } from '../../src/rendering/formats/rtf.renderer';
import { renderDocument } from '../../src/rendering/render.service';
import { CONTRACT_PROPERTIES } from './contract.fixture';
import { CYRILLIC_PARAGRAPH, CZECH_PARAGRAPH, buildSampleInput, withBlocks } from './sample-input';

/**
 * Reads the text of an RTF file the simple way: \uN? escapes become UTF-16 code units (a
 * negative N is a code unit above 0x7FFF), and control words, groups' braces and escaped
 * symbols are dropped or unescaped.
 */
function readRtfText(rtf: string): string {
  return rtf
    .replace(/\\u(-?\d+)\?/g, (_match, value: string) => String.fromCharCode((Number(value) + 0x10000) % 0x10000))
    .replace(/\\([\\{}])/g, (_match, symbol: string) => `\u0000${symbol.charCodeAt(0)}\u0000`)
    .replace(/\\[a-z]+-?\d* ?/g, '')
    .replace(/[{}]/g, '')
    .replace(/\u0000(\d+)\u0000/g, (_match, code: string) => String.fromCharCode(Number(code)));
}

describe('RTF renderer', () => {
  let rtf: string;

  beforeAll(async () => {
    rtf = (await renderDocument(buildSampleInput(), 'rtf')).toString('latin1');
  });

  test('file is 7-bit ASCII', () => {
    expect(rtf).toMatch(/^\{\\rtf1\\ansi/);
    expect(rtf).toMatch(/^[\x00-\x7F]*$/);
  });

  test('text contains title, paragraph, property, Cyrillic and Czech', () => {
    const text = readRtfText(rtf);
    expect(text).toContain('Service Agreement');
    expect(text).toContain('The Client engages the Provider to operate its document automation platform.');
    expect(text).toContain(CONTRACT_PROPERTIES[0].value);
    expect(text).toContain(CYRILLIC_PARAGRAPH);
    expect(text).toContain(CZECH_PARAGRAPH);
    expect(text).toContain('Northwind Consulting – Service Agreement');
  });

  test('page size and margins in twips', () => {
    expect(rtf).toContain('\\paperw11906\\paperh16838\\margl1134\\margr1134\\margt1417\\margb1417');
    expect(rtf).toContain('{\\header');
    expect(rtf).toContain('{\\footer');
  });

  test('landscape Letter swaps width and height', async () => {
    const input = withBlocks(buildSampleInput({ pageSize: 'LETTER', orientation: 'landscape' }), []);
    const landscape = (await renderDocument(input, 'rtf')).toString('latin1');
    expect(landscape).toContain('\\paperw15840\\paperh12240');
    expect(landscape).toContain('\\landscape');
  });

  test('escapes code units as signed 16-bit', () => {
    expect(escapeRtf('Д')).toBe('\\u1044?');
    expect(escapeRtf('\uFFFD')).toBe('\\u-3?');
    expect(escapeRtf('한')).toBe('\\u-10916?');
    expect(escapeRtf('😀')).toBe('\\u-10179?\\u-8704?');
    expect(escapeRtf('a\\b{c}')).toBe('a\\\\b\\{c\\}');
    expect(readRtfText(escapeRtf('😀 한 \\ {x}'))).toBe('😀 한 \\ {x}');
  });
});

describe('HTML renderer', () => {
  test('standalone page with escaped text', async () => {
    const input = withBlocks(buildSampleInput(), [
      { kind: 'paragraph', text: CYRILLIC_PARAGRAPH },
      { kind: 'paragraph', text: '<script>alert("x")</script> & more' },
      { kind: 'propertyTable', caption: 'Details' },
    ]);
    const html = (await renderDocument(input, 'html')).toString('utf8');

    expect(html).toMatch(/^<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">/);
    expect(html).toContain('<h1 class="title">Service Agreement</h1>');
    expect(html).toContain(`<p>${CYRILLIC_PARAGRAPH}</p>`);
    expect(html).toContain('<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more</p>');
    expect(html).not.toContain('<script>');
    expect(html).toContain(`<tr><th scope="row">${CONTRACT_PROPERTIES[1].name}</th><td>${CONTRACT_PROPERTIES[1].value}</td></tr>`);
  });

  test('@page rule from the layout', async () => {
    const input = buildSampleInput({ pageSize: 'LETTER', orientation: 'landscape', margins: { top: 10, right: 12, bottom: 14, left: 16 }, headerText: 'Draft "v2" </style>' });
    const html = (await renderDocument(input, 'html')).toString('utf8');

    expect(html).toContain('size: letter landscape;');
    expect(html).toContain('margin: 10mm 12mm 14mm 16mm;');
    expect(html).toContain('@top-center { content: "Draft \\22 v2\\22  \\3C /style>"; }');
    expect(html.match(/<\/style>/g)).toHaveLength(1);
    expect(html).toContain('<header class="page-header">Draft &quot;v2&quot; &lt;/style&gt;</header>');
  });
});

describe('TXT renderer', () => {
  test('text contains every block', async () => {
    const txt = (await renderDocument(buildSampleInput(), 'txt')).toString('utf8');

    expect(txt).toMatch(/^Service Agreement\n=================\n/);
    expect(txt).toContain('1. Scope of services\n--------------------');
    expect(txt).toContain('The Client engages the Provider to operate its document automation platform.');
    expect(txt).toContain('1. Platform availability of at least 99.9 % per month\n2. Response to critical incidents within 1 hour');
    expect(txt).toContain('- Hosting and operation of the platform in two availability zones');
    expect(txt).toContain('Contract details\nProvider        Northwind Consulting s.r.o.');
    expect(txt).toContain(CYRILLIC_PARAGRAPH);
    expect(txt).toContain(CZECH_PARAGRAPH);
  });
});

describe('XML renderer', () => {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false, parseAttributeValue: false });

  test('well-formed with record data and content', async () => {
    const input = buildSampleInput();
    input.record.properties.push({ name: 'Note <&>', value: 'Quotes "and" \'apostrophes\' & <tags>' });
    const xmlText = (await renderDocument(input, 'xml')).toString('utf8');

    expect(XMLValidator.validate(xmlText)).toBe(true);
    const record = parser.parse(xmlText).documentRecord;
    expect(record.id).toBe('174081');
    expect(record.code).toBe(input.record.code);
    expect(record.name).toBe('Service Agreement');
    expect(record.created).toBe('2025-02-14T09:30:00.000Z');
    expect(record.lastModified).toBe('2025-02-20T16:05:42.000Z');
    expect(record.properties.property).toContainEqual({ name: 'Note <&>', '#text': 'Quotes "and" \'apostrophes\' & <tags>' });
    expect(record.template).toEqual({ id: '42', name: 'Service Agreement' });

    const document = record.document;
    expect(document).toEqual(expect.objectContaining({ id: '9001', version: '3', title: 'Service Agreement' }));
    expect(document.content.paragraph).toContain(CYRILLIC_PARAGRAPH);
    expect(document.content.paragraph).toContain(CZECH_PARAGRAPH);
    expect(document.content.heading).toContainEqual({ level: '1', '#text': '1. Scope of services' });
    expect(document.content.list[1]).toEqual({ ordered: 'true', item: ['Platform availability of at least 99.9 % per month', 'Response to critical incidents within 1 hour', 'Resolution or workaround of critical incidents within 8 hours'] });
    expect(document.content.propertyTable.caption).toBe('Contract details');
    expect(document.content.propertyTable.property[4]).toEqual({ name: CONTRACT_PROPERTIES[4].name, '#text': CONTRACT_PROPERTIES[4].value });
  });

  test('characters XML forbids are removed', async () => {
    const input = withBlocks(buildSampleInput(), [{ kind: 'paragraph', text: 'a\u0000b\u001Fc\uFFFEd\uD800e' }]);
    const xmlText = (await renderDocument(input, 'xml')).toString('utf8');

    expect(XMLValidator.validate(xmlText)).toBe(true);
    expect(parser.parse(xmlText).documentRecord.document.content.paragraph).toBe('abcde');
  });
});
