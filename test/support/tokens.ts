import type { AccessClaims } from '#libs/access';
import { mintToken } from '../../services/runtime/src/auth';

// The tests' shared secret for signing tokens: a fixture, known to every test and to nothing else.
export const TEST_JWT_SECRET = 'kpi-pulse-tests-only-secret-0123456789abcdef';
// and the key that seals connector signing secrets at rest (64 hex digits: 32 bytes)
export const TEST_SECRETS_KEY = '7e57'.repeat(16);
export const AUTH_ENV = { AUTH_JWT_SECRET: TEST_JWT_SECRET, KPI_SECRETS_KEY: TEST_SECRETS_KEY };

// A token as `kpi-pulse token` mints it: it expires (in an hour unless told: a span, or an exp in epoch
// seconds) and carries a jti.
export function tokenFor(
  claims: AccessClaims,
  subject = `${claims.role}@${claims.org}`,
  expires: string | number = '1h',
  jti?: string,
): Promise<string> {
  return mintToken(TEST_JWT_SECRET, subject, claims, expires, jti);
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
