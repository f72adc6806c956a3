import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Verification } from './connector';

export const REPLAY_WINDOW_MS = 5 * 60_000; // Stripe's default tolerance, HubSpot's documented limit

// Equal strings in time that does not depend on where they differ: both are hashed first, so their
// lengths leak nothing either.
export function constantTimeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb);
}

export const hmac = (algorithm: 'sha256' | 'sha1', secret: string, text: string, encoding: 'hex' | 'base64') =>
  createHmac(algorithm, secret).update(text, 'utf8').digest(encoding);

// Whether any of the source's secrets (two during a rotation) gives the signature.
export function signedByAny(
  secrets: readonly string[],
  signature: string,
  expected: (secret: string) => string,
): Verification {
  // every secret is tried, so the time taken does not tell which one matched
  let matched = false;
  for (const secret of secrets) if (constantTimeEqual(expected(secret), signature)) matched = true;
  return matched ? { ok: true } : { ok: false, refusal: 'bad_signature' };
}

// A signed timestamp within the window either side of the receiver's clock.
export const withinWindow = (signedAtMs: number, now: number, windowMs = REPLAY_WINDOW_MS): boolean =>
  Number.isFinite(signedAtMs) && Math.abs(now - signedAtMs) <= windowMs;

// HTTP Basic credentials `user:password` against the secrets, each set as `user:password`.
export function basicAuth(header: string | undefined, secrets: readonly string[]): Verification {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header?.trim() ?? '');
  if (match === null) return { ok: false, refusal: header === undefined ? 'missing_signature' : 'malformed_signature' };
  const given = Buffer.from(match[1] as string, 'base64').toString('utf8');
  return signedByAny(secrets, given, (secret) => secret);
}
