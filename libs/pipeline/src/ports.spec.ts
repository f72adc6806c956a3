import { describe, expect, it } from 'vitest';
import { errorMessage } from './ports';

describe('errorMessage', () => {
  it('says the causes too: "fetch failed" alone says nothing of why', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    expect(errorMessage(new TypeError('fetch failed', { cause: reset }))).toBe('fetch failed: read ECONNRESET');
    expect(errorMessage(new Error('a', { cause: new Error('b', { cause: 'c' }) }))).toBe('a: b: c');
    expect(errorMessage('plain')).toBe('plain');
  });
});
