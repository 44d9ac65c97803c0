/** Type sizes shared by the paged formats, as multiples of the layout's body font size. */
export const TITLE_SCALE = 1.8;
export const HEADING_SCALES = { 1: 1.35, 2: 1.2, 3: 1.05 } as const;
export const MARGIN_TEXT_SCALE = 0.85;

/** Space after a body paragraph, as a multiple of the body font size. */
export const PARAGRAPH_GAP = 0.6;

/** Share of the text width that the property table's name column takes. */
export const NAME_COLUMN_SHARE = 0.35;
