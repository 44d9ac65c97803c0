import type { PageMarginsInput, TemplateLayoutInput } from './template-layout.input';
import { ValidationError } from '../common/errors';
import { checkOptionalLabel } from '../common/input-checks';
import type { TemplateLayout } from '../rendering/document-content';
import { FONT_SIZE_RANGE, findLayoutProblem } from '../rendering/page-layout';

/** Maximum length in characters of a header or footer text. */
export const MAX_MARGIN_TEXT_LENGTH = 500;

/**
 * Returns `base` with the fields that `input` sets, or raises BAD_USER_INPUT naming the first
 * field at fault (such as `layout.fontSize`). The result is checked as a whole as well, so
 * margins that leave too little of the page are rejected like the renderers would reject them.
 */
export function applyLayoutInput(base: TemplateLayout, input: TemplateLayoutInput | null | undefined): TemplateLayout {
  if (!input) return base;

  const layout: TemplateLayout = {
    pageSize: input.pageSize ?? base.pageSize,
    orientation: input.orientation ?? base.orientation,
    margins: applyMargins(base.margins, input.margins),
    fontFamily: input.fontFamily ?? base.fontFamily,
    fontSize: input.fontSize ?? base.fontSize,
    headerText: input.headerText === undefined ? base.headerText : checkMarginText('layout.headerText', input.headerText, base.headerText),
    footerText: input.footerText === undefined ? base.footerText : checkMarginText('layout.footerText', input.footerText, base.footerText),
  };

  if (!(layout.fontSize >= FONT_SIZE_RANGE.min && layout.fontSize <= FONT_SIZE_RANGE.max)) {
    throw new ValidationError('layout.fontSize', `layout.fontSize ${layout.fontSize} is out of range: use ${FONT_SIZE_RANGE.min} to ${FONT_SIZE_RANGE.max} points.`);
  }
  const problem = findLayoutProblem(layout);
  if (problem) throw new ValidationError('layout.margins', `layout is invalid because ${problem}: use smaller margins.`);
  return layout;
}

/**
 * Checks a header or footer text as checkOptionalLabel checks a one-line label. The PDF renderer
 * centres the text in the margin by the height of one line, and a bidirectional override would
 * reorder the text on every page. `stored`, the text before an update, passes when sent back
 * unchanged, so that a template saved before this rule can still be updated.
 */
function checkMarginText(field: string, value: string | null, stored: string | null): string | null {
  if (value !== null && value === stored) return stored;
  return checkOptionalLabel(field, value, MAX_MARGIN_TEXT_LENGTH);
}

function applyMargins(base: TemplateLayout['margins'], input: PageMarginsInput | null | undefined): TemplateLayout['margins'] {
  const margins = { ...base };
  for (const side of ['top', 'right', 'bottom', 'left'] as const) {
    const value = input?.[side];
    if (value === undefined || value === null) continue;
    if (!Number.isFinite(value) || value < 0) {
      throw new ValidationError(`layout.margins.${side}`, `layout.margins.${side} is ${value} mm: give a margin of 0 mm or more.`);
    }
    margins[side] = value;
  }
  return margins;
}
