import type { PageMarginsInput, TemplateLayoutInput } from './template-layout.input';
import { ValidationError } from '../common/errors';
import { checkOptionalText } from '../common/input-checks';
import type { TemplateLayout } from '../rendering/document-content';
import { FONT_SIZE_RANGE, findLayoutProblem } from '../rendering/page-layout';

const MAX_MARGIN_TEXT_LENGTH = 500;

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
    headerText: input.headerText === undefined ? base.headerText : checkOptionalText('layout.headerText', input.headerText, MAX_MARGIN_TEXT_LENGTH),
    footerText: input.footerText === undefined ? base.footerText : checkOptionalText('layout.footerText', input.footerText, MAX_MARGIN_TEXT_LENGTH),
  };

  if (!(layout.fontSize >= FONT_SIZE_RANGE.min && layout.fontSize <= FONT_SIZE_RANGE.max)) {
    throw new ValidationError('layout.fontSize', `layout.fontSize ${layout.fontSize} is out of range: use ${FONT_SIZE_RANGE.min} to ${FONT_SIZE_RANGE.max} points.`);
  }
  const problem = findLayoutProblem(layout);
  if (problem) throw new ValidationError('layout.margins', `layout is invalid because ${problem}: use smaller margins.`);
  return layout;
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
