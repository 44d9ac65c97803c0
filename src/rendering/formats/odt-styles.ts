import { escapeXml } from '../content-text';
import type { TemplateLayout } from '../document-content';
import { OFFICE_FONT_NAMES, POINTS_PER_MM, orientedPageSizeMm } from '../page-layout';
import { HEADING_SCALES, MARGIN_TEXT_SCALE, PARAGRAPH_GAP, TITLE_SCALE } from '../typography';
import { ODF_NAMESPACES, odfText } from './odf-markup';

/** Generic font family of each layout family, as ODF's style:font-family-generic names it. */
const GENERIC_FAMILIES: Record<TemplateLayout['fontFamily'], string> = { sans: 'swiss', serif: 'roman', mono: 'modern' };

/** Line height as a multiple of the font size, used to place the header and footer in the margins. */
const LINE_HEIGHT = 1.2;

function mm(value: number): string {
  return `${value.toFixed(2)}mm`;
}

function pt(value: number): string {
  return `${Number(value.toFixed(2))}pt`;
}

/**
 * Builds styles.xml: the font, the paragraph and list styles that content.xml names, and the
 * "Standard" master page with the layout's page size, orientation, margins, header and footer.
 */
export function renderOdtStyles(layout: TemplateLayout): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<office:document-styles ${ODF_NAMESPACES} office:version="1.3">`,
    renderFontFaces(layout),
    `<office:styles>\n${renderParagraphStyles(layout)}\n${renderListStyles()}\n</office:styles>`,
    `<office:automatic-styles>\n${renderPageLayout(layout)}\n</office:automatic-styles>`,
    `<office:master-styles>\n${renderMasterPage(layout)}\n</office:master-styles>`,
    '</office:document-styles>',
  ].join('\n');
}

function renderFontFaces(layout: TemplateLayout): string {
  const name = escapeXml(OFFICE_FONT_NAMES[layout.fontFamily]);
  const pitch = layout.fontFamily === 'mono' ? 'fixed' : 'variable';
  const face = `<style:font-face style:name="${name}" svg:font-family="'${name}'" style:font-family-generic="${GENERIC_FAMILIES[layout.fontFamily]}" style:font-pitch="${pitch}"/>`;
  return `<office:font-face-decls>${face}</office:font-face-decls>`;
}

function paragraphStyle(name: string, displayName: string, properties: { paragraph?: string; text?: string; extra?: string }): string {
  const paragraph = properties.paragraph ? `<style:paragraph-properties ${properties.paragraph}/>` : '';
  const text = properties.text ? `<style:text-properties ${properties.text}/>` : '';
  const attributes = `style:name="${name}" style:display-name="${displayName}" style:family="paragraph" style:parent-style-name="Standard" ${properties.extra ?? ''}`;
  return `<style:style ${attributes.trim()}>${paragraph}${text}</style:style>`;
}

function renderParagraphStyles(layout: TemplateLayout): string {
  const size = layout.fontSize;
  const gap = mm((size * PARAGRAPH_GAP) / POINTS_PER_MM);
  const bold = (scale: number) => `fo:font-size="${pt(size * scale)}" fo:font-weight="bold"`;
  const heading = (level: 1 | 2 | 3) =>
    paragraphStyle(`Heading_20_${level}`, `Heading ${level}`, {
      paragraph: `fo:margin-top="${mm((size * 0.8) / POINTS_PER_MM)}" fo:margin-bottom="${gap}" fo:keep-with-next="always"`,
      text: bold(HEADING_SCALES[level]),
      extra: `style:next-style-name="Text_20_body" style:default-outline-level="${level}" style:class="text"`,
    });
  const defaultText = `style:font-name="${escapeXml(OFFICE_FONT_NAMES[layout.fontFamily])}" fo:font-size="${pt(size)}"`;
  return [
    `<style:default-style style:family="paragraph"><style:paragraph-properties fo:orphans="2" fo:widows="2"/><style:text-properties ${defaultText}/></style:default-style>`,
    '<style:style style:name="Standard" style:family="paragraph" style:class="text"/>',
    paragraphStyle('Text_20_body', 'Text body', { paragraph: `fo:margin-top="0mm" fo:margin-bottom="${gap}"`, extra: 'style:class="text"' }),
    paragraphStyle('Title', 'Title', { paragraph: `fo:margin-bottom="${gap}"`, text: bold(TITLE_SCALE), extra: 'style:next-style-name="Text_20_body" style:class="chapter"' }),
    heading(1),
    heading(2),
    heading(3),
    paragraphStyle('List_20_Paragraph', 'List Paragraph', { paragraph: `fo:margin-bottom="${mm((size * 0.3) / POINTS_PER_MM)}"`, extra: 'style:class="list"' }),
    paragraphStyle('Table_20_Contents', 'Table Contents', { extra: 'style:class="extra"' }),
    paragraphStyle('Table_20_Caption', 'Table Caption', { paragraph: `fo:margin-bottom="${mm(1)}" fo:keep-with-next="always"`, text: 'fo:font-weight="bold"', extra: 'style:class="extra"' }),
    paragraphStyle('Header', 'Header', { paragraph: 'fo:text-align="center"', text: `fo:font-size="${pt(size * MARGIN_TEXT_SCALE)}"`, extra: 'style:class="extra"' }),
    paragraphStyle('Footer', 'Footer', { paragraph: 'fo:text-align="center"', text: `fo:font-size="${pt(size * MARGIN_TEXT_SCALE)}"`, extra: 'style:class="extra"' }),
  ].join('\n');
}

/** Both list styles put the label in a 0.25 in hanging indent, as the DOCX renderer does. */
function renderListStyles(): string {
  const alignment =
    '<style:list-level-properties text:list-level-position-and-space-mode="label-alignment">' +
    '<style:list-level-label-alignment text:label-followed-by="listtab" text:list-tab-stop-position="12.7mm" fo:text-indent="-6.35mm" fo:margin-left="12.7mm"/>' +
    '</style:list-level-properties>';
  return [
    `<text:list-style style:name="Numbering_20_123" style:display-name="Numbering 123"><text:list-level-style-number text:level="1" style:num-suffix="." style:num-format="1">${alignment}</text:list-level-style-number></text:list-style>`,
    `<text:list-style style:name="List_20_1" style:display-name="List 1"><text:list-level-style-bullet text:level="1" text:bullet-char="\u2022">${alignment}</text:list-level-style-bullet></text:list-style>`,
  ].join('\n');
}

/**
 * ODF places a header inside the top margin area: fo:margin-top reaches the header, and the
 * header's height plus its spacing sit above the body. Half the margin goes above the header
 * and the rest, less one header line, below it, so the body starts near the layout's top margin.
 */
function renderPageLayout(layout: TemplateLayout): string {
  const page = orientedPageSizeMm(layout);
  const { top, right, bottom, left } = layout.margins;
  const lineMm = (layout.fontSize * MARGIN_TEXT_SCALE * LINE_HEIGHT) / POINTS_PER_MM;
  const marginTop = layout.headerText ? top / 2 : top;
  const marginBottom = layout.footerText ? bottom / 2 : bottom;
  const pageProperties =
    `fo:page-width="${mm(page.width)}" fo:page-height="${mm(page.height)}" style:print-orientation="${layout.orientation}" ` +
    `fo:margin-top="${mm(marginTop)}" fo:margin-right="${mm(right)}" fo:margin-bottom="${mm(marginBottom)}" fo:margin-left="${mm(left)}"`;
  const headerStyle = layout.headerText
    ? `<style:header-style><style:header-footer-properties fo:min-height="${mm(lineMm)}" fo:margin-bottom="${mm(Math.max(0, top / 2 - lineMm))}" style:dynamic-spacing="false"/></style:header-style>`
    : '';
  const footerStyle = layout.footerText
    ? `<style:footer-style><style:header-footer-properties fo:min-height="${mm(lineMm)}" fo:margin-top="${mm(Math.max(0, bottom / 2 - lineMm))}" style:dynamic-spacing="false"/></style:footer-style>`
    : '';
  return `<style:page-layout style:name="PageLayout"><style:page-layout-properties ${pageProperties}/>${headerStyle}${footerStyle}</style:page-layout>`;
}

function renderMasterPage(layout: TemplateLayout): string {
  const header = layout.headerText ? `<style:header><text:p text:style-name="Header">${odfText(layout.headerText)}</text:p></style:header>` : '';
  const footer = layout.footerText ? `<style:footer><text:p text:style-name="Footer">${odfText(layout.footerText)}</text:p></style:footer>` : '';
  return `<style:master-page style:name="Standard" style:page-layout-name="PageLayout">${header}${footer}</style:master-page>`;
}
