import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessClaims } from '#libs/access';
import { ScorecardGatewayModule } from '../../services/scorecard-gateway/src/scorecard-gateway.module';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { postPreview, seedWithTarget, simulatedMonth, storeAndClose } from '../support/preview';
import { seedAsOneDocument } from '../support/seed-document';
import { startTestApp } from '../support/test-app';
import { bearer, tokenFor } from '../support/tokens';

const AS_OF = '2026-11-20T12:00:00+08:00';

// The what-if preview re-scores an org's stored values: only that org's admin may ask, and only for their
// org's values; the rest are refused before a single value is read.
describe('the what-if preview: who may re-score which values', () => {
  let t: TestDatabase;
  let app: INestApplication;
  let base: string;
  const draft = seedWithTarget('cs-supervisor-monthly', 'aht', 200);
  const o1Events = simulatedMonth('O1', 1, 1).filter((e) => Date.parse(e.time) <= Date.parse(AS_OF));

  beforeAll(async () => {
    t = await migratedTestDatabase();
    await storeAndClose(t.db, o1Events, AS_OF);
    ({ app, base } = await startTestApp(t, [ScorecardGatewayModule], { now: () => Date.parse(AS_OF) }));
  }, 240_000);
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  it('refuses no token (401), and a manager, an agent, a wall screen or the platform (403)', async () => {
    expect((await postPreview(base, {}, draft)).status).toBe(401);
    const forged = await postPreview(base, bearer('eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYWRtaW4ifQ.forged'), draft);
    expect(forged.status).toBe(401);
    for (const claims of [
      { role: 'manager', org: 'O1', teams: ['O1-T1'] },
      { role: 'agent', org: 'O1', teams: ['O1-T1'], agent: 'O1-T1-A1' },
      { role: 'display', org: 'O1' },
      { role: 'platform', org: 'ops' },
    ] satisfies AccessClaims[]) {
      const answer = await postPreview(base, bearer(await tokenFor(claims)), draft);
      expect(answer.status, claims.role).toBe(403);
      expect(answer.preview).toBeUndefined();
    }
  });

  it("re-scores the caller's org only: O2's admin sees none of O1's values or frozen cards", async () => {
    const o2 = await postPreview(base, bearer(await tokenFor({ role: 'admin', org: 'O2' })), draft);
    expect(o2.status).toBe(200);
    expect(o2.preview).toMatchObject({ orgId: 'O2', scored: { entities: 0, cards: 0 } });
    expect(o2.preview?.scorecards.flatMap((d) => d.entities)).toEqual([]);
    const o1 = await postPreview(base, bearer(await tokenFor({ role: 'admin', org: 'O1' })), draft);
    expect(o1.preview?.scored.entities).toBe(3); // the org, its team and its agent
    expect(o1.preview?.scorecards.filter((d) => d.closed).length).toBeGreaterThan(0);
    expect(o1.preview?.scorecards.flatMap((d) => d.entities).length).toBeGreaterThan(0);
  });

  it('refuses a draft that changes indicators (409), invalid definitions and days out of bounds (400)', async () => {
    const admin = bearer(await tokenFor({ role: 'admin', org: 'O1' }));
    const changed = seedAsOneDocument();
    changed.indicators[0] = { ...changed.indicators[0], id: changed.indicators[0]?.id ?? '', description: 'changed' };
    const refused = await postPreview(base, admin, changed);
    expect(refused.status).toBe(409);
    expect(JSON.stringify(refused.refusal)).toContain('indicators');

    const invalid = await postPreview(base, admin, { apiVersion: 'kpi-pulse/v1', scorecards: [{ id: 'x' }] });
    expect(invalid.status).toBe(400);
    expect((invalid.refusal as { errors: string[] }).errors.length).toBeGreaterThan(0);

    for (const days of ['0', '461', '1.5', 'abc']) {
      const answer = await postPreview(base, admin, draft, `?days=${days}`);
      expect(answer.status, days).toBe(400);
      expect(JSON.stringify(answer.refusal)).toContain('days');
    }
  });
});
