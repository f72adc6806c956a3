import type { AccessClaims } from '#libs/access';
import { mintToken } from '../../services/runtime/src/auth';

// The tests' shared secret for signing tokens: a fixture, known to every test and to nothing else.
export const TEST_JWT_SECRET = 'kpi-pulse-tests-only-secret-0123456789abcdef';
export const AUTH_ENV = { AUTH_JWT_SECRET: TEST_JWT_SECRET };

export function tokenFor(claims: AccessClaims, subject = `${claims.role}@${claims.org}`): Promise<string> {
  return mintToken(TEST_JWT_SECRET, subject, claims, '1h');
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
