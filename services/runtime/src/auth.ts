import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { principalOf, type AccessClaims, type Lifetimes, type Principal } from '#libs/access';
import type { RuntimeConfig } from './config';

export class Unauthorized extends Error {
  readonly code = 'unauthorized';
}

// The revocation list (revoked_tokens): the jti an org's admin revoked.
export interface RevocationList {
  isRevoked(orgId: string, jti: string): Promise<boolean>;
}

// Checks bearer tokens: signed with the shared secret (HS256, the embedded default), or by an OIDC
// issuer whose keys are at AUTH_JWKS_URL (then AUTH_ISSUER and AUTH_AUDIENCE are checked too). Every
// token has an expiry within its role's longest lifetime, and is not revoked.
export class TokenVerifier {
  private constructor(
    private readonly key: Uint8Array | JWTVerifyGetKey,
    private readonly expected: { issuer?: string; audience?: string },
    private readonly maxLifetimes: Lifetimes,
    private readonly revoked: RevocationList,
  ) {}

  static fromConfig(config: RuntimeConfig, revoked: RevocationList): TokenVerifier {
    const { auth } = config;
    if (auth.jwksUrl !== undefined) {
      const expected: { issuer?: string; audience?: string } = {};
      if (auth.issuer !== undefined) expected.issuer = auth.issuer;
      if (auth.audience !== undefined) expected.audience = auth.audience;
      return new TokenVerifier(createRemoteJWKSet(new URL(auth.jwksUrl)), expected, auth.maxLifetimes, revoked);
    }
    return new TokenVerifier(new TextEncoder().encode(sharedSecret(config)), {}, auth.maxLifetimes, revoked);
  }

  async verify(token: string | undefined): Promise<Principal> {
    if (token === undefined || token === '') throw new Unauthorized('unauthorized: a bearer token is required');
    let payload: JWTPayload;
    try {
      // the overloads of jwtVerify differ for a key and a key set; both verify the same way
      payload =
        this.key instanceof Uint8Array
          ? (await jwtVerify(token, this.key, { ...this.expected, algorithms: ['HS256'] })).payload
          : (await jwtVerify(token, this.key, this.expected)).payload;
    } catch (err) {
      throw new Unauthorized(`unauthorized: ${err instanceof Error ? err.message : String(err)}`);
    }
    const checked = principalOf(payload.sub, payload, { now: Date.now(), maxLifetimes: this.maxLifetimes });
    if (!checked.ok) throw new Unauthorized(`unauthorized: ${checked.reason}`);
    const { principal } = checked;
    if (principal.tokenId !== undefined && (await this.revoked.isRevoked(principal.orgId, principal.tokenId)))
      throw new Unauthorized('unauthorized: the token was revoked');
    return principal;
  }
}

// The token of an HTTP request (Authorization: Bearer …) or of a socket.io handshake (auth.token).
export function bearerOf(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

// The shared secret: AUTH_JWT_SECRET, else one generated on first use and kept in the data directory
// (mode 600), so the demo and `kpi-pulse token` on the same machine agree without a secret in the repo.
export function sharedSecret(config: RuntimeConfig): string {
  return config.auth.jwtSecret ?? keptInDataDir(config.dataDir, 'auth-secret');
}

// The key that seals connector signing secrets: KPI_SECRETS_KEY, else one kept in the data directory
// like the shared secret (every process of one deployment must use the same key).
export function secretsKey(config: RuntimeConfig): Buffer {
  return config.secretsKey ?? Buffer.from(keptInDataDir(config.dataDir, 'secrets-key'), 'base64url');
}

// 32 random bytes in base64url, generated on first use into dataDir/<name> (mode 600), read after.
function keptInDataDir(dataDir: string, name: string): string {
  const file = join(dataDir, name);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(dataDir, { recursive: true });
    try {
      writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 });
      chmodSync(file, 0o600);
    } catch {
      // another process wrote it first: use theirs
    }
    return readFileSync(file, 'utf8').trim();
  }
}

// A token for the shared secret: `kpi-pulse token` and the demo's links. It expires (expiresIn: a span
// such as 12h, or an exp in epoch seconds) and carries a jti of its own, by which an admin revokes it.
export function mintToken(
  secret: string,
  subject: string,
  claims: AccessClaims,
  expiresIn: string | number,
  jti: string = randomUUID(),
): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(subject)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .setJti(jti)
    .sign(new TextEncoder().encode(secret));
}
