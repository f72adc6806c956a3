import { describe, expect, it } from 'vitest';
import { newSourceToken, parseSourceToken, secretMatches } from './source-token';

describe('source tokens', () => {
  it('are parsed back to their credential, and only their own secret matches the stored hash', () => {
    const made = newSourceToken();
    const parsed = parseSourceToken(made.token);
    expect(parsed?.credentialId).toBe(made.credentialId);
    expect(secretMatches(parsed?.secret ?? '', made.secretHash)).toBe(true);
    const other = parseSourceToken(newSourceToken().token);
    expect(secretMatches(other?.secret ?? '', made.secretHash)).toBe(false);
    expect(made.token).not.toContain(made.secretHash);
  });

  it('refuses what is not a token', () => {
    for (const text of [undefined, '', 'kps_', `kps_${'0'.repeat(12)}_short`, 'Bearer x', 'eyJhbGciOi.x.y'])
      expect(parseSourceToken(text)).toBeUndefined();
  });
});
