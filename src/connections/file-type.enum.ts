import { registerEnumType } from 'type-graphql';
import { FILE_TYPES } from '../rendering/document-content';

/** The GraphQL enum of Legito's generated file types, with Legito's lower-case names. */
export const FileTypeEnum = Object.fromEntries(FILE_TYPES.map((type) => [type, type])) as { [K in (typeof FILE_TYPES)[number]]: K };

registerEnumType(FileTypeEnum, {
  name: 'FileType',
  description: "A format that generated documents are rendered to, with the template's layout where the format has pages.",
  valuesConfig: {
    docx: { description: 'Office Open XML word-processing document (.docx), with page size, orientation, margins, font, header and footer.' },
    pdf: { description: 'PDF 1.7 with embedded subsets of the DejaVu fonts. DejaVu has no CJK glyphs, so Chinese, Japanese and Korean text shows as blank boxes.' },
    pdfa: {
      description:
        'PDF/A-2b (ISO 19005-2, level B) for archiving: as pdf, plus XMP identification metadata and an sRGB output intent. ' +
        'The file is not tagged, so it does not meet level A; its name ends in .pdf.',
    },
    html: { description: 'Standalone UTF-8 HTML5 page; when printed, @page rules set the page size and margins and show the header and footer.' },
    rtf: { description: 'Rich Text Format with page size, orientation, margins, header and footer; non-ASCII characters are \\uN? escapes.' },
    xml: { description: "UTF-8 XML with root element documentRecord: the record's data, its properties, the template and the document's blocks." },
    odt: { description: 'OpenDocument text (ODF 1.3, .odt) with the page layout, header and footer.' },
    txt: { description: 'UTF-8 plain text with underlined headings; it has no pages, so the header and footer text are left out.' },
  },
});
