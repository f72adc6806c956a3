import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idempotencyKey } from './idempotency-key';

describe('idempotencyKey', () => {
  it('is the same for the same (source, id)', () => {
    expect(idempotencyKey({ source: 'crm/hubspot', id: 'e1' })).toBe(
      idempotencyKey({ id: 'e1', source: 'crm/hubspot' }),
    );
  });

  it('keeps separators inside the parts apart', () => {
    const keys = [
      idempotencyKey({ source: 'a|b', id: 'c' }),
      idempotencyKey({ source: 'a', id: 'b|c' }),
      idempotencyKey({ source: 'a:b', id: 'c' }),
      idempotencyKey({ source: 'a', id: 'b:c' }),
      idempotencyKey({ source: '1:a', id: '' }),
      idempotencyKey({ source: '', id: '1:a' }),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('differs whenever the pairs differ', () => {
    const part = fc.string({ unit: fc.constantFrom('a', 'b', '1', ':', '|', '"'), maxLength: 6 });
    fc.assert(
      fc.property(part, part, part, part, (s1, i1, s2, i2) => {
        const same = s1 === s2 && i1 === i2;
        expect(idempotencyKey({ source: s1, id: i1 }) === idempotencyKey({ source: s2, id: i2 })).toBe(same);
      }),
      { numRuns: 5000 },
    );
  });
});
