import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenVerifier } from '../../services/runtime/src/auth';
import { loadConfig } from '../../services/runtime/src/config';

// Tokens of an OIDC issuer: its public keys served at a JWKS URL (here a local HTTP server), RS256.
describe('tokens from an OIDC issuer (AUTH_JWKS_URL)', () => {
  let server: Server;
  let privateKey: KeyLike;
  let verifier: TokenVerifier;
  const sign = (claims: Record<string, unknown>, issuer = 'https://id.example', audience = 'kpi-pulse') =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('li.wei@example.com')
      .setIssuer(issuer)
      .setAudience(audience)
      .setExpirationTime('5m')
      .sign(privateKey);

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const jwks = JSON.stringify({
      keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }],
    });
    server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(jwks));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    verifier = TokenVerifier.fromConfig(
      loadConfig({
        AUTH_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
        AUTH_ISSUER: 'https://id.example',
        AUTH_AUDIENCE: 'kpi-pulse',
      }),
      { isRevoked: (_org, jti) => Promise.resolve(jti === 'revoked-1') }, // the list, without a database
    );
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("accepts the issuer's token with its role claims", async () => {
    const principal = await verifier.verify(await sign({ role: 'manager', org: 'O1', teams: ['O1-T1'] }));
    expect(principal).toEqual({
      subject: 'li.wei@example.com',
      role: 'manager',
      orgId: 'O1',
      teams: ['O1-T1'],
      expiresAt: expect.any(Number) as number,
    });
  });

  it('refuses another issuer, another audience, or a token without the role claims', async () => {
    const claims = { role: 'admin', org: 'O1' };
    await expect(verifier.verify(await sign(claims, 'https://evil.example'))).rejects.toThrow(
      'unauthorized: unexpected "iss" claim value',
    );
    await expect(verifier.verify(await sign(claims, undefined, 'other-app'))).rejects.toThrow(
      'unauthorized: unexpected "aud" claim value',
    );
    await expect(verifier.verify(await sign({ org: 'O1' }))).rejects.toThrow(
      'unauthorized: role: expected one of admin, manager, agent, display, platform',
    );
  });

  it("refuses the issuer's token without an expiry, living too long for its role, or revoked", async () => {
    const claims = { role: 'agent', org: 'O1', teams: ['O1-T1'], agent: 'A1' };
    const issued = (exp: string | undefined, jti?: string) => {
      const jwt = new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer('https://id.example')
        .setAudience('kpi-pulse')
        .setIssuedAt();
      if (exp !== undefined) jwt.setExpirationTime(exp);
      if (jti !== undefined) jwt.setJti(jti);
      return jwt.sign(privateKey);
    };
    await expect(verifier.verify(await issued(undefined))).rejects.toThrow(
      'unauthorized: exp: a token needs an expiry time (exp)',
    );
    await expect(verifier.verify(await issued('13h'))).rejects.toThrow(
      'unauthorized: exp: a agent token may live at most 12h, this one 13h',
    );
    await expect(verifier.verify(await issued('1h', 'revoked-1'))).rejects.toThrow(
      'unauthorized: the token was revoked',
    );
    expect(await verifier.verify(await issued('1h', 'kept-1'))).toMatchObject({ tokenId: 'kept-1' });
  });
});
