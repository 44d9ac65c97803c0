import { FILE_TYPES, type FileType } from '../../src/rendering/document-content';
import { renderDocx } from '../../src/rendering/formats/docx.renderer';
import { renderHtml } from '../../src/rendering/formats/html.renderer';
import { renderOdt } from '../../src/rendering/formats/odt.renderer';
import { renderPdf, renderPdfA } from '../../src/rendering/formats/pdf.renderer';
import { renderRtf } from '../../src/rendering/formats/rtf.renderer';
import { renderTxt } from '../../src/rendering/formats/txt.renderer';
import { renderXml } from '../../src/rendering/formats/xml.renderer';
import { RenderError, fileExtension, generatedFileName, mimeTypeOf, renderDocument } from '../../src/rendering/render.service';
import { buildSampleInput, withBlocks } from './sample-input';

const UNKNOWN_BLOCK = { kind: 'table', rows: [] } as never;

async function renderError(promise: Promise<unknown>): Promise<RenderError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RenderError);
  return error as RenderError;
}

describe('generatedFileName', () => {
  test('slug from record and template names', () => {
    expect(generatedFileName('Service Agreement', 'Service Agreement', 'pdf', new Set())).toBe('service-agreement.pdf');
    expect(generatedFileName('ACME Corp', 'Service Agreement', 'docx', new Set())).toBe('acme-corp-service-agreement.docx');
    expect(generatedFileName('Service Agreement 2025', 'Service Agreement', 'odt', new Set())).toBe('service-agreement-2025.odt');
    expect(generatedFileName('', 'NDA', 'txt', new Set())).toBe('nda.txt');
  });

  test('ASCII folding of Latin and Cyrillic', () => {
    expect(generatedFileName('Smlouva o dílo – Žluťoučký kůň', '', 'pdf', new Set())).toBe('smlouva-o-dilo-zlutoucky-kun.pdf');
    expect(generatedFileName('Договор о предоставлении услуг', '', 'pdf', new Set())).toBe('dogovor-o-predostavlenii-uslug.pdf');
    expect(generatedFileName('Йошкар-Ола, Їжак', '', 'pdf', new Set())).toBe('yoshkar-ola-yizhak.pdf');
    expect(generatedFileName('Straße & Œuvre', '', 'rtf', new Set())).toBe('strasse-oeuvre.rtf');
    expect(generatedFileName('合同', '契約', 'html', new Set())).toBe('document.html');
  });

  test('unique within one message', () => {
    const taken = new Set<string>(['Service-Agreement.PDF']);
    const names = ['pdf', 'pdfa', 'pdf', 'docx', 'docx'].map((type) => generatedFileName('Service Agreement', 'Service Agreement', type as FileType, taken));
    expect(names).toEqual(['service-agreement-2.pdf', 'service-agreement-3.pdf', 'service-agreement-4.pdf', 'service-agreement.docx', 'service-agreement-2.docx']);
    expect(new Set(names).size).toBe(names.length);
    expect(taken.size).toBe(6);
  });

  test('long names are shortened at a hyphen', () => {
    const name = generatedFileName('word '.repeat(40), '', 'pdf', new Set());
    expect(name).toMatch(/^(word-)+word\.pdf$/);
    expect(name.length).toBeLessThanOrEqual(84);
  });
});

describe('fileExtension and mimeTypeOf', () => {
  test.each([
    ['docx', 'docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ['pdf', 'pdf', 'application/pdf'],
    ['pdfa', 'pdf', 'application/pdf'],
    ['html', 'html', 'text/html'],
    ['rtf', 'rtf', 'application/rtf'],
    ['xml', 'xml', 'application/xml'],
    ['odt', 'odt', 'application/vnd.oasis.opendocument.text'],
    ['txt', 'txt', 'text/plain'],
  ] as const)('%s', (fileType, extension, mimeType) => {
    expect(fileExtension(fileType)).toBe(extension);
    expect(mimeTypeOf(fileType)).toBe(mimeType);
  });
});

describe('renderDocument errors', () => {
  test.each(FILE_TYPES)('unknown block kind in %s', async (fileType) => {
    const input = withBlocks(buildSampleInput(), [{ kind: 'paragraph', text: 'before' }, UNKNOWN_BLOCK]);
    const error = await renderError(renderDocument(input, fileType));

    expect(error.format).toBe(fileType);
    expect(error.documentId).toBe(9001);
    expect(error.reason).toContain('block 1 has kind "table"');
    expect(error.message).toBe(`Rendering document 9001 as ${fileType} failed: ${error.reason}`);
  });

  test('unknown file type', async () => {
    const error = await renderError(renderDocument(buildSampleInput(), 'doc' as FileType));
    expect(error.format).toBe('doc');
    expect(error.reason).toBe('file type "doc" is unknown');
  });

  test('heading level 4', async () => {
    const input = withBlocks(buildSampleInput(), [{ kind: 'heading', level: 4, text: 'Too deep' } as never]);
    const error = await renderError(renderDocument(input, 'docx'));
    expect(error.reason).toBe('block 0 has heading level 4; expected 1, 2 or 3');
  });

  test('margins wider than the page', async () => {
    const input = buildSampleInput({ margins: { top: 20, right: 100, bottom: 20, left: 100 } });
    const error = await renderError(renderDocument(input, 'pdf'));
    expect(error.format).toBe('pdf');
    expect(error.reason).toContain('left and right margins (100 + 100 mm)');
  });

  test('font size out of range', async () => {
    const error = await renderError(renderDocument(buildSampleInput({ fontSize: 0 }), 'rtf'));
    expect(error.reason).toBe('font size 0 pt is outside 4–72 pt');
  });

  test.each([
    ['docx', renderDocx],
    ['pdf', renderPdf],
    ['pdfa', renderPdfA],
    ['html', renderHtml],
    ['rtf', renderRtf],
    ['xml', renderXml],
    ['odt', renderOdt],
    ['txt', renderTxt],
  ] as const)('%s renderer rejects an unknown block itself', async (_fileType, render) => {
    const input = withBlocks(buildSampleInput(), [UNKNOWN_BLOCK]);
    await expect(render(input)).rejects.toThrow('content block kind "table" is unknown');
  });
});
