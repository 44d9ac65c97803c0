import { FILE_TYPES } from '../../src/rendering/document-content';
import { generatedFileName, renderDocument } from '../../src/rendering/render.service';
import { buildServiceAgreementInput, serviceAgreementBlocks } from './contract.fixture';
import { inspectPdfs, pdfText } from './pdf-inspect';

describe('service agreement fixture', () => {
  test('fixture has 25 paragraphs, lists and a property table', () => {
    const blocks = serviceAgreementBlocks();
    expect(blocks.filter((block) => block.kind === 'paragraph')).toHaveLength(25);
    expect(blocks.filter((block) => block.kind === 'list').length).toBeGreaterThanOrEqual(3);
    expect(blocks.filter((block) => block.kind === 'propertyTable')).toHaveLength(1);
  });

  test('renders in every format with unique names', async () => {
    const input = buildServiceAgreementInput();
    const taken = new Set<string>();
    const files = await Promise.all(FILE_TYPES.map(async (fileType) => ({ fileType, data: await renderDocument(input, fileType) })));
    const names = files.map((file) => generatedFileName(input.record.name, input.template.name, file.fileType, taken));

    expect(new Set(names).size).toBe(FILE_TYPES.length);
    for (const file of files) {
      expect({ fileType: file.fileType, size: file.data.length > 1000 }).toEqual({ fileType: file.fileType, size: true });
    }
    const text = files.find((file) => file.fileType === 'txt')?.data.toString('utf8');
    expect(text).toContain('For the Client: ______________________');
  });

  test('PDF and PDF/A have two pages', async () => {
    const input = buildServiceAgreementInput();
    const inspections = await inspectPdfs([await renderDocument(input, 'pdf'), await renderDocument(input, 'pdfa')]);
    for (const inspection of inspections) {
      expect(inspection.numPages).toBe(2);
      expect(pdfText(inspection)).toContain('For the Client: ______________________');
    }
  });
});
