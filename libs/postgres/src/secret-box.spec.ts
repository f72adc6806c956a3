import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox } from './secret-box';

describe('SecretBox: signing secrets sealed with AES-256-GCM', () => {
  const box = new SecretBox(randomBytes(32));

  it('opens what it sealed for the same credential; the sealed text holds no trace of the secret', () => {
    const sealed = box.seal('whsec_abc123', 'cred1');
    expect(sealed).toMatch(/^v1\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
    expect(sealed).not.toContain('whsec');
    expect(box.open(sealed, 'cred1')).toBe('whsec_abc123');
    expect(box.seal('whsec_abc123', 'cred1')).not.toBe(sealed); // a fresh IV each time
  });

  it('opens nothing with another key, for another credential, or once altered', () => {
    const sealed = box.seal('whsec_abc123', 'cred1');
    expect(new SecretBox(randomBytes(32)).open(sealed, 'cred1')).toBeUndefined();
    expect(box.open(sealed, 'cred2')).toBeUndefined();
    const [v, iv, tag, text] = sealed.split('.') as [string, string, string, string];
    const flipped = Buffer.from(text, 'base64url');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(box.open([v, iv, tag, flipped.toString('base64url')].join('.'), 'cred1')).toBeUndefined();
    expect(box.open('whsec_abc123', 'cred1')).toBeUndefined();
  });

  it('takes only a 32-byte key', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow('32-byte key, got 16 bytes');
  });
});
