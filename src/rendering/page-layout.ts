import type { TemplateLayout } from './document-content';

/** Portrait paper sizes in millimetres (ISO 216 A4; US Letter 8.5 × 11 in; US Legal 8.5 × 14 in). */
const PAPER_SIZES_MM: Record<TemplateLayout['pageSize'], { width: number; height: number }> = {
  A4: { width: 210, height: 297 },
  LETTER: { width: 215.9, height: 279.4 },
  LEGAL: { width: 215.9, height: 355.6 },
};

/** Body font sizes outside this range in points are rejected as a broken layout. */
export const FONT_SIZE_RANGE = { min: 4, max: 72 } as const;

/** Font names for formats that name a font without embedding it (DOCX, ODT, RTF). */
export const OFFICE_FONT_NAMES: Record<TemplateLayout['fontFamily'], string> = {
  sans: 'Arial',
  serif: 'Times New Roman',
  mono: 'Courier New',
};

export const POINTS_PER_MM = 72 / 25.4;
export const TWIPS_PER_MM = 1440 / 25.4;

export function mmToPoints(mm: number): number {
  return mm * POINTS_PER_MM;
}

export function mmToTwips(mm: number): number {
  return Math.round(mm * TWIPS_PER_MM);
}

/** Returns the portrait paper size in millimetres, before orientation is applied. */
export function paperSizeMm(layout: TemplateLayout): { width: number; height: number } {
  return PAPER_SIZES_MM[layout.pageSize];
}

/** Returns the page size in millimetres as printed, with width and height swapped for landscape. */
export function orientedPageSizeMm(layout: TemplateLayout): { width: number; height: number } {
  const paper = paperSizeMm(layout);
  return layout.orientation === 'landscape' ? { width: paper.height, height: paper.width } : paper;
}

/**
 * Returns why the layout cannot be rendered, or null when it can. A layout is rejected for an
 * unknown page size, orientation or font family, or a font size outside FONT_SIZE_RANGE.
 * It is also rejected when margins are negative or leave less than a fifth of the page for text.
 */
export function findLayoutProblem(layout: TemplateLayout): string | null {
  if (!(layout.pageSize in PAPER_SIZES_MM)) return `page size ${JSON.stringify(layout.pageSize)} is not A4, LETTER or LEGAL`;
  if (layout.orientation !== 'portrait' && layout.orientation !== 'landscape') {
    return `orientation ${JSON.stringify(layout.orientation)} is not portrait or landscape`;
  }
  if (!(layout.fontFamily in OFFICE_FONT_NAMES)) return `font family ${JSON.stringify(layout.fontFamily)} is not sans, serif or mono`;
  if (!(layout.fontSize >= FONT_SIZE_RANGE.min && layout.fontSize <= FONT_SIZE_RANGE.max)) {
    return `font size ${layout.fontSize} pt is outside ${FONT_SIZE_RANGE.min}–${FONT_SIZE_RANGE.max} pt`;
  }
  return findMarginProblem(layout);
}

function findMarginProblem(layout: TemplateLayout): string | null {
  const { top, right, bottom, left } = layout.margins;
  const margins = [top, right, bottom, left];
  if (!margins.every((margin) => Number.isFinite(margin) && margin >= 0)) {
    return `margins ${margins.join('/')} mm must all be zero or more`;
  }
  const page = orientedPageSizeMm(layout);
  if (left + right > page.width * 0.8) {
    return `left and right margins (${left} + ${right} mm) leave too little of the ${page.width} mm page width`;
  }
  if (top + bottom > page.height * 0.8) {
    return `top and bottom margins (${top} + ${bottom} mm) leave too little of the ${page.height} mm page height`;
  }
  return null;
}
