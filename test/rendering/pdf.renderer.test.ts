import { XMLParser, XMLValidator } from 'fast-xml-parser';
import pino from 'pino';
import { CONTENT_LIMITS } from '../../src/documents/document-content.check';
import { addLineBreakOpportunities } from '../../src/rendering/formats/pdf.renderer';
import { RenderPool } from '../../src/rendering/render-pool';
import { renderDocument } from '../../src/rendering/render.service';
import { CONTRACT_PROPERTIES } from './contract.fixture';
import { inspectPdfs, pdfText, type PdfInspection } from './pdf-inspect';
import { CYRILLIC_PARAGRAPH, CZECH_PARAGRAPH, buildSampleInput, withBlocks } from './sample-input';

/** The 14 standard PDF fonts, which readers supply themselves and PDF/A forbids unembedded. */
const STANDARD_14 = /\/BaseFont\s*\/(Times-|Helvetica|Courier|Symbol|ZapfDingbats)/;

describe('PDF renderer', () => {
  let pdf: Buffer;
  let pdfa: Buffer;
  let pdfInspection: PdfInspection;
  let pdfaInspection: PdfInspection;

  beforeAll(async () => {
    const input = buildSampleInput();
    [pdf, pdfa] = await Promise.all([renderDocument(input, 'pdf'), renderDocument(input, 'pdfa')]);
    [pdfInspection, pdfaInspection] = await inspectPdfs([pdf, pdfa]);
  });

  test.each(['pdf', 'pdfa'])('%s text contains title, paragraph and property', (format) => {
    const text = pdfText(format === 'pdf' ? pdfInspection : pdfaInspection);
    expect(text).toContain('Service Agreement');
    expect(text).toContain('The Client engages the Provider to operate its document automation platform.');
    expect(text).toContain(CONTRACT_PROPERTIES[4].value);
    expect(text).toContain('Hosting and operation of the platform in two availability zones');
  });

  test.each(['pdf', 'pdfa'])('%s keeps Cyrillic and Czech text', (format) => {
    const text = pdfText(format === 'pdf' ? pdfInspection : pdfaInspection);
    expect(text).toContain(CYRILLIC_PARAGRAPH);
    expect(text).toContain(CZECH_PARAGRAPH);
  });

  test('header and footer on every page', () => {
    expect(pdfInspection.numPages).toBeGreaterThan(1);
    for (const page of pdfInspection.pages) {
      expect(page).toContain('Northwind Consulting – Service Agreement');
      expect(page).toContain('Confidential');
    }
  });

  test('A4 portrait page size', () => {
    const [width, height] = pdfInspection.pageSizes[0];
    expect(width).toBeCloseTo(595.28, 1);
    expect(height).toBeCloseTo(841.89, 1);
  });

  test.each(['pdf', 'pdfa'])('%s embeds every font', (format) => {
    const inspection = format === 'pdf' ? pdfInspection : pdfaInspection;
    expect(inspection.fonts.length).toBeGreaterThan(0);
    for (const font of inspection.fonts) {
      expect(font).toEqual(expect.objectContaining({ embedded: true }));
      expect(font.name).toMatch(/DejaVuSans/);
    }
    const raw = (format === 'pdf' ? pdf : pdfa).toString('latin1');
    expect(raw).not.toMatch(STANDARD_14);
    expect(raw).toContain('/FontFile2');
  });

  test('PDF/A XMP declares part 2, conformance B', () => {
    expect(pdfaInspection.xmp).not.toBeNull();
    const xmp = pdfaInspection.xmp as string;
    expect(XMLValidator.validate(xmp)).toBe(true);
    expect(xmp).toMatch(/<pdfaid:part>2<\/pdfaid:part>/);
    expect(xmp).toMatch(/<pdfaid:conformance>B<\/pdfaid:conformance>/);
    expect(pdfaInspection.info.PDFFormatVersion).toBe('1.7');
    expect(pdfa.toString('latin1')).toContain('/OutputIntents');
  });

  test('plain PDF has no PDF/A claim', () => {
    expect(pdfInspection.xmp ?? '').not.toContain('pdfaid');
  });
});

describe('PDF renderer layout', () => {
  test('landscape Letter, serif font, no header', async () => {
    const input = withBlocks(buildSampleInput({ pageSize: 'LETTER', orientation: 'landscape', fontFamily: 'serif', headerText: null }), [
      { kind: 'paragraph', text: 'Landscape body text' },
    ]);
    const [inspection] = await inspectPdfs([await renderDocument(input, 'pdf')]);

    expect(inspection.pageSizes[0][0]).toBeCloseTo(792, 1);
    expect(inspection.pageSizes[0][1]).toBeCloseTo(612, 1);
    expect(inspection.fonts.map((font) => font.name).join(' ')).toMatch(/DejaVuSerif/);
    expect(pdfText(inspection)).toContain('Landscape body text');
    expect(pdfText(inspection)).not.toContain('Northwind Consulting – Service Agreement');
  });

  test('XML special characters in PDF/A title', async () => {
    const input = buildSampleInput();
    input.document.content.title = 'Terms & <Conditions>';
    const [inspection] = await inspectPdfs([await renderDocument(input, 'pdfa')]);
    const xmp = inspection.xmp as string;

    expect(XMLValidator.validate(xmp)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: true }).parse(xmp) as Record<string, unknown>;
    expect(JSON.stringify(parsed)).toContain('Terms & <Conditions>');
    expect(inspection.info.Title).toBe('Terms & <Conditions>');
  });
});

