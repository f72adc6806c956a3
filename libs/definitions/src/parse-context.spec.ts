import { describe, expect, it } from 'vitest';
import {
  checkKeys,
  childPath,
  describe as describeValue,
  isMapping,
  isScalar,
  oneOfMessage,
  readLocalized,
  readNumber,
  readString,
  readStringList,
  suggest,
  type ParseContext,
} from './parse-context';

function context(): ParseContext {
  return { file: 'f.yaml', issues: [] };
}

function messages(ctx: ParseContext): string[] {
  return ctx.issues.map((i) => `${i.severity} ${i.path}: ${i.message}`);
}

describe('paths in messages', () => {
  it('joins identifiers with a dot and quotes any other key', () => {
    expect(childPath('', 'kpis')).toBe('kpis');
    expect(childPath('scorecards[0]', 'kpis')).toBe('scorecards[0].kpis');
    expect(childPath('a', '$x_1')).toBe('a.$x_1');
    expect(childPath('where', 'data.contacts')).toBe('where["data.contacts"]');
    expect(childPath('', '1st')).toBe('["1st"]');
    expect(childPath('a', 'x y')).toBe('a["x y"]');
  });
});

describe('describe', () => {
  it('says what a wrong value was', () => {
    expect(describeValue(null)).toBe('nothing');
    expect(describeValue(undefined)).toBe('nothing');
    expect(describeValue('x')).toBe('"x"');
    expect(describeValue(-1)).toBe('-1');
    expect(describeValue(false)).toBe('false');
    expect(describeValue([])).toBe('a list');
    expect(describeValue(new Date(Date.UTC(2026, 0, 2)))).toBe('the date 2026-01-02T00:00:00.000Z');
    expect(describeValue(new Date(Number.NaN))).toBe('an invalid date');
    expect(describeValue({})).toBe('a mapping');
    expect(describeValue(10n)).toBe('bigint');
  });

  it('tells mappings and scalars from the rest', () => {
    expect([{}, [], null, new Date(0), 'x'].map(isMapping)).toEqual([true, false, false, false, false]);
    expect(['', 0, true, Number.NaN, Number.POSITIVE_INFINITY, null, {}].map(isScalar)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('did you mean', () => {
  it('suggests the nearest candidate within a distance that grows with the word', () => {
    // up to 3 letters: one edit
    expect(suggest('gtx', ['gte'])).toBe('gte');
    expect(suggest('gxx', ['gte'])).toBeUndefined();
    // 6 letters: two edits
    expect(suggest('weihgt', ['weight'])).toBe('weight');
    expect(suggest('wxxght', ['weight'])).toBe('weight');
    expect(suggest('wxxxht', ['weight'])).toBeUndefined();
    // 5 letters: one edit only (5 / 3 rounds down)
    expect(suggest('lavel', ['level'])).toBe('level');
    expect(suggest('lxvxl', ['level'])).toBeUndefined();
    // never more than two edits
    expect(suggest('dimensionzzz', ['dimension'])).toBeUndefined();
  });

  it('counts insertions, deletions and substitutions, and ignores case', () => {
    expect(suggest('targe', ['target'])).toBe('target');
    expect(suggest('targets', ['target'])).toBe('target');
    expect(suggest('tarjet', ['target'])).toBe('target');
    expect(suggest('TARGET', ['target'])).toBe('target');
    expect(suggest('TARGETX', ['target'])).toBeUndefined();
  });

  it('takes the first of the nearest candidates', () => {
    expect(suggest('cap', ['cup', 'cop'])).toBe('cup');
    expect(suggest('cap', ['cop', 'cup'])).toBe('cop');
    expect(suggest('flor', ['floors', 'floor'])).toBe('floor');
    expect(suggest('x', [])).toBeUndefined();
  });

  it('writes the hint into one-of messages only for strings', () => {
    expect(oneOfMessage('moth', ['month', 'week'])).toBe(
      'expected one of month, week, got "moth" (did you mean "month"?)',
    );
    expect(oneOfMessage('zzzz', ['month', 'week'])).toBe('expected one of month, week, got "zzzz"');
    expect(oneOfMessage(7, ['month', 'week'])).toBe('expected one of month, week, got 7');
  });

  it('reports every unknown key with its path, a hint and the allowed keys', () => {
    const ctx = context();
    checkKeys(ctx, { id: 1, nam: 2, 'x y': 3 }, 'kpis[0]', ['id', 'name']);
    expect(messages(ctx)).toEqual([
      'error kpis[0].nam: unknown key "nam" (did you mean "name"?); allowed: id, name',
      'error kpis[0]["x y"]: unknown key "x y"; allowed: id, name',
    ]);
  });
});

describe('readers', () => {
  it('reads a string or a non-empty list of strings, trimmed', () => {
    const ctx = context();
    expect(readStringList(ctx, ' a ', 'of')).toEqual(['a']);
    expect(readStringList(ctx, ['a', ' b'], 'of')).toEqual(['a', 'b']);
    expect(readStringList(ctx, [], 'of')).toBeUndefined();
    expect(readStringList(ctx, ['a', ' ', 3], 'of')).toBeUndefined();
    expect(readStringList(ctx, '', 'of')).toBeUndefined();
    expect(messages(ctx)).toEqual([
      'error of: expected a string or a non-empty list of strings, got an empty list',
      'error of[1]: expected a non-empty string, got " "',
      'error of[2]: expected a non-empty string, got 3',
      'error of: expected a non-empty string, got ""',
    ]);
  });

  it('reads a trimmed string, a number as text, and refuses blanks and other values', () => {
    const ctx = context();
    const map = { a: ' x ', b: 7, c: '  ', d: true, e: Number.NaN };
    expect(['a', 'b', 'c', 'd', 'e', 'f'].map((key) => readString(ctx, map, key, 'p', key === 'f'))).toEqual([
      'x',
      '7',
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(readString(ctx, map, 'g', 'p', false)).toBeUndefined();
    expect(messages(ctx)).toEqual([
      'error p.c: expected a non-empty string, got "  "',
      'error p.d: expected a non-empty string, got true',
      'error p.e: expected a non-empty string, got NaN',
      'error p.f: missing required key "f"',
    ]);
  });

  it('checks each kind of number at its bound', () => {
    const ctx = context();
    const map = { zero: 0, half: 0.5, one: 1, minus: -0.5, inf: Number.POSITIVE_INFINITY, text: '1' };
    const read = (key: string, kind: Parameters<typeof readNumber>[4]): number | undefined =>
      readNumber(ctx, map, key, 'p', kind, false);
    expect([read('minus', 'any'), read('zero', 'positive'), read('half', 'positive')]).toEqual([-0.5, undefined, 0.5]);
    expect([read('zero', 'non-negative'), read('minus', 'non-negative')]).toEqual([0, undefined]);
    expect([
      read('one', 'positive integer'),
      read('half', 'positive integer'),
      read('zero', 'positive integer'),
    ]).toEqual([1, undefined, undefined]);
    expect([read('inf', 'any'), read('text', 'any'), read('none', 'any')]).toEqual([undefined, undefined, undefined]);
    expect(readNumber(ctx, map, 'none', 'p', 'any', true)).toBeUndefined();
    expect(messages(ctx)).toEqual([
      'error p.zero: expected a positive number, got 0',
      'error p.minus: expected a non-negative number, got -0.5',
      'error p.half: expected a positive integer, got 0.5',
      'error p.zero: expected a positive integer, got 0',
      'error p.inf: expected a number, got Infinity',
      'error p.text: expected a number, got "1"',
      'error p.none: missing required key "none"',
    ]);
  });

  it('reads a name as plain English or in en and zh, at least one of them', () => {
    const ctx = context();
    const read = (value: unknown): unknown => readLocalized(ctx, { name: value }, 'name', 'p', true);
    expect(read(' Speed ')).toEqual({ en: 'Speed', zh: '' });
    expect(read({ zh: '速度' })).toEqual({ en: '', zh: '速度' });
    expect(read({ en: 'Speed' })).toEqual({ en: 'Speed', zh: '' });
    expect(read({})).toBeUndefined();
    expect(read({ en: '' })).toEqual({ en: '', zh: '' });
    expect(read('')).toBeUndefined();
    expect(read(undefined)).toBeUndefined();
    expect(readLocalized(ctx, {}, 'name', 'p', false)).toBeUndefined();
    expect(messages(ctx)).toEqual([
      'error p.name: expected a name in at least one of en, zh',
      'error p.name.en: expected a non-empty string, got ""',
      'error p.name: expected a mapping, got ""',
      'error p.name: missing required key "name"',
    ]);
  });
});

describe('names', () => {
  it('refuses a name of spaces, and names the language that is blank', () => {
    const ctx = context();
    expect(readLocalized(ctx, { name: '   ' }, 'name', 'p', true)).toBeUndefined();
    expect(readLocalized(ctx, { name: { zh: ' ' } }, 'name', 'p', true)).toEqual({ en: '', zh: '' });
    expect(messages(ctx)).toEqual([
      'error p.name: expected a mapping, got "   "',
      'error p.name.zh: expected a non-empty string, got " "',
    ]);
  });
});
