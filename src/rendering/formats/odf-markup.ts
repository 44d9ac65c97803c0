import { escapeXml } from '../content-text';

/** Namespace declarations shared by the XML files of an OpenDocument package. */
export const ODF_NAMESPACES = [
  'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"',
  'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"',
  'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"',
  'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"',
  'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"',
  'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"',
  'xmlns:dc="http://purl.org/dc/elements/1.1/"',
  'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"',
].join(' ');

/**
 * Escapes text for an ODF paragraph, where XML whitespace collapses: line breaks become
 * <text:line-break/>, tabs <text:tab/>, and each space after the first of a run, or a leading
 * space, becomes <text:s/>.
 */
export function odfText(text: string): string {
  return escapeXml(text)
    .replace(/\n/g, '<text:line-break/>')
    .replace(/\t/g, '<text:tab/>')
    .replace(/(^| ) +/g, (run, before: string) => `${before}<text:s text:c="${run.length - before.length}"/>`);
}
