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

  // kps_<12 lower-case hex digits>_<43 base64url characters>, nothing before or after
  const id = '0123456789af';
  const secret = `${'Az09_-'.repeat(7)}x`;
  it('reads exactly the credential id and the secret', () => {
    expect(secret).toHaveLength(43);
    expect(parseSourceToken(`kps_${id}_${secret}`)).toEqual({ credentialId: id, secret });
  });

  it.each([
    ['another prefix', `kpt_${id}_${secret}`],
    ['something before', `xkps_${id}_${secret}`],
    ['something after', `kps_${id}_${secret}=`],
    ['an upper-case id', `kps_0123456789AF_${secret}`],
    ['an id that is not hex', `kps_0123456789ag_${secret}`],
    ['an id of 11 digits', `kps_${id.slice(1)}_${secret}`],
    ['an id of 13 digits', `kps_${id}0_${secret}`],
    ['a secret of 42 characters', `kps_${id}_${secret.slice(1)}`],
    ['a secret of 44 characters', `kps_${id}_${secret}x`],
    ['a base64 (not base64url) secret', `kps_${id}_${secret.slice(2)}+/`],
  ])('refuses %s', (_why, text) => {
    expect(parseSourceToken(text)).toBeUndefined();
  });

  it('matches no stored hash of another length, without throwing', () => {
    const made = newSourceToken();
    const parsed = parseSourceToken(made.token);
    expect(made.credentialId).toMatch(/^[0-9a-f]{12}$/);
    expect(made.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(secretMatches(parsed?.secret ?? '', made.secretHash.slice(2))).toBe(false);
    expect(secretMatches(parsed?.secret ?? '', '')).toBe(false);
  });
});
