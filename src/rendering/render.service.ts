import { cleanRenderInput, findContentProblem } from './content-text';
import type { FileType, RenderInput } from './document-content';
import { baseFileName, uniqueFileName } from './file-name';
import { renderDocx } from './formats/docx.renderer';
import { renderHtml } from './formats/html.renderer';
import { renderOdt } from './formats/odt.renderer';
import { renderPdf, renderPdfA } from './formats/pdf.renderer';
import { renderRtf } from './formats/rtf.renderer';
import { renderTxt } from './formats/txt.renderer';
import { renderXml } from './formats/xml.renderer';
import { findLayoutProblem } from './page-layout';
import { RenderError } from './render.error';

export { RenderError } from './render.error';

type Renderer = (input: RenderInput) => Promise<Buffer>;

const RENDERERS: Record<FileType, Renderer> = {
  docx: renderDocx,
  pdf: renderPdf,
  pdfa: renderPdfA,
  html: renderHtml,
  rtf: renderRtf,
  xml: renderXml,
  odt: renderOdt,
  txt: renderTxt,
};

const EXTENSIONS: Record<FileType, string> = {
  docx: 'docx',
  pdf: 'pdf',
  pdfa: 'pdf',
  html: 'html',
  rtf: 'rtf',
  xml: 'xml',
  odt: 'odt',
  txt: 'txt',
};

const MIME_TYPES: Record<FileType, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
  pdfa: 'application/pdf',
  html: 'text/html',
  rtf: 'application/rtf',
  xml: 'application/xml',
  odt: 'application/vnd.oasis.opendocument.text',
  txt: 'text/plain',
};

/** Returns the file name extension without the dot; PDF/A files end in `pdf`. */
export function fileExtension(fileType: FileType): string {
  return EXTENSIONS[fileType];
}

/** Returns the media type of a rendered file; HTML, TXT and XML files are UTF-8. */
export function mimeTypeOf(fileType: FileType): string {
  return MIME_TYPES[fileType];
}

/**
 * Returns a file name for one generated file of a message, such as `service-agreement.pdf`,
 * built from the ASCII-folded record and template names. A name already in `taken` gets
 * -2, -3 … appended, and the returned name is added to `taken`, so pass one set per message.
 */
export function generatedFileName(recordName: string, templateName: string, fileType: FileType, taken: Set<string>): string {
  return uniqueFileName(baseFileName(recordName, templateName), fileExtension(fileType), taken);
}

/**
 * Renders a generated document to one file type. Throws RenderError, naming the format and
 * the reason, for an unknown file type, an invalid layout or content, or a renderer failure.
 */
export async function renderDocument(input: RenderInput, fileType: FileType): Promise<Buffer> {
  const documentId = input.document.id;
  const renderer = Object.hasOwn(RENDERERS, fileType) ? RENDERERS[fileType] : undefined;
  if (!renderer) throw new RenderError(fileType, `file type ${JSON.stringify(fileType)} is unknown`, documentId);

  const problem = findLayoutProblem(input.template.layout) ?? findContentProblem(input);
  if (problem) throw new RenderError(fileType, problem, documentId);

  try {
    return await renderer(cleanRenderInput(input));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new RenderError(fileType, reason, documentId, { cause: error });
  }
}
