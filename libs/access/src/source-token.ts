import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// A source's write credential: `kps_<credential id>_<secret>`. The id finds the credential; only a
// SHA-256 of the secret is stored (the secret is 32 random bytes, so a fast hash is enough: there is
// nothing to guess), and the token is shown once, when it is made.
const PREFIX = 'kps';

export interface NewSourceToken {
  credentialId: string;
  secretHash: string;
  token: string; // shown once
}

export function newSourceToken(): NewSourceToken {
  const credentialId = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { credentialId, secretHash: hashOf(secret), token: `${PREFIX}_${credentialId}_${secret}` };
}

// The credential id and secret of a token, or undefined when it is not one.
export function parseSourceToken(token: string | undefined): { credentialId: string; secret: string } | undefined {
  const match = /^kps_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/.exec(token ?? '');
  return match === null ? undefined : { credentialId: match[1] as string, secret: match[2] as string };
}

export function secretMatches(secret: string, secretHash: string): boolean {
  const given = Buffer.from(hashOf(secret), 'hex');
  const stored = Buffer.from(secretHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

const hashOf = (secret: string): string => createHash('sha256').update(secret).digest('hex');
