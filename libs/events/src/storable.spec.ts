import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonNestingBeyond, MAX_NESTING_DEPTH, storableText, storageProblem } from './storable';
import { validateEvent } from './validate-event';

const solved = (data: Record<string, unknown> = {}, envelope: Record<string, unknown> = {}) => ({
  specversion: '1.0',
  id: 'e1',
  source: 'ticketing/zendesk',
  type: 'ticket.solved',
  time: '2026-11-01T10:00:00+08:00',
  data: { orgId: 'acme', ticketId: 'T-1', contacts: 1, handleSeconds: 1, resolutionSeconds: 2, ...data },
  ...envelope,
});

// `levels` objects nested inside one another: { a: { a: … { a: 1 } } }
function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

describe('storageProblem', () => {
  it('finds nothing in an event Postgres keeps as sent', () => {
    expect(storageProblem(solved({ note: 'ok 😀 中文', list: [1, 2.5, null, true, { x: 'y' }] }))).toBeUndefined();
  });

  it.each([
    ['a NUL in a value', solved({ ticketId: 'T\u00001' }), 'data.ticketId', 'nul_character'],
    ['a NUL in a key', solved({ 'no\u0000te': 'x' }), 'data.no\\u0000te', 'nul_character'],
    ['a NUL in the envelope', solved({}, { id: 'e\u0000' }), 'id', 'nul_character'],
    ['a lone high surrogate', solved({ note: 'a\ud800b' }), 'data.note', 'lone_surrogate'],
    ['a lone low surrogate in an array', solved({ tags: ['ok', '\udc00'] }), 'data.tags.1', 'lone_surrogate'],
    ['a lone surrogate in a key', solved({ '\ud83d': 1 }), 'data.\\ud83d', 'lone_surrogate'],
    ['Infinity (JSON.parse of 1e400)', solved({ extra: JSON.parse('1e400') as number }), 'data.extra', 'not_finite'],
    ['-Infinity deep in an array', solved({ xs: [[-Infinity]] }), 'data.xs.0.0', 'not_finite'],
  ])('names %s with its field and code', (_, event, field, code) => {
    expect(storageProblem(event)).toMatchObject({ field, code });
  });

  it(`allows ${MAX_NESTING_DEPTH} levels of nesting below the event and refuses one more`, () => {
    // data is level 1, so n objects nested in data.deep reach level n + 1
    expect(storageProblem(solved({ deep: nested(MAX_NESTING_DEPTH - 1) }))).toBeUndefined();
    expect(storageProblem(solved({ deep: nested(MAX_NESTING_DEPTH) }))).toMatchObject({
      code: 'too_deep',
      reason: `nests deeper than ${MAX_NESTING_DEPTH} levels of objects and arrays`,
    });
  });

  it('answers a value nested 100,000 deep without overflowing the stack', () => {
    expect(storageProblem(solved({ deep: nested(100_000) }))).toMatchObject({ code: 'too_deep' });
  });

  it('agrees with a brute force on random JSON: a problem exactly when a string is not storable', () => {
    const text = fc.string({ unit: fc.constantFrom('a', '\u0000', '\ud800', '\udc00', '😀', 'é') });
    fc.assert(
      fc.property(fc.dictionary(text, fc.oneof(text, fc.integer()), { maxKeys: 4 }), (data) => {
        const flat = [...Object.keys(data), ...Object.values(data).filter((v) => typeof v === 'string')];
        const bad = flat.some(
          (s) => s.includes('\u0000') || Buffer.from(s, 'utf16le').toString('utf16le') !== s || !isWellFormed(s),
        );
        expect(storageProblem({ data }) !== undefined).toBe(bad);
      }),
    );
  });
});

// brute force: a string is well formed when a UTF-8 round trip leaves it unchanged
const isWellFormed = (s: string): boolean => Buffer.from(s, 'utf8').toString('utf8') === s;

describe('storableText', () => {
  it('escapes NUL and lone surrogates and keeps everything else, pairs included', () => {
    expect(storableText('a\u0000b')).toBe('a\\u0000b');
    expect(storableText('x\ud800y\udc00')).toBe('x\\ud800y\\udc00');
    expect(storableText('😀 中文\n')).toBe('😀 中文\n');
  });

  it('always gives text with no problem left', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '\u0000', '\ud800', '\udc00', '😀') }), (s) => {
        const out = storableText(s);
        expect(out.includes('\u0000')).toBe(false);
        expect(isWellFormed(out)).toBe(true);
      }),
    );
  });
});

describe('jsonNestingBeyond', () => {
  it('measures brackets outside strings only', () => {
    expect(jsonNestingBeyond('[[[1]]]', 3)).toBe(false);
    expect(jsonNestingBeyond('[[[[1]]]]', 3)).toBe(true);
    expect(jsonNestingBeyond('["[[[[[[", "\\"[[[["]', 1)).toBe(false);
    expect(jsonNestingBeyond(`${'['.repeat(5_000_000)}`, 64)).toBe(true);
  });

  it('counts each NDJSON line on its own', () => {
    const lines = '[[[\n[[[\n[[[\n';
    expect(jsonNestingBeyond(lines, 3, true)).toBe(false);
    expect(jsonNestingBeyond(lines, 3)).toBe(true);
  });
});

describe('validateEvent and what the log cannot store', () => {
  it('rejects first with the storage problem, and echoes no id it could not store', () => {
    const checked = validateEvent(solved({}, { id: 'e\u0000' }));
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.errors[0]).toMatchObject({ field: 'id', code: 'nul_character' });
    expect(checked.id).toBeUndefined();
    expect(checked.source).toBe('ticketing/zendesk');
  });

  it('refuses measures whose sums could overflow: above 1e15', () => {
    const checked = validateEvent(solved({ handleSeconds: 1e308, contacts: 2e15 }));
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.errors).toEqual([
      { field: 'data.contacts', code: 'invalid_value', reason: 'expected at most 1000000000000000 (1e15)' },
      { field: 'data.handleSeconds', code: 'invalid_value', reason: 'expected at most 1000000000000000 (1e15)' },
    ]);
    expect(validateEvent(solved({ handleSeconds: 1e15 })).ok).toBe(true);
  });

  it('refuses an offset beyond ±15:59, which RFC 3339 allows and Postgres cannot hold', () => {
    const checked = validateEvent(solved({}, { time: '2026-11-01T10:00:00+16:00' }));
    expect(checked.ok ? undefined : checked.errors).toEqual([
      {
        field: 'time',
        code: 'invalid_value',
        reason: "the UTC offset is beyond ±15:59: expected a real zone's offset, e.g. +08:00",
      },
    ]);
  });
});
