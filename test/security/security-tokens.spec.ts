import type { INestApplication } from '@nestjs/common';
import { SignJWT } from 'jose';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RoomSnapshot } from '#libs/pipeline';
import type { RevokedTokensRepository, ScorecardsRepository } from '#libs/postgres';
import { REVOKED_TOKENS, SCORECARDS } from '../../services/runtime/src/tokens';
import { ScorecardGatewayModule } from '../../services/scorecard-gateway/src/scorecard-gateway.module';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { startTestApp } from '../support/test-app';
import { bearer, TEST_JWT_SECRET, tokenFor } from '../support/tokens';
import { until } from '../support/until';

type JoinAnswer = RoomSnapshot | { error: string };
const ALLOWED = 'https://wall.example';

// The trust boundary of tokens and sockets: tokens expire within their role's lifetime and can be
// revoked; a socket lives no longer than its token; joins are bounded; pages of other origins are refused;
// every HTTP answer carries the security headers.
describe('tokens, sockets and HTTP headers', () => {
  let t: TestDatabase;
  let app: INestApplication;
  let base: string;
  const sockets: Socket[] = [];
  const open = (token: string | undefined, origin?: string): Socket => {
    const socket = io(`${base}/scorecards`, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      ...(token === undefined ? {} : { auth: { token } }),
      ...(origin === undefined ? {} : { extraHeaders: { origin } }),
    });
    sockets.push(socket);
    return socket;
  };
  const connect = (token: string | undefined, origin?: string): Promise<Socket> => {
    const socket = open(token, origin);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', (err) => reject(err));
    });
  };
  const join = (socket: Socket, room: string) => socket.emitWithAck('join', { room }) as Promise<JoinAnswer>;
  // how a socket ends: the reason the server gave ('signed-out'), and socket.io's
  const ended = (socket: Socket) =>
    new Promise<{ signedOut: string | undefined; reason: string }>((resolve) => {
      let signedOut: string | undefined;
      socket.on('signed-out', (m: { reason: string }) => (signedOut = m.reason));
      socket.once('disconnect', (reason) => resolve({ signedOut, reason }));
    });
  const count = async (table: string) =>
    (await t.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table}`))[0]?.n;
  const now = () => Math.floor(Date.now() / 1000);
  // a token signed with the test secret, with exactly the claims given (exp and iat included or not)
  const signed = (claims: Record<string, unknown>) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(TEST_JWT_SECRET));

  beforeAll(async () => {
    t = await migratedTestDatabase();
    ({ app, base } = await startTestApp(t, [ScorecardGatewayModule], undefined, { ALLOWED_ORIGINS: ALLOWED }));
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await app.close();
    await t.drop();
  });

  it('refuses a token without exp, or living longer than its role may, saying why', async () => {
    const noExp = await signed({ role: 'admin', org: 'O1', iat: now() });
    await expect(connect(noExp)).rejects.toThrow('unauthorized: exp: a token needs an expiry time (exp)');
    const r = await fetch(`${base}/v1/me`, { headers: bearer(noExp) });
    expect(r.status).toBe(401);
    expect(((await r.json()) as { message: string }).message).toBe(
      'unauthorized: exp: a token needs an expiry time (exp)',
    );

    const agentClaims = { role: 'agent', org: 'O1', teams: ['T1'], agent: 'A1' } as const;
    const tooLong = await signed({ ...agentClaims, iat: now(), exp: now() + 13 * 3600 });
    await expect(connect(tooLong)).rejects.toThrow(
      'unauthorized: exp: a agent token may live at most 12h, this one 13h',
    );
    expect((await fetch(`${base}/v1/me`, { headers: bearer(tooLong) })).status).toBe(401);
    // without iat the lifetime counts from now
    const noIat = await signed({ ...agentClaims, exp: now() + 2 * 86_400 });
    expect((await fetch(`${base}/v1/me`, { headers: bearer(noIat) })).status).toBe(401);
    const display91d = await tokenFor({ role: 'display', org: 'O1' }, 'wall', now() + 91 * 86_400);
    expect((await fetch(`${base}/v1/me`, { headers: bearer(display91d) })).status).toBe(401);

    // a display token may live 90 days, and stays read-only: it publishes nothing and revokes nothing
    const display = await tokenFor({ role: 'display', org: 'O1' }, 'wall', '90d');
    const socket = await connect(display);
    expect(await join(socket, 'org:O1')).toMatchObject({ room: 'org:O1' });
    const publish = await fetch(`${base}/v1/definitions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(display) },
      body: '{}',
    });
    expect(publish.status).toBe(403);
    const revoke = await fetch(`${base}/v1/tokens/some-jti/revoke`, { method: 'POST', headers: bearer(display) });
    expect(revoke.status).toBe(403);
    expect(await count('definition_versions')).toBe(0);
    expect(await count('revoked_tokens')).toBe(0);
  });

  it('closes a live socket when its token expires', async () => {
    const token = await tokenFor({ role: 'display', org: 'O1' }, 'wall', now() + 3);
    const socket = await connect(token);
    const end = ended(socket);
    expect(await join(socket, 'org:O1')).toMatchObject({ room: 'org:O1' });
    // the gateway's timer at exp closes the socket, telling why
    expect(await end).toEqual({ signedOut: 'unauthorized: the token has expired', reason: 'io server disconnect' });
    expect(socket.connected).toBe(false);
    await expect(connect(token)).rejects.toThrow(/unauthorized: "exp" claim/);
  }, 20_000);

  it('a revoked token is refused over REST and on the socket; only an admin of its org revokes it', async () => {
    const display = await tokenFor({ role: 'display', org: 'O1' }, 'wall', '30d', 'wall-1');
    const socket = await connect(display);
    expect(await join(socket, 'org:O1')).toMatchObject({ room: 'org:O1' });
    const revoke = async (token: string) =>
      fetch(`${base}/v1/tokens/wall-1/revoke`, { method: 'POST', headers: bearer(token) });

    // a manager may not; an admin of another org revokes "wall-1" of their own org, not this one
    expect((await revoke(await tokenFor({ role: 'manager', org: 'O1', teams: ['T1'] }))).status).toBe(403);
    expect(await count('revoked_tokens')).toBe(0);
    const other = await revoke(await tokenFor({ role: 'admin', org: 'O2' }, 'o2-admin'));
    expect(other.status).toBe(200);
    expect((await fetch(`${base}/v1/me`, { headers: bearer(display) })).status).toBe(200);
    expect(await join(socket, 'org:O1')).toMatchObject({ room: 'org:O1' });
    expect(socket.connected).toBe(true);

    // the org's admin: the socket holding it is closed at once, and the token is refused from then on
    const end = ended(socket);
    const revoked = await revoke(await tokenFor({ role: 'admin', org: 'O1' }, 'o1-admin'));
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toMatchObject({ orgId: 'O1', jti: 'wall-1', revokedBy: 'o1-admin' });
    expect(await end).toEqual({ signedOut: 'unauthorized: the token was revoked', reason: 'io server disconnect' });
    const me = await fetch(`${base}/v1/me`, { headers: bearer(display) });
    expect(me.status).toBe(401);
    expect(((await me.json()) as { message: string }).message).toBe('unauthorized: the token was revoked');
    await expect(connect(display)).rejects.toThrow('unauthorized: the token was revoked');
    // revoking again answers the first revocation
    const again = await revoke(await tokenFor({ role: 'admin', org: 'O1' }, 'another-admin'));
    expect(await again.json()).toMatchObject({ revokedBy: 'o1-admin' });
    expect(await count('revoked_tokens')).toBe(2); // O2's and O1's
  });

  it('a join checks the token again: revoked elsewhere, the join is refused and the socket closed', async () => {
    const token = await tokenFor({ role: 'manager', org: 'O1', teams: ['T1'] }, 'li.wei', '1h', 'manager-1');
    const socket = await connect(token);
    expect(await join(socket, 'team:O1:T1')).toMatchObject({ room: 'team:O1:T1' });
    // as another gateway would have written it: this gateway learns it at the next join
    await t.db.query(`INSERT INTO revoked_tokens (org_id, jti, revoked_by) VALUES ('O1', 'manager-1', 'elsewhere')`);
    const end = ended(socket);
    expect(await join(socket, 'team-agents:O1:T1')).toEqual({ error: 'unauthorized: the token was revoked' });
    expect(await end).toEqual({ signedOut: 'unauthorized: the token was revoked', reason: 'io server disconnect' });
  });

  it('a join flood gets errors before any query, and the socket survives', async () => {
    const scorecards = app.get<ScorecardsRepository>(SCORECARDS);
    const revocations = app.get<RevokedTokensRepository>(REVOKED_TOKENS);
    const socket = await connect(await tokenFor({ role: 'admin', org: 'O1' }));
    const snapshots = vi.spyOn(scorecards, 'latestIn');
    const revokedChecks = vi.spyOn(revocations, 'isRevoked');
    try {
      const answers = await Promise.all(Array.from({ length: 100 }, () => join(socket, 'org:O1')));
      const refused = answers.filter((a) => 'error' in a);
      // a new socket may join its room bound (32) at once, then 20 per 10 s
      expect(answers.length - refused.length).toBe(32);
      for (const a of refused) expect(a).toEqual({ error: 'rate-limited: at most 20 joins per 10 s (32 at once)' });
      // one token check and one snapshot read per admitted join; none for a refused one
      expect(snapshots).toHaveBeenCalledTimes(32);
      expect(revokedChecks).toHaveBeenCalledTimes(32);
      expect(socket.connected).toBe(true);

      // at most 32 rooms (a fresh socket: its 32 joins at once hold 32 rooms; the 33rd waits for the rate)
      const fresh = await connect(await tokenFor({ role: 'admin', org: 'O1' }));
      const rooms = await Promise.all(Array.from({ length: 32 }, (_, i) => join(fresh, `team:O1:T${i + 1}`)));
      expect(rooms.filter((a) => 'error' in a)).toEqual([]);
      let answer: JoinAnswer | undefined;
      await until(async () => {
        answer = await join(fresh, 'team:O1:T33');
        return !('error' in answer && answer.error.startsWith('rate-limited'));
      }, 15_000);
      expect(answer).toEqual({ error: 'too-many-rooms: a socket joins at most 32 rooms' });
      expect(snapshots.mock.calls.some(([, , ids]) => ids?.includes('T33'))).toBe(false);
      expect(socket.connected && fresh.connected).toBe(true);
    } finally {
      snapshots.mockRestore();
      revokedChecks.mockRestore();
    }
  }, 30_000);

  it("refuses another origin's page at the handshake; its own origin, a listed one, or none may connect", async () => {
    const token = await tokenFor({ role: 'display', org: 'O1' });
    await expect(connect(token, 'https://evil.example')).rejects.toThrow();
    await expect(connect(token, 'null')).rejects.toThrow();
    expect((await connect(token, ALLOWED)).connected).toBe(true);
    expect((await connect(token, base)).connected).toBe(true); // the gateway's own origin
    expect((await connect(token)).connected).toBe(true); // no Origin: not a browser

    // REST: CORS answers only for the listed origin
    const listed = await fetch(`${base}/v1/me`, { headers: { ...bearer(token), origin: ALLOWED } });
    expect(listed.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    const evil = await fetch(`${base}/v1/me`, { headers: { ...bearer(token), origin: 'https://evil.example' } });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('every HTTP answer carries the security headers and no X-Powered-By', async () => {
    const admin = bearer(await tokenFor({ role: 'admin', org: 'O1' }));
    for (const [path, headers] of [
      ['/', {}],
      ['/v1/scorecards/org:O1', admin],
      ['/v1/scorecards/org:O1', {}], // a refusal too
      ['/health', {}],
    ] as const) {
      const r = await fetch(`${base}${path}`, { headers });
      expect(r.headers.get('x-powered-by'), path).toBeNull();
      expect(r.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(r.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(r.headers.get('x-frame-options'), path).toBe('DENY');
      const csp = r.headers.get('content-security-policy') ?? '';
      for (const directive of [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self';",
        "connect-src 'self'",
        "img-src 'self' data:",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
      ])
        expect(csp, path).toContain(directive);
    }
  });
});
