import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntityRef, IndicatorValue } from '#libs/indicators';
import {
  AlertingRunner,
  DefinitionsRegistry,
  parsePublished,
  rescoreClosed,
  rescoreEntities,
  type ScoredCard,
  type ValuesReader,
} from '#libs/pipeline';
import { AlertsRepository, ScorecardsRepository } from '#libs/postgres';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { testSecretBox } from '../support/sources';

// A monthly team card with a deviation rule (30 minutes pending, 20 tickets at least) and a streak.
const SOURCE = `apiVersion: kpi-pulse/v1
orgs:
  - { id: '*', timeZone: Asia/Shanghai, currency: CNY }
indicators:
  - id: support.fcr
    name: { en: First-contact resolution, zh: 一次解决率 }
    description: Tickets solved on the first contact ÷ all tickets solved.
    unit: ratio
    windows: [month]
    numerator: { of: ticket.solved, where: { data.contacts: 1 } }
    denominator: { of: ticket.solved }
scorecards:
  - id: support
    effectiveFrom: 2026-01-01
    name: { en: Support, zh: 客服 }
    role: cs-supervisor
    level: team
    period: month
    grades: [{ grade: A, min: 90 }, { grade: D, min: 0 }]
    dimensions: [{ id: main, name: { en: Main, zh: 主 }, weight: 100 }]
    kpis:
      - { id: fcr, name: FCR, indicator: support.fcr, dimension: main, direction: higher, target: 0.8, rule: { achievement: { floor: 0, cap: 1 } } }
    alerts:
      - { id: fcr-off, name: { en: FCR 5 % off, zh: FCR偏离 }, kind: deviation, kpis: [fcr], worseBy: 0.05, for: 30m, minSample: 20, severity: critical, labels: { team: support } }
      - { id: missed-twice, kind: streak, kpis: [fcr], periods: 2, when: target-missed }
`;
const set = parsePublished(SOURCE);
if (set === undefined) throw new Error('the spec definitions do not parse');
const registry = new DefinitionsRegistry(set);
const team: EntityRef = { level: 'team', id: 'T1', orgId: 'O1' };
const MINUTE = 60_000;
const OCT = Date.parse('2026-10-01T00:00:00+08:00');
const NOV = Date.parse('2026-11-01T00:00:00+08:00');
const DEC = Date.parse('2026-12-01T00:00:00+08:00');

const rows = (start: number, end: number, first: number, solved: number): IndicatorValue[] => [
  {
    indicator: 'support.fcr',
    entity: team,
    window: 'month',
    periodStart: start,
    periodEnd: end,
    value: first / solved,
    numerator: first,
    denominator: solved,
  },
];
const reader = (values: IndicatorValue[]): ValuesReader => ({ valuesOf: () => Promise.resolve(values) });
const live = (at: number, first: number, solved: number): Promise<ScoredCard[]> =>
  rescoreEntities([team], at, registry.definitionsFor, reader(rows(NOV, DEC, first, solved)));
const closed = (start: number, end: number, first: number): Promise<ScoredCard[]> =>
  rescoreClosed(
    rows(start, end, first, 100),
    end + MINUTE,
    registry.definitionsFor,
    reader(rows(start, end, first, 100)),
  );

describe('alert states and transitions (real Postgres)', () => {
  let t: TestDatabase;
  let alerts: AlertsRepository;
  let scorecards: ScorecardsRepository;
  const runner = () => new AlertingRunner({ registry, store: alerts, logger: console });
  const transitions = async () =>
    (
      await t.db.query<
        {
          rule: string;
          kind: string;
          severity: string;
          name: { en: string };
          labels: object;
          value: number;
          at: Date;
          fired_at: Date;
        }[]
      >(`SELECT rule, kind, severity, name, labels, value, at, fired_at FROM alert_transitions ORDER BY id`)
    ).map((r) => ({ ...r, at: r.at.getTime(), fired_at: r.fired_at.getTime() }));

  beforeAll(async () => {
    t = await migratedTestDatabase();
    alerts = new AlertsRepository(t.db, testSecretBox());
    scorecards = new ScorecardsRepository(t.db);
  });
  afterAll(async () => t.drop());

  it('a pending alert survives a restart and fires on time; a redelivered batch records nothing twice', async () => {
    await runner().receive({ cards: await live(NOV + 10 * MINUTE, 70, 100), offset: 1 });
    expect(await t.db.query(`SELECT status FROM alert_states`)).toEqual([{ status: 'pending' }]);
    // a new runner (a restart) reads the pending state back
    const batch = { cards: await live(NOV + 40 * MINUTE, 71, 100), offset: 2 };
    await runner().receive(batch);
    await runner().receive(batch);
    expect(await transitions()).toEqual([
      {
        rule: 'fcr-off',
        kind: 'fired',
        severity: 'critical',
        name: { en: 'FCR 5 % off', zh: 'FCR偏离' },
        labels: { team: 'support' },
        value: expect.closeTo(0.1125, 12) as number,
        at: NOV + 40 * MINUTE,
        fired_at: NOV + 40 * MINUTE,
      },
    ]);
    expect(await t.db.query(`SELECT status, since FROM alert_states`)).toEqual([
      { status: 'firing', since: new Date(NOV + 10 * MINUTE) },
    ]);
  });

  it("the month's close resolves it; the second missed month in a row fires the streak from the stored cards", async () => {
    const october = await closed(OCT, NOV, 70);
    await scorecards.save(october);
    await runner().receive({ cards: october, offset: 3 }); // one missed month: the streak holds
    const november = await closed(NOV, DEC, 71);
    await scorecards.save(november);
    await runner().receive({ cards: november, offset: 4 });
    expect((await transitions()).map((r) => `${r.rule} ${r.kind}`)).toEqual([
      'fcr-off fired',
      'fcr-off resolved',
      'missed-twice fired',
    ]);
    const resolved = (await transitions())[1];
    expect(resolved?.fired_at).toBe(NOV + 40 * MINUTE); // the resolution names the episode it ends
    expect(await t.db.query(`SELECT status FROM alert_states`)).toEqual([{ status: 'firing' }]);
  });
});