describe('PDF renderer long header and footer', () => {
  // About 380 characters each, which take 5 lines at 9.35 pt across A4's text width, while a
  // 10 mm margin has room for 2 of them.
  const headerWords = Array.from({ length: 60 }, (_, index) => `head${index}`);
  const footerWords = Array.from({ length: 60 }, (_, index) => `foot${index}`);
  const marginMm = 10;
  let inspection: PdfInspection;

  beforeAll(async () => {
    const layout = {
      headerText: headerWords.join(' '),
      footerText: footerWords.join(' '),
      margins: { top: marginMm, right: 20, bottom: marginMm, left: 20 },
    };
    const input = withBlocks(buildSampleInput(layout), [{ kind: 'paragraph', text: 'The only paragraph.' }]);
    input.document.content.title = 'Short';
    [inspection] = await inspectPdfs([await renderDocument(input, 'pdf')]);
  });

  test('adds no page', () => {
    expect(inspection.numPages).toBe(1);
  });

  test('stay in their margins', () => {
    const [, pageHeight] = inspection.pageSizes[0];
    const margin = (marginMm * 72) / 25.4;
    const items = inspection.items[0];
    const header = items.filter((item) => item.text.includes('head'));
    const footer = items.filter((item) => item.text.includes('foot'));
    const body = items.filter((item) => !header.includes(item) && !footer.includes(item));

    expect(header.length).toBeGreaterThan(1);
    expect(footer.length).toBeGreaterThan(1);
    expect(body.map((item) => item.text).join(' ')).toBe('Short The only paragraph.');
    // Each line's baseline lies in its margin band, whose full height the cut-off text fills.
    for (const item of header) {
      expect(item.y).toBeGreaterThanOrEqual(pageHeight - margin);
      expect(item.y).toBeLessThanOrEqual(pageHeight);
    }
    for (const item of footer) {
      expect(item.y).toBeGreaterThanOrEqual(0);
      expect(item.y).toBeLessThanOrEqual(margin);
    }
  });

  test('end with an ellipsis where cut off', () => {
    const items = inspection.items[0];
    const header = items.filter((item) => item.text.includes('head')).map((item) => item.text.trim());
    const footer = items.filter((item) => item.text.includes('foot')).map((item) => item.text.trim());

    expect(header[0]).toMatch(/^head0 head1 /);
    expect(header.at(-1)).toMatch(/…$/);
    expect(footer[0]).toMatch(/^foot0 foot1 /);
    expect(footer.at(-1)).toMatch(/…$/);
  });
});

describe('PDF renderer footer in a thin margin', () => {
  // A bottom margin of 0 or 1 mm is lower than one line of the footer's font.
  test.each([0, 1])('keeps a footer on the page at %d mm', async (bottom) => {
    const layout = { headerText: 'Top line', footerText: 'Bottom line', margins: { top: bottom, right: 20, bottom, left: 20 } };
    const input = withBlocks(buildSampleInput(layout), [{ kind: 'paragraph', text: 'The only paragraph.' }]);
    input.document.content.title = 'Short';

    const [inspection] = await inspectPdfs([await renderDocument(input, 'pdf')]);

    const [, pageHeight] = inspection.pageSizes[0];
    const footer = inspection.items[0].filter((item) => item.text.includes('Bottom line'));
    const header = inspection.items[0].filter((item) => item.text.includes('Top line'));
    expect(inspection.numPages).toBe(1);
    expect(footer).toHaveLength(1);
    expect(footer[0].y).toBeGreaterThanOrEqual(0);
    expect(header).toHaveLength(1);
    expect(header[0].y).toBeLessThanOrEqual(pageHeight);
  });
});

