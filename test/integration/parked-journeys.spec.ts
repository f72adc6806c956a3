import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JourneyRef, JourneySnapshot, ParkedJourney } from '#libs/indicators';
import { ParkedJourneys, type JourneysWrite } from '#libs/pipeline';
import { IndicatorStateRepository, MIGRATIONS } from '#libs/postgres';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';

const PROCESSOR = 'indicator-processor';
const SLA = 'support.email_first_response_sla';
const AHT = 'support.avg_first_response_seconds';
const T0 = Date.parse('2026-12-02T10:00:00Z');
const ref = (key: string, indicator = SLA, org = 'O1'): JourneyRef => ({ org, indicator, key });
// a ticket of the demo: opened and answered twice by one agent, landed at the first answer
const ticket = (n: number): Omit<JourneySnapshot, 'key'> => {
  const owner = { team: `O1-T${n % 5}`, agent: `O1-T${n % 5}-A${n % 20}` };
  const zd = (i: number) => `17:ticketing/zendesk:live-mx679php-zd-${4 * n + i}`;
  return {
    from: { t: T0 + n * 1000, key: zd(0), ...owner },
    tos: [
      { t: T0 + n * 1000 + 60_000, key: zd(1), ...owner },
      { t: T0 + n * 1000 + 90_000, key: zd(2), ...owner },
    ],
    landed: { t: T0 + n * 1000 + 60_000, value: 1, count: 1, ...owner },
  };
};
const parked = (r: JourneyRef, deadlineMs: number, n = 1): ParkedJourney => ({
  ref: r,
  deadlineMs,
  journey: ticket(n),
});

