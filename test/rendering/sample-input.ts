import type { RenderInput, TemplateLayout } from '../../src/rendering/document-content';
import { buildServiceAgreementInput } from './contract.fixture';

export const CYRILLIC_PARAGRAPH = 'Договор о предоставлении услуг';
export const CZECH_PARAGRAPH = 'Příliš žluťoučký kůň úpěl ďábelské ódy';

/** The contract fixture with a Cyrillic and a Czech paragraph appended. */
export function buildSampleInput(layout: Partial<TemplateLayout> = {}): RenderInput {
  return buildServiceAgreementInput({
    layout,
    extraBlocks: [
      { kind: 'heading', level: 2, text: 'Translations' },
      { kind: 'paragraph', text: CYRILLIC_PARAGRAPH },
      { kind: 'paragraph', text: CZECH_PARAGRAPH },
    ],
  });
}

/** Returns the input with its content blocks replaced, for tests of one block kind. */
export function withBlocks(input: RenderInput, blocks: RenderInput['document']['content']['blocks']): RenderInput {
  return { ...input, document: { ...input.document, content: { ...input.document.content, blocks } } };
}
