import { describe, expect, it } from 'vitest';
import { dataHashOf } from './pack-hash';

describe('dataHashOf', () => {
  it('is the sha256 of the canonical JSON, in hex: the same data in any key order gives the same hash', () => {
    // printf '{"a":2,"b":1}' | sha256sum
    const hash = 'd3626ac30a87e6f7a6428233b3c68299976865fa5508e4267c5415c76af7a772';
    expect(dataHashOf({ b: 1, a: 2 })).toBe(hash);
    expect(dataHashOf({ a: 2, b: 1, c: undefined })).toBe(hash);
    expect(dataHashOf({ a: 2, b: 1.0000001 })).not.toBe(hash);
  });
});
