/** Maximum length of the base name in characters, before the uniqueness suffix and the extension. */
const MAX_BASE_LENGTH = 80;

/** Latin letters that Unicode NFKD does not decompose into an ASCII letter plus marks. */
const LATIN_LETTERS: Record<string, string> = {
  ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', đ: 'd', ð: 'd', ł: 'l', þ: 'th', ı: 'i', ŧ: 't', ħ: 'h',
};

/** Cyrillic letters of Russian, Ukrainian, Belarusian and Bulgarian in a simple English-style transliteration (zh, kh, shch). */
const CYRILLIC_LETTERS: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', ґ: 'g', д: 'd', е: 'e', ё: 'e', є: 'ye', ж: 'zh', з: 'z', и: 'i', і: 'i',
  ї: 'yi', й: 'y', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ў: 'u',
  ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya',
};

/**
 * Turns a name into a lowercase ASCII slug: Latin letters lose their diacritics, Cyrillic is
 * transliterated, and every other run of characters becomes one hyphen.
 * NOTE: letters of other scripts (Greek, CJK, Arabic …) are dropped. A name written only in
 * such a script gives an empty slug, and baseFileName then returns "document".
 */
export function slugify(name: string): string {
  // Composed form first, because NFKD would split й and ё into и and е plus a mark.
  const folded = [...name.normalize('NFC').toLowerCase()]
    .map((char) => LATIN_LETTERS[char] ?? CYRILLIC_LETTERS[char] ?? char)
    .join('')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '');
  return folded.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

/** Shortens a slug to at most `max` characters, cutting at a hyphen when one is near the end. */
function truncateSlug(slug: string, max: number): string {
  if (slug.length <= max) return slug;
  const cut = slug.slice(0, max);
  const lastHyphen = cut.lastIndexOf('-');
  return (lastHyphen > max / 2 ? cut.slice(0, lastHyphen) : cut).replace(/-+$/, '');
}

/**
 * Builds the base name from the record and template names: both slugs joined by a hyphen,
 * or one of them when the other is empty or already contained in it.
 */
export function baseFileName(recordName: string, templateName: string): string {
  const record = slugify(recordName);
  const template = slugify(templateName);
  let base: string;
  if (!template || `-${record}-`.includes(`-${template}-`)) base = record;
  else if (!record || `-${template}-`.includes(`-${record}-`)) base = template;
  else base = `${record}-${template}`;
  return truncateSlug(base, MAX_BASE_LENGTH) || 'document';
}

/**
 * Returns a file name such as `service-agreement.pdf` that is not in `taken`, appending -2,
 * -3 … to the base name until it is free, and adds the returned name to `taken`.
 * The comparison ignores case, so names stay distinct on case-insensitive file systems.
 */
export function uniqueFileName(base: string, extension: string, taken: Set<string>): string {
  const takenLowercase = new Set([...taken].map((name) => name.toLowerCase()));
  let name = `${base}.${extension}`;
  for (let counter = 2; takenLowercase.has(name); counter++) {
    name = `${base}-${counter}.${extension}`;
  }
  taken.add(name);
  return name;
}
