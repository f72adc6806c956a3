import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './event-content';

// the same value with every object's keys inserted in reverse order
const reversed = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(reversed)
    : value !== null && typeof value === 'object'
      ? Object.fromEntries(
          Object.entries(value)
            .reverse()
            .map(([k, v]) => [k, reversed(v)]),
        )
      : value;

describe('canonicalJson', () => {
  it('sorts the keys of every object, at every depth, and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson([[2, 1], [], [[]], {}])).toBe('[[2,1],[],[[]],{}]');
  });

  it('sorts keys as strings, by UTF-16 code unit: "10" before "2", upper case before lower, CJK after', () => {
    expect(canonicalJson({ 2: 'b', 10: 'a', 1: 'c' })).toBe('{"1":"c","10":"a","2":"b"}');
    expect(canonicalJson({ 团队: 1, b: 2, B: 3, é: 4 })).toBe('{"B":3,"b":2,"é":4,"团队":1}');
  });

  it('leaves out undefined members as JSON does, and writes undefined in an array as null', () => {
    expect(canonicalJson({ a: undefined, b: null, c: [undefined, 1] })).toBe('{"b":null,"c":[null,1]}');
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('writes numbers and strings as JSON.stringify does (-0 is 0, NaN is null, unicode kept, quotes escaped)', () => {
    expect(canonicalJson([0.1 + 0.2, -0, 1e21, -5e-7, Number.NaN, Infinity])).toBe(
      '[0.30000000000000004,0,1e+21,-5e-7,null,null]',
    );
    expect(canonicalJson(['销售 "经理"\n', '😀', '\u2028', '\ud800', true, false])).toBe(
      '["销售 \\"经理\\"\\n","😀","\u2028","\\ud800",true,false]',
    );
  });

  it('reads back as JSON.stringify’s text does, and is the same whatever order the keys were inserted in', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(reversed(value))).toBe(text);
      }),
    );
  });
});