describe('PDF renderer list on a narrow page', () => {
  let pool: RenderPool;

  // Without room for the item text, pdfkit wrapped without end until its heap ran out, so a
  // thread with a small heap bounds the render.
  beforeEach(() => {
    pool = new RenderPool({ size: 1, timeoutMs: 15_000, maxHeapMb: 256, logger: pino({ level: 'silent' }) });
  });

  afterEach(async () => {
    await pool.close();
  });

  test('writes every item at 72 pt', async () => {
    // The widest margins that a layout accepts leave 42 mm (119 pt) of A4's width for text.
    const layout = { fontSize: 72, margins: { top: 10, right: 84, bottom: 10, left: 84 }, headerText: null, footerText: null };
    const input = withBlocks(buildSampleInput(layout), [
      { kind: 'list', ordered: true, items: ['Alpha', 'Beta'] },
      { kind: 'list', ordered: false, items: ['Gamma'] },
    ]);
    input.document.content.title = 'T';

    const { bytes } = await pool.render(input, 'pdf');
    const text = pdfText((await inspectPdfs([bytes]))[0]).replace(/\s/g, '');

    expect(text).toContain('Alpha');
    expect(text).toContain('Beta');
    expect(text).toContain('Gamma');
  });
});

describe('PDF renderer long words', () => {
  const LONG_WORD = 'Ж'.repeat(CONTENT_LIMITS.paragraphLength);
  let pool: RenderPool;

  // A thread bounds the render's time, because without break opportunities this render ran for
  // minutes and grew its heap past 3 GB.
  beforeEach(() => {
    pool = new RenderPool({ size: 1, timeoutMs: 15_000, logger: pino({ level: 'silent' }) });
  });

  afterEach(async () => {
    await pool.close();
  });

  test('paragraph of one 100,000-character word', async () => {
    const input = withBlocks(buildSampleInput(), [{ kind: 'paragraph', text: LONG_WORD }]);
    const { bytes } = await pool.render(input, 'pdf');
    const [inspection] = await inspectPdfs([bytes]);

    expect(countOf('Ж', pdfText(inspection))).toBe(LONG_WORD.length);
  });

  test('property value and list item of one long word', async () => {
    const input = withBlocks(buildSampleInput(), [
      { kind: 'propertyTable' },
      { kind: 'list', ordered: false, items: ['Щ'.repeat(CONTENT_LIMITS.listItemLength)] },
    ]);
    input.record.properties = [{ name: 'Token', value: LONG_WORD }];
    const { bytes } = await pool.render(input, 'pdf');
    const [inspection] = await inspectPdfs([bytes]);

    expect(countOf('Ж', pdfText(inspection))).toBe(LONG_WORD.length);
    expect(countOf('Щ', pdfText(inspection))).toBe(CONTENT_LIMITS.listItemLength);
  });
});

describe('PDF renderer property taller than a page', () => {
  test('writes the whole value and the rows around it', async () => {
    const input = withBlocks(buildSampleInput(), [{ kind: 'propertyTable' }, { kind: 'paragraph', text: 'After the table.' }]);
    input.record.properties = [
      { name: 'Before', value: 'first row' },
      { name: 'Terms', value: 'ЖЖЖЖЖЖЖЖЖ '.repeat(1000) },
      { name: 'After', value: 'last row' },
    ];

    const text = pdfText((await inspectPdfs([await renderDocument(input, 'pdf')]))[0]);

    expect(countOf('Ж', text)).toBe(9000);
    expect(text).toContain('first row');
    expect(text).toContain('Terms');
    expect(text).toContain('last row');
    expect(text).toContain('After the table.');
  });

  test('writes a tall property name whole', async () => {
    // At 72 pt the name's 50 words take more lines of the narrow name column than fit on one page.
    const input = withBlocks(buildSampleInput({ fontSize: 72 }), [{ kind: 'propertyTable' }]);
    input.record.properties = [
      { name: 'Before', value: 'first row' },
      { name: 'ЖЖЖ '.repeat(50).trim(), value: 'long name' },
      { name: 'After', value: 'last row' },
    ];

    const text = pdfText((await inspectPdfs([await renderDocument(input, 'pdf')]))[0]);

    expect(countOf('Ж', text)).toBe(150);
    expect(text).toContain('long name');
    expect(text).toContain('first row');
    expect(text).toContain('last row');
  });
});

describe('addLineBreakOpportunities', () => {
  test('leaves short words and spaces alone', () => {
    const text = `${'a'.repeat(64)} ${'b'.repeat(64)}`;

    expect(addLineBreakOpportunities(text)).toBe(text);
  });

  test('breaks a long word every 64 code units', () => {
    const broken = addLineBreakOpportunities('a'.repeat(130));

    expect(broken.split('\u200B').map((part) => part.length)).toEqual([64, 64, 2]);
  });

  test('keeps combining marks and joined emoji whole', () => {
    const family = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}';
    const accented = 'e\u0301';
    const broken = addLineBreakOpportunities(`${'a'.repeat(63)}${accented}${'a'.repeat(62)}${family}x`);

    expect(broken.split('\u200B')).toEqual([`${'a'.repeat(63)}${accented}`, `${'a'.repeat(62)}${family}`, 'x']);
  });
});

function countOf(character: string, text: string): number {
  return [...text].filter((each) => each === character).length;
}
