import { ValidationError } from '../common/errors';
import { describeCodePoint, isInvisibleText, rejectLongMarkRun } from '../common/input-checks';
import type { ContentBlock, DocumentContent } from '../rendering/document-content';
import type { ContentBlockInput, DocumentContentInput } from './document.input';

/** Limits that keep one document, and so the rendering job, to a bounded size. */
export const CONTENT_LIMITS = {
  titleLength: 500,
  blocks: 2000,
  headingLength: 1000,
  paragraphLength: 100_000,
  listItems: 1000,
  listItemLength: 10_000,
  captionLength: 500,
  /**
   * Property tables. Each repeats all the record's properties, which the total text length does
   * not count: 2,000 tables of 50 short properties made a 37 MB RTF file and a 21 s PDF render.
   */
  propertyTables: 4,
  /** Characters of all texts together, about 400 pages of body text. */
  totalTextLength: 1_000_000,
} as const;

type BlockField = 'level' | 'text' | 'ordered' | 'items' | 'caption';

/** The optional fields that each block kind reads; any other field must be omitted or null. */
const FIELDS_OF_KIND: Record<ContentBlock['kind'], readonly BlockField[]> = {
  heading: ['level', 'text'],
  paragraph: ['text'],
  list: ['ordered', 'items'],
  propertyTable: ['caption'],
};

const ALL_FIELDS: readonly BlockField[] = ['level', 'text', 'ordered', 'items', 'caption'];

/**
 * Checks document content from the API and returns it in the stored shape. Raises
 * BAD_USER_INPUT naming the path at fault, such as `content.blocks[3].items`.
 */
export function checkDocumentContent(field: string, input: DocumentContentInput): DocumentContent {
  const title = checkText(`${field}.title`, input.title, CONTENT_LIMITS.titleLength, 'give the document a title, such as "Service Agreement"', 'Shorten it');
  if (input.blocks.length > CONTENT_LIMITS.blocks) {
    throw new ValidationError(`${field}.blocks`, `${field}.blocks has ${input.blocks.length} blocks; the maximum is ${CONTENT_LIMITS.blocks}. Split the document.`);
  }
  const blocks = input.blocks.map((block, index) => checkBlock(`${field}.blocks[${index}]`, block));
  checkPropertyTableCount(`${field}.blocks`, blocks);

  const totalLength = title.length + blocks.reduce((sum, block) => sum + blockTextLength(block), 0);
  if (totalLength > CONTENT_LIMITS.totalTextLength) {
    throw new ValidationError(field, `${field} has ${totalLength} characters of text; the maximum is ${CONTENT_LIMITS.totalTextLength}. Split the document.`);
  }
  return { title, blocks };
}

function checkBlock(path: string, block: ContentBlockInput): ContentBlock {
  const allowed = FIELDS_OF_KIND[block.kind];
  const extra = ALL_FIELDS.find((name) => !allowed.includes(name) && block[name] !== undefined && block[name] !== null);
  if (extra) {
    throw new ValidationError(`${path}.${extra}`, `${path}.${extra} does not apply to a ${block.kind} block: remove it, or change ${path}.kind.`);
  }

  switch (block.kind) {
    case 'heading':
      return {
        kind: 'heading',
        level: checkLevel(`${path}.level`, block.level),
        text: checkText(`${path}.text`, block.text, CONTENT_LIMITS.headingLength, undefined, 'Shorten it, and move the rest into a paragraph block'),
      };
    case 'paragraph':
      return { kind: 'paragraph', text: checkText(`${path}.text`, block.text, CONTENT_LIMITS.paragraphLength) };
    case 'list':
      return { kind: 'list', ordered: block.ordered ?? false, items: checkItems(`${path}.items`, block.items) };
    case 'propertyTable':
      return block.caption === undefined || block.caption === null
        ? { kind: 'propertyTable' }
        : { kind: 'propertyTable', caption: checkText(`${path}.caption`, block.caption, CONTENT_LIMITS.captionLength, undefined, 'Shorten it') };
  }
}

function checkPropertyTableCount(path: string, blocks: ContentBlock[]): void {
  let tables = 0;
  for (const [index, block] of blocks.entries()) {
    if (block.kind !== 'propertyTable') continue;
    tables += 1;
    if (tables <= CONTENT_LIMITS.propertyTables) continue;
    throw new ValidationError(
      `${path}[${index}]`,
      `${path}[${index}] is property table ${tables}; a document may have at most ${CONTENT_LIMITS.propertyTables}, because each table repeats all the record's properties. Remove it.`,
    );
  }
}

function checkLevel(path: string, level: number | null | undefined): 1 | 2 | 3 {
  if (level === 1 || level === 2 || level === 3) return level;
  const shown = level === undefined || level === null ? 'missing' : String(level);
  throw new ValidationError(path, `${path} is ${shown}: give a heading level of 1, 2 or 3.`);
}

/**
 * Requires text with at least one visible character and at most `maxLength` characters; the text
 * is stored as given, spaces included. `fix` ends the message for missing or empty text, and
 * `tooLongFix` the message for text over `maxLength`.
 */
function checkText(
  path: string,
  text: string | null | undefined,
  maxLength: number,
  fix = 'give the text, or remove the block',
  tooLongFix = 'Split it into several blocks',
): string {
  if (text === undefined || text === null || text.trim() === '') {
    throw new ValidationError(path, `${path} is ${text === undefined || text === null ? 'missing' : 'empty'}: ${fix}.`);
  }
  // The renderers drop most control characters and U+FFFE and U+FFFF, so text of only those and
  // invisible characters would render as an empty title, heading or item.
  if (isInvisibleText(text.replace(/[\p{Cc}\uFFFE\uFFFF]/gu, ''))) {
    throw new ValidationError(
      path,
      `${path} is empty: it contains only control or invisible characters, such as ${describeCodePoint(text.trim())}, which render as nothing. Remove them and ${fix}.`,
    );
  }
  if (text.length > maxLength) {
    throw new ValidationError(path, `${path} is ${text.length} characters long; the maximum is ${maxLength}. ${tooLongFix}.`);
  }
  rejectLongMarkRun(path, text);
  return text;
}

function checkItems(path: string, items: string[] | null | undefined): string[] {
  if (!items || items.length === 0) throw new ValidationError(path, `${path} is ${items ? 'empty' : 'missing'}: give at least one list item.`);
  if (items.length > CONTENT_LIMITS.listItems) {
    throw new ValidationError(path, `${path} has ${items.length} items; the maximum is ${CONTENT_LIMITS.listItems}. Split the list.`);
  }
  return items.map((item, index) =>
    checkText(`${path}[${index}]`, item, CONTENT_LIMITS.listItemLength, 'give the item text, or remove the item', 'Split it into several items'),
  );
}

function blockTextLength(block: ContentBlock): number {
  switch (block.kind) {
    case 'heading':
    case 'paragraph':
      return block.text.length;
    case 'list':
      return block.items.reduce((sum, item) => sum + item.length, 0);
    case 'propertyTable':
      return block.caption?.length ?? 0;
  }
}
