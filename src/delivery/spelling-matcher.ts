/** The UTF-16 code unit that a view of a text reads at an index, and the index just past the characters of the text that spell it. */
interface ReadUnit {
  unit: number;
  next: number;
}

/** Reads the unit of a view of `text` at `index` into `read`, which is reused to spare an allocation per unit. */
type UnitReader = (text: string, index: number, read: ReadUnit) => void;

/** Key of the transition from `state` on the UTF-16 code unit `unit` in one Map. */
function transitionKey(state: number, unit: number): number {
  return state * 0x10000 + unit;
}

/**
 * An Aho-Corasick automaton over the UTF-16 code units of a set of strings. It finds every
 * occurrence of each of them in one pass over a text, in time linear in the text's length. A
 * regular expression or String.prototype.indexOf backtracks instead: on a long text and a
 * repetitive string such as "aaa…a!", measured at tens of seconds on a 2-core machine.
 */
export class SpellingMatcher {
  private readonly transitions = new Map<number, number>();
  /** 1 for each code unit that some string starts with, so that most units of a text skip the Map. */
  private readonly startUnits = new Uint8Array(0x10000);
  private readonly fallbacks: number[] = [0];
  /** Length of the longest string that ends at each state, directly or through its fallbacks, or 0 for none. */
  private readonly matchLengths: number[] = [0];
  /** Length of the longest string, which a view keeps the start positions of. */
  private readonly maxLength: number;

  constructor(strings: readonly string[]) {
    const children: Array<Array<[number, number]>> = [[]];
    for (const text of strings) this.insert(text, children);
    this.maxLength = Math.max(0, ...strings.map((text) => text.length));
    this.linkFallbacks(children);
  }

  private insert(text: string, children: Array<Array<[number, number]>>): void {
    let state = 0;
    if (text.length > 0) this.startUnits[text.charCodeAt(0)] = 1;
    for (let index = 0; index < text.length; index += 1) {
      const unit = text.charCodeAt(index);
      let next = this.transitions.get(transitionKey(state, unit));
      if (next === undefined) {
        next = this.fallbacks.length;
        this.fallbacks.push(0);
        this.matchLengths.push(0);
        children.push([]);
        children[state].push([unit, next]);
        this.transitions.set(transitionKey(state, unit), next);
      }
      state = next;
    }
    this.matchLengths[state] = Math.max(this.matchLengths[state], text.length);
  }

  /** Sets each state's fallback, the state of its longest proper suffix that is a prefix of some string, breadth first. */
  private linkFallbacks(children: ReadonlyArray<ReadonlyArray<[number, number]>>): void {
    const queue = children[0].map(([, child]) => child);
    for (let head = 0; head < queue.length; head += 1) {
      const state = queue[head];
      for (const [unit, child] of children[state]) {
        this.fallbacks[child] = this.step(this.fallbacks[state], unit);
        this.matchLengths[child] = Math.max(this.matchLengths[child], this.matchLengths[this.fallbacks[child]]);
        queue.push(child);
      }
    }
  }

  private step(state: number, unit: number): number {
    if (state === 0 && this.startUnits[unit] === 0) return 0;
    for (let current = state; ; current = this.fallbacks[current]) {
      const next = this.transitions.get(transitionKey(current, unit));
      if (next !== undefined) return next;
      if (current === 0) return 0;
    }
  }

  /**
   * Returns the [start, end) range in `text` of each occurrence of a string in the view of `text`
   * that `readUnit` reads, in order, with occurrences that overlap merged into one range.
   */
  findSpans(text: string, readUnit: UnitReader): Array<[number, number]> {
    const spans: Array<[number, number]> = [];
    // Start index in `text` of each of the last maxLength units, by unit count modulo maxLength.
    const starts = new Int32Array(Math.max(1, this.maxLength));
    const read: ReadUnit = { unit: 0, next: 0 };
    let state = 0;
    let count = 0;
    for (let index = 0; index < text.length; index = read.next) {
      readUnit(text, index, read);
      starts[count % starts.length] = index;
      count += 1;
      state = this.step(state, read.unit);
      const length = this.matchLengths[state];
      if (length > 0) addSpan(spans, starts[(count - length) % starts.length], read.next);
    }
    return spans;
  }
}

/**
 * Adds a span that ends after every span in `spans`, merged with those it overlaps. Merging as
 * they come keeps one span per masked stretch, so a text of one repeated character that matches
 * at every position yields one span, not one per position.
 */
function addSpan(spans: Array<[number, number]>, start: number, end: number): void {
  let merged = start;
  while (spans.length > 0 && spans[spans.length - 1][1] > start) merged = Math.min(merged, spans.pop()![0]);
  spans.push([merged, end]);
}

/** Reads `text` as it is: one unit per UTF-16 code unit. */
export const readAsIs: UnitReader = (text, index, read) => {
  read.unit = text.charCodeAt(index);
  read.next = index + 1;
};

/** The code unit of each JSON escape sequence `\x` other than `\uXXXX`, by x. */
const JSON_ESCAPED_UNITS = new Map([
  ['"', 0x22],
  ['\\', 0x5c],
  ['/', 0x2f],
  ['b', 0x08],
  ['f', 0x0c],
  ['n', 0x0a],
  ['r', 0x0d],
  ['t', 0x09],
]);

/**
 * Reads `text` as the content of JSON strings: each escape sequence (`\"`, `\\`, `\/`, `\n`,
 * `\u00e9` with hex digits in either case, …) is one unit, read from left to right as a JSON
 * parser does. A backslash that starts no valid escape is a unit of its own.
 */
export const readJsonUnescaped: UnitReader = (text, index, read) => {
  read.unit = text.charCodeAt(index);
  read.next = index + 1;
  if (read.unit !== 0x5c || index + 1 >= text.length) return;
  const escaped = text[index + 1];
  if (escaped === 'u') {
    const hex = text.slice(index + 2, index + 6);
    if (!/^[0-9A-Fa-f]{4}$/.test(hex)) return;
    read.unit = Number.parseInt(hex, 16);
    read.next = index + 6;
    return;
  }
  const decoded = JSON_ESCAPED_UNITS.get(escaped);
  if (decoded === undefined) return;
  read.unit = decoded;
  read.next = index + 2;
};

/** Replaces each span of `text` with `mask`, one mask for spans that overlap. */
export function replaceSpans(text: string, spans: Array<[number, number]>, mask: string): string {
  if (spans.length === 0) return text;
  spans.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  let replaced = '';
  let position = 0;
  for (const [start, end] of spans) {
    if (end <= position) continue;
    if (start >= position) {
      replaced += text.slice(position, start) + mask;
    }
    position = end;
  }
  return replaced + text.slice(position);
}
