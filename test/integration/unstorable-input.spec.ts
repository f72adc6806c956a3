import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScorecardGatewayModule } from '../../services/scorecard-gateway/src/scorecard-gateway.module';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { importRoster } from '../support/roster';
import { startTestApp } from '../support/test-app';
import { bearer, tokenFor } from '../support/tokens';

// Every endpoint refuses by name what Postgres cannot store (a NUL, a lone surrogate) in its body, query
// or path: a 400 with the field, never a 500 and never a silently altered text.
describe('input no store can keep is refused by name on every endpoint', () => {
  let t: TestDatabase;
  let app: INestApplication;
  let base: string;
  let admin: Record<string, string>;
  beforeAll(async () => {
    t = await migratedTestDatabase();
    await importRoster(t.db, 'O1', [['A1', 'T1']]);
    ({ app, base } = await startTestApp(t, [ScorecardGatewayModule]));
    admin = bearer(await tokenFor({ role: 'admin', org: 'O1' }));
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  // the body as raw JSON text, so that escapes such as \ud800 reach the server as sent
  const postItem = (json: string) =>
    fetch(`${base}/v1/action-items`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: json,
    });
  const item = (title: string) => `{"team":"T1","title":"${title}","owner":"A1","dueDate":"2026-12-09"}`;

  it('a NUL or a lone surrogate in a JSON body: 400 naming the field, nothing stored', async () => {
    const nul = await postItem(item('call\\u0000back'));
    expect(nul.status).toBe(400);
    expect(await nul.json()).toMatchObject({ field: 'body.title', code: 'nul_character' });
    const lone = await postItem(item('call \\ud800 back'));
    expect(lone.status).toBe(400);
    expect(await lone.json()).toMatchObject({ field: 'body.title', code: 'lone_surrogate' });
    const key = await postItem('{"team":"T1","\\u0000":1}');
    expect(await key.json()).toMatchObject({ field: 'body.\\u0000', code: 'nul_character' });
    const stored = await t.db.query<{ n: string }[]>(`SELECT count(*) AS n FROM review_action_items`);
    expect(Number(stored[0]?.n)).toBe(0);
    // a surrogate pair is text like any other
    const emoji = await postItem(item('call back \\ud83d\\ude00'));
    expect(emoji.status).toBe(201);
    expect(((await emoji.json()) as { title: string }).title).toBe('call back 😀');
  });

  it('a NUL in the path or the query: 400, where the scorecard read answered 500', async () => {
    const path = await fetch(`${base}/v1/scorecards/team:O1:%00`, { headers: admin });
    expect(path.status).toBe(400);
    expect(await path.json()).toMatchObject({ field: 'path', code: 'nul_character' });
    const query = await fetch(`${base}/v1/action-items?team=T1%00`, { headers: admin });
    expect(query.status).toBe(400);
    expect(await query.json()).toMatchObject({ field: 'query.team', code: 'nul_character' });
  });

  it('an action item for a team the roster does not know: 404', async () => {
    const res = await postItem('{"team":"O9-T1","title":"x","owner":"A1","dueDate":"2026-12-09"}');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { message: string }).message).toContain('O9-T1');
  });
});
