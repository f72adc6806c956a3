import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '#libs/events';
import { IndicatorProcessorModule } from '../../services/indicator-processor/src/indicator-processor.module';
import { IngestGatewayModule } from '../../services/ingest-gateway/src/ingest-gateway.module';
import { ScoringServiceModule } from '../../services/scoring-service/src/scoring-service.module';
import { ticketSolved } from '../support/events';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { importRoster } from '../support/roster';
import { asSource, sourceToken } from '../support/sources';
import { startTestApp } from '../support/test-app';
import { until } from '../support/until';

const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');
const solvedBy = (id: string, teamId: string, agentId: string): CanonicalEvent => {
  const e = ticketSolved(id, 1, iso(Date.now() - 60_000));
  return { ...e, data: { ...e.data, teamId, agentId } };
};

// Events count for the team the roster of record holds their agent in, not the team their payload names:
// a forged teamId cannot move a team's numbers.
describe('scoring by the roster of record (real Nest app, real Postgres)', () => {
  let t: TestDatabase;
  let app: INestApplication;
  let base: string;
  let zendesk: string;
  const solvedOf = async (team: string) =>
    (
      await t.db.query<{ denominator: number }[]>(
        `SELECT denominator FROM indicator_values
         WHERE indicator = 'support.fcr' AND level = 'team' AND org_id = 'O1' AND entity_id = $1
           AND "window" = 'rolling:24h'`,
        [team],
      )
    )[0]?.denominator;

  beforeAll(async () => {
    t = await migratedTestDatabase();
    zendesk = await sourceToken(t.db, 'ticketing/zendesk');
    await importRoster(t.db, 'O1', [
      ['O1-T1-A1', 'O1-T1'],
      ['O1-T2-A9', 'O1-T2'],
    ]);
    ({ app, base } = await startTestApp(t, [IngestGatewayModule, IndicatorProcessorModule, ScoringServiceModule]));
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  it("a forged teamId does not move the forged team's numbers: the event counts for the roster's team", async () => {
    const r = await fetch(`${base}/v1/events`, {
      method: 'POST',
      headers: asSource(zendesk),
      body: JSON.stringify([
        solvedBy('f1', 'O1-T1', 'O1-T1-A1'),
        solvedBy('f2', 'O1-T1', 'O1-T2-A9'), // A9 is in O1-T2: the payload forges O1-T1
        solvedBy('f3', 'O1-T1', 'O1-T2-A9'),
        solvedBy('f4', 'O1-T7', 'O1-T7-A1'), // not on the roster: the payload's team (policy 'accept')
      ]),
    });
    expect(r.status).toBe(202);
    expect(await r.json()).toMatchObject({ accepted: 4 });
    await until(async () => (await solvedOf('O1-T2')) === 2 && (await solvedOf('O1-T7')) === 1);
    expect(await solvedOf('O1-T1')).toBe(1);
    const [agent] = await t.db.query<{ denominator: number }[]>(
      `SELECT denominator FROM indicator_values
       WHERE indicator = 'support.fcr' AND level = 'agent' AND org_id = 'O1' AND entity_id = 'O1-T2-A9'
         AND "window" = 'rolling:24h'`,
    );
    expect(agent?.denominator).toBe(2);
  });
});
