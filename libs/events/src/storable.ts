import type { FieldError } from './field-error';

// How deep objects and arrays may nest in an event: the event itself is level 0, `data` level 1,
// `data.a` level 2 … down to level 32. Deeper values cannot be kept, echoed or folded without
// recursing without bound.
export const MAX_NESTING_DEPTH = 32;

const NUL = '\u0000';
// a high surrogate not followed by a low one, or a low one not preceded by a high one
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

// A string Postgres stores as sent: no NUL (text and jsonb refuse U+0000) and no lone surrogate (jsonb
// refuses a \uD800 escape; UTF-8 has no encoding for one).
function textProblem(s: string): 'nul_character' | 'lone_surrogate' | undefined {
  // one pass over the code units first: nearly every string has neither, and this is per string of
  // every event
  let suspect = false;
  for (let i = 0; i < s.length && !suspect; i++) {
    const c = s.charCodeAt(i);
    suspect = c === 0 || (c >= 0xd800 && c <= 0xdfff);
  }
  if (!suspect) return undefined;
  if (s.includes(NUL)) return 'nul_character';
  return LONE_SURROGATE.test(s) ? 'lone_surrogate' : undefined;
}

const TEXT_REASON = {
  nul_character: 'contains a NUL character (\\u0000), which cannot be stored',
  lone_surrogate: 'contains a lone UTF-16 surrogate, which is not Unicode text and cannot be stored',
} as const;

// A value met on the walk; its dotted path is only spelled out when it is at fault.
interface Visit {
  value: unknown;
  depth: number;
  parent: Visit | undefined;
  key: string | number;
}

// `data.items.3.name`, readable and storable whatever the keys hold; `event` for the event itself
function pathOf(visit: Visit): string {
  const keys: string[] = [];
  for (let v: Visit | undefined = visit; v?.parent !== undefined; v = v.parent)
    keys.push(typeof v.key === 'number' ? String(v.key) : storableText(v.key));
  return keys.length === 0 ? 'event' : keys.reverse().join('.');
}

// Whether a value holds nothing storageProblem would name. Every event passes here, so this walk
// allocates nothing; it recurses at most MAX_NESTING_DEPTH + 1 deep, since deeper is a problem.
function storable(v: unknown, depth: number): boolean {
  if (typeof v === 'string') return textProblem(v) === undefined;
  if (typeof v === 'number') return Number.isFinite(v);
  if (typeof v !== 'object' || v === null) return true;
  if (depth > MAX_NESTING_DEPTH) return false;
  if (Array.isArray(v)) {
    for (const item of v) if (!storable(item, depth + 1)) return false;
    return true;
  }
  for (const key of Object.keys(v))
    if (textProblem(key) !== undefined || !storable((v as Record<string, unknown>)[key], depth + 1)) return false;
  return true;
}

// The first thing in a parsed JSON value that the event log could not keep as sent: a NUL or a lone
// surrogate in a string or a key, nesting deeper than MAX_NESTING_DEPTH, a number that is not finite
// (JSON.parse reads 1e400 as Infinity, which would be stored as null). The walk that names it keeps
// its own stack, so a value of any depth is answered without recursion.
export function storageProblem(value: unknown): FieldError | undefined {
  if (storable(value, 0)) return undefined;
  const stack: Visit[] = [{ value, depth: 0, parent: undefined, key: '' }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const v = top.value;
    if (typeof v === 'string') {
      const problem = textProblem(v);
      if (problem !== undefined) return { field: pathOf(top), code: problem, reason: TEXT_REASON[problem] };
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v))
        return {
          field: pathOf(top),
          code: 'not_finite',
          reason: 'a number too large to hold (JSON.parse read it as ±Infinity)',
        };
    } else if (typeof v === 'object' && v !== null) {
      if (top.depth > MAX_NESTING_DEPTH)
        return {
          field: pathOf(top),
          code: 'too_deep',
          reason: `nests deeper than ${MAX_NESTING_DEPTH} levels of objects and arrays`,
        };
      const depth = top.depth + 1;
      if (Array.isArray(v)) {
        for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], depth, parent: top, key: i });
      } else {
        const keys = Object.keys(v);
        for (let i = keys.length - 1; i >= 0; i--) {
          const key = keys[i] as string;
          const child: Visit = { value: (v as Record<string, unknown>)[key], depth, parent: top, key };
          const problem = textProblem(key);
          if (problem !== undefined)
            return { field: pathOf(child), code: problem, reason: `its name ${TEXT_REASON[problem]}` };
          stack.push(child);
        }
      }
    }
  }
  return undefined;
}

// Text any store keeps and any reader can show: NUL and lone surrogates written as their JSON escapes
// (`\u0000`, `\ud800`), everything else as it is.
export function storableText(s: string): string {
  if (textProblem(s) === undefined) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    const pair = code >= 0xd800 && code <= 0xdbff && i + 1 < s.length && isLow(s.charCodeAt(i + 1));
    if (pair) {
      out += s.slice(i, i + 2);
      i++;
    } else if (code === 0 || (code >= 0xd800 && code <= 0xdfff)) {
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else out += s[i];
  }
  return out;
}

const isLow = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

// The deepest nesting of `[` and `{` in JSON text (strings skipped), stopping as soon as it passes
// `limit`: JSON.parse takes seconds on a body nested millions deep, so that is refused before parsing.
// `lineByLine`: NDJSON, each line its own value.
export function jsonNestingBeyond(text: string, limit: number, lineByLine = false): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 && lineByLine) {
      depth = 0;
      inString = false;
    } else if (inString) {
      if (c === 92)
        i++; // a backslash escapes the next character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > limit) return true;
    } else if (c === 93 || c === 125) depth--;
  }
  return false;
}