describe('parked journeys in Postgres (real Postgres)', () => {
  let t: TestDatabase;
  let store: IndicatorStateRepository;
  let generation = 0;
  // a checkpoint's write of parked keys, as the processor saves it
  const save = async (
    park: ParkedJourney[],
    more: Partial<Pick<JourneysWrite, 'forget' | 'clocks'>> = {},
    processor = PROCESSOR,
  ): Promise<void> => {
    const journeys: JourneysWrite = { generation: ++generation, park, forget: [], clocks: [], ...more };
    await store.save({
      processor,
      offset: generation,
      changes: [],
      checkpoint: { offset: generation, snapshot: '{}', journeys },
    });
  };
  const count = async (sql: string): Promise<number> =>
    Number((await t.db.query<{ n: string }[]>(`SELECT (${sql}) AS n`))[0]?.n);
  const keysOf = async (refs: JourneyRef[], processor = PROCESSOR): Promise<string[]> =>
    (await store.findJourneys(processor, refs)).map((f) => `${f.ref.org}/${f.ref.indicator}/${f.ref.key}`).sort();

  beforeAll(async () => {
    t = await migratedTestDatabase();
    store = new IndicatorStateRepository(t.db);
  });
  afterAll(async () => t.drop());

  it('gives back a parked key as it was parked, under its processor, org and indicator only', async () => {
    await t.db.query(`TRUNCATE parked_journeys, parked_journey_books RESTART IDENTITY`);
    await save([
      parked(ref('tk-1'), T0 + 9 * 86_400_000, 1),
      parked(ref('tk-1', AHT), T0, 2),
      parked(ref('tk-2', SLA, 'O2'), T0),
    ]);
    await save([parked(ref('tk-9'), T0)], {}, 'other-processor');
    // one book per processor, org and indicator
    expect(await count(`SELECT count(*) FROM parked_journey_books`)).toBe(4);
    const [found, ...rest] = await store.findJourneys(PROCESSOR, [ref('tk-1')]);
    expect(rest).toEqual([]);
    expect(found).toEqual({ ref: ref('tk-1'), journey: ticket(1) });
    expect(await keysOf([ref('tk-1'), ref('tk-1', AHT), ref('tk-2'), ref('tk-2', SLA, 'O2'), ref('tk-9')])).toEqual([
      `O1/${AHT}/tk-1`,
      `O1/${SLA}/tk-1`,
      `O2/${SLA}/tk-2`,
    ]);
    expect(await keysOf([ref('tk-9')], 'other-processor')).toEqual([`O1/${SLA}/tk-9`]);

    // parked again: the new copy replaces the old
    await save([parked(ref('tk-1'), T0 + 10 * 86_400_000, 7)]);
    expect((await store.findJourneys(PROCESSOR, [ref('tk-1')]))[0]?.journey).toEqual(ticket(7));
    expect(await count(`SELECT count(*) FROM parked_journeys`)).toBe(4);
    // and its book was found, not inserted again (which would take an id)
    expect(await count(`SELECT max(id) FROM parked_journey_books`)).toBe(4);

    await store.forgetProcessor(PROCESSOR);
    expect(await keysOf([ref('tk-1'), ref('tk-1', AHT), ref('tk-2', SLA, 'O2')])).toEqual([]);
    expect(await keysOf([ref('tk-9')], 'other-processor')).toEqual([`O1/${SLA}/tk-9`]);
    expect(await count(`SELECT count(*) FROM parked_journey_books`)).toBe(1);
  });

  it('forgets the keys dropped and those whose deadline their own indicator clock passed', async () => {
    await t.db.query(`TRUNCATE parked_journeys, parked_journey_books`);
    await save([
      parked(ref('early'), T0 + 1000),
      parked(ref('late'), T0 + 2000),
      parked(ref('early', AHT), T0 + 1000),
      parked(ref('early', SLA, 'O2'), T0 + 1000),
      parked(ref('dropped'), T0 + 5000),
    ]);
    await save([], {
      forget: [ref('dropped'), ref('never-parked')],
      clocks: [{ org: 'O1', indicator: SLA, clockMs: T0 + 1000 }],
    });
    // SLA's clock in O1 passed early's deadline; AHT's and O2's clocks did not move
    expect(await keysOf(['early', 'late', 'dropped'].map((k) => ref(k)))).toEqual([`O1/${SLA}/late`]);
    expect(await keysOf([ref('early', AHT), ref('early', SLA, 'O2')])).toEqual([`O1/${AHT}/early`, `O2/${SLA}/early`]);
  });

  it('a restarted processor calls back what the former one parked', async () => {
    await t.db.query(`TRUNCATE parked_journeys, parked_journey_books`);
    const first = new ParkedJourneys();
    first.add([parked(ref('k1'), T0 + 86_400_000, 3)]);
    const write = first.take([]);
    await save(write.park);
    first.confirm(write.generation);

    const second = new ParkedJourneys();
    await second.lookUp([ref('k1'), ref('k2')], (refs) => store.findJourneys(PROCESSOR, refs));
    expect(second.recall(ref('k1'))).toEqual(ticket(3));
    expect(second.recall(ref('k2'))).toBeUndefined();
  });

  it('takes about a third of the former layout with its indexes', async () => {
    await t.db.query(`TRUNCATE parked_journeys, parked_journey_books`);
    // 20,000 tickets of the demo's shape in two indicators
    const keys = Array.from({ length: 20_000 }, (_, i) =>
      parked(ref(`live-mx679php-tk-${i >> 1}`, i % 2 === 0 ? SLA : AHT), T0 + 9 * 86_400_000 + i, i),
    );
    for (let i = 0; i < keys.length; i += 2_000) await save(keys.slice(i, i + 2_000));
    await t.db.query(`VACUUM ANALYZE parked_journeys`);
    const total = await count(
      `SELECT pg_total_relation_size('parked_journeys') + pg_total_relation_size('parked_journey_books')`,
    );
    // 340 (heap 215, primary key 87, expiry 33); a row naming processor, org and indicator with its
    // journey as a JSON object took 975 for the same keys
    expect(total / keys.length).toBeLessThan(400);
  });

  it('the migration converts rows of the former layout, each key keeping its journey and deadline', async () => {
    const migration = MIGRATIONS.find((m) => m.name === 'ParkedJourneyBooks1763888700000');
    if (migration === undefined) throw new Error('the parked journey books migration is not listed');
    await t.db.query(`TRUNCATE parked_journeys, parked_journey_books`);
    await save([parked(ref('stays'), T0 + 5000, 4)]);
    const runner = t.db.createQueryRunner();
    try {
      await new migration().down(runner);
      // down: a row naming its processor, org and indicator, with its journey as JSON
      const old = await t.db.query<{ journey_key: string; deadline_ms: string; journey: unknown }[]>(
        `SELECT journey_key, deadline_ms, journey FROM parked_journeys WHERE processor = $1 AND indicator = $2`,
        [PROCESSOR, SLA],
      );
      expect(old).toEqual([{ journey_key: 'stays', deadline_ms: String(T0 + 5000), journey: ticket(4) }]);
      await t.db.query(
        `INSERT INTO parked_journeys (processor, org_id, indicator, journey_key, deadline_ms, journey)
         SELECT $1, 'O1', $2, 'old' || i, $3::bigint + i, $4::jsonb
         FROM generate_series(1, 12000) AS i`,
        [PROCESSOR, AHT, T0, JSON.stringify({ ...ticket(5), stored: true })],
      );
      await new migration().up(runner);
    } finally {
      await runner.release();
    }
    // every page converted (12,000 rows: three of them)
    expect(await count(`SELECT count(*) FROM parked_journeys`)).toBe(12_001);
    expect((await store.findJourneys(PROCESSOR, [ref('stays')]))[0]?.journey).toEqual(ticket(4));
    expect((await store.findJourneys(PROCESSOR, [ref('old11999', AHT)]))[0]?.journey).toEqual(ticket(5));
    // deadlines kept, each under its own book: SLA's clock forgets stays, AHT's old1 to old6000
    await save([], {
      clocks: [
        { org: 'O1', indicator: SLA, clockMs: T0 + 5000 },
        { org: 'O1', indicator: AHT, clockMs: T0 + 6000 },
      ],
    });
    expect(await count(`SELECT count(*) FROM parked_journeys`)).toBe(6_000);
    // and a book converted is the book a new write names: no second copy
    await save([parked(ref('new', AHT), T0 + 99_999)]);
    expect(await count(`SELECT count(*) FROM parked_journey_books`)).toBe(2);
  });
});
