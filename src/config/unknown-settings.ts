/** Environment variables as loadConfig reads them. */
export type Env = Record<string, string | undefined>;

/** Prefix of docpush's own settings; other variables of the environment are not checked. */
const SETTING_PREFIX = 'DOCPUSH_';

/**
 * Variables that the README's walk-through exports for the scripts in scripts/ (the admin key and
 * the GraphQL URL). The server does not read them, but a shell that runs both has them set.
 */
const SCRIPT_VARIABLES = new Set(['DOCPUSH_KEY', 'DOCPUSH_URL']);

/** Largest edit distance at which a known setting is offered as the intended one. */
const MAX_SUGGESTION_DISTANCE = 3;

/** Characters of a name (after DOCPUSH_) per edit that a suggestion may need, so a short name gets no far-fetched match. */
const CHARACTERS_PER_EDIT = 4;

/** A DOCPUSH_ variable that no setting reads, with the known setting it most likely misspells. */
export interface UnknownSetting {
  name: string;
  suggestion: string | null;
}

/** Returns a view of `env` that adds the name of every variable read through it to `read`. */
export function recordReads(env: Env, read: Set<string>): Env {
  return new Proxy(env, {
    get(target, name) {
      if (typeof name === 'string') read.add(name);
      return Reflect.get(target, name) as string | undefined;
    },
  });
}

/**
 * Returns the DOCPUSH_ variables of `env` whose names are neither in `known` nor used by the
 * scripts, each with the closest known DOCPUSH_ name or null. A name is close within one edit per
 * CHARACTERS_PER_EDIT characters after the prefix, and at most MAX_SUGGESTION_DISTANCE edits.
 */
export function findUnknownSettings(env: Env, known: ReadonlySet<string>): UnknownSetting[] {
  const knownSettings = [...known].filter((name) => name.startsWith(SETTING_PREFIX));
  return Object.keys(env)
    .filter((name) => name.startsWith(SETTING_PREFIX) && !known.has(name) && !SCRIPT_VARIABLES.has(name))
    .sort()
    .map((name) => ({ name, suggestion: closestName(name, knownSettings) }));
}

function closestName(name: string, candidates: string[]): string | null {
  const allowed = Math.min(MAX_SUGGESTION_DISTANCE, Math.floor((name.length - SETTING_PREFIX.length) / CHARACTERS_PER_EDIT));
  let best: string | null = null;
  let bestDistance = allowed + 1;
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance: the fewest single-character insertions, deletions and substitutions that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}
