import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParkedValue, ValueRef } from '#libs/indicators';
import { ParkedValues, type ValuesWrite } from '#libs/pipeline';
import { IndicatorStateRepository, MIGRATIONS } from '#libs/postgres';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';

const PROCESSOR = 'indicator-processor';
const DAY = 86_400_000;
const ref = (value: string, side: ValueRef['side'] = 'den', indicator = 'support.reopen_rate'): ValueRef => ({
  org: 'O1',
  indicator,
  side,
  value,
});
// the tallies of a ticket of agent A1 in team T1: its org's, team's and agent's month and quarter
const tallies = (agent: string, month: number): string[] =>
  ['org|O1', `team|T1`, `agent|${agent}`].flatMap((e) => [`${e}|month|${month}`, `${e}|quarter|0`]);
const parked = (value: string, list: string[], expiresMs: number): ParkedValue => ({
  ref: ref(value),
  tallies: list,
  expiresMs,
});

describe('parked values in Postgres (real Postgres)', () => {
  let t: TestDatabase;
  let store: IndicatorStateRepository;
  let generation = 0;
  // a checkpoint's write of parked values, as the processor saves it
  const save = async (park: ParkedValue[], clockMs?: number): Promise<void> => {
    const values: ValuesWrite = {
      generation: ++generation,
      park,
      clocks: clockMs === undefined ? [] : [{ org: 'O1', clockMs }],
    };
    await store.save({
      processor: PROCESSOR,
      offset: generation,
      changes: [],
      checkpoint: { offset: generation, snapshot: '{}', values },
    });
  };
  const count = async (sql: string): Promise<number> =>
    Number((await t.db.query<{ n: string }[]>(`SELECT (${sql}) AS n`))[0]?.n);
  const tallyUnion = async (value: string): Promise<string[]> =>
    [...new Set((await store.findValues(PROCESSOR, [ref(value)])).flatMap((v) => v.tallies))].sort();

  beforeAll(async () => {
    t = await migratedTestDatabase();
    store = new IndicatorStateRepository(t.db);
  });
  afterAll(async () => t.drop());

  it('stores each list of tallies once, and answers every tally a value was parked with', async () => {
    await t.db.query(`TRUNCATE parked_values, parked_value_sets`);
    const a1 = tallies('A1', 1);
    // 500 tickets of one agent share one list (given in any order, with repeats)
    await save(Array.from({ length: 500 }, (_, i) => parked(`t${i}`, i % 2 === 0 ? a1 : [...a1].reverse(), 90 * DAY)));
    expect(await count(`SELECT count(*) FROM parked_value_sets`)).toBe(1);
    expect(await count(`SELECT count(*) FROM parked_values`)).toBe(500);
    expect(await tallyUnion('t7')).toEqual([...a1].sort());

    // t1 seen again in another month is parked again with that month's tallies: it counts in both
    const a1Month2 = tallies('A1', 2).filter((x) => x.includes('|month|'));
    await save([parked('t1', [...a1Month2, a1Month2[0] as string], 90 * DAY)]);
    expect(await tallyUnion('t1')).toEqual([...new Set([...a1, ...a1Month2])].sort());
    // parked again with a list it already has (a replay after a crash): nothing new
    await save([parked('t2', a1, 90 * DAY)]);
    expect(await count(`SELECT count(*) FROM parked_values`)).toBe(501);
    expect(await count(`SELECT count(*) FROM parked_value_sets`)).toBe(2);

    // another side, indicator or processor is another value
    expect(await store.findValues(PROCESSOR, [ref('t7', 'num')])).toEqual([]);
    expect(await store.findValues(PROCESSOR, [ref('t7', 'den', 'presales.inquiry_conversion')])).toEqual([]);
    expect(await store.findValues('other-processor', [ref('t7')])).toEqual([]);
    await store.forgetProcessor(PROCESSOR);
    expect(await count(`SELECT count(*) FROM parked_values`)).toBe(0);
    expect(await count(`SELECT count(*) FROM parked_value_sets`)).toBe(0);
  });

  it('a restarted processor calls back what the former one parked: its values are members of their tallies', async () => {
    await t.db.query(`TRUNCATE parked_values, parked_value_sets`);
    const first = new ParkedValues();
    first.add([parked('k1', tallies('A1', 1), 90 * DAY), parked('k2', tallies('A2', 1), 90 * DAY)]);
    const write = first.take({ O1: 0 });
    await save(write.park);
    first.confirm(write.generation);

    const second = new ParkedValues();
    await second.lookUp([ref('k1'), ref('k2'), ref('k3')], (refs) => store.findValues(PROCESSOR, refs));
    expect(second.isMember(ref('k1'), 'agent|A1|month|1')).toBe(true);
    expect(second.isMember(ref('k1'), 'org|O1|quarter|0')).toBe(true);
    expect(second.isMember(ref('k1'), 'agent|A2|month|1')).toBe(false);
    expect(second.isMember(ref('k2'), 'agent|A2|month|1')).toBe(true);
    expect(second.isMember(ref('k3'), 'org|O1|quarter|0')).toBe(false);
  });

  it('forgets a value once every tally it counts in has closed by its org clock, and keeps it until then', async () => {
    await t.db.query(`TRUNCATE parked_values, parked_value_sets`);
    const month = 30 * DAY;
    const quarter = 90 * DAY;
    // m: parked from the month only; q: from the quarter too; both: from the month, then the quarter
    await save([
      parked(
        'm',
        tallies('A1', 1).filter((x) => x.includes('|month|')),
        month,
      ),
      parked('q', tallies('A1', 1), quarter),
      parked(
        'both',
        tallies('A2', 1).filter((x) => x.includes('|month|')),
        month,
      ),
    ]);
    await save([
      parked(
        'both',
        tallies('A2', 1).filter((x) => x.includes('|quarter|')),
        quarter,
      ),
    ]);

    await save([], month - 1);
    expect((await store.findValues(PROCESSOR, [ref('m'), ref('q'), ref('both')])).length).toBe(4);
    // at its expiry the month's list goes: m with it, and both's month (its quarter stays)
    await save([], month);
    expect(await store.findValues(PROCESSOR, [ref('m')])).toEqual([]);
    expect(await tallyUnion('q')).toEqual(tallies('A1', 1).sort());
    expect(await tallyUnion('both')).toEqual(
      tallies('A2', 1)
        .filter((x) => x.includes('|quarter|'))
        .sort(),
    );
    // another org's clock forgets nothing of O1's
    await store.save({
      processor: PROCESSOR,
      offset: 0,
      changes: [],
      checkpoint: {
        offset: 0,
        snapshot: '{}',
        values: { generation: 0, park: [], clocks: [{ org: 'O2', clockMs: 2 * quarter }] },
      },
    });
    expect((await store.findValues(PROCESSOR, [ref('q'), ref('both')])).length).toBe(2);
    await save([], quarter);
    expect(await count(`SELECT count(*) FROM parked_values`)).toBe(0);
    expect(await count(`SELECT count(*) FROM parked_value_sets`)).toBe(0);
  });

  it('takes about 100 bytes a value with its indexes, and reuses the space of forgotten ones for new ones', async () => {
    await t.db.query(`TRUNCATE parked_values, parked_value_sets`);
    const size = async (relation: string) => count(`SELECT pg_relation_size('${relation}')`);
    const total = () =>
      count(`SELECT pg_total_relation_size('parked_values') + pg_total_relation_size('parked_value_sets')`);
    // a month of 20,000 tickets of 20 agents (ids like the demo's), forgotten when the month closes
    const month = (m: number) =>
      Array.from({ length: 20_000 }, (_, i) =>
        parked(`O1-T${m}-${100_000 + i}`, tallies(`A${i % 20}`, m), m * 30 * DAY),
      );
    const closeMonth = async (m: number) => {
      await save([], m * 30 * DAY);
      expect(await count(`SELECT count(*) FROM parked_values`)).toBe(0);
      await t.db.query(`VACUUM parked_values, parked_value_sets`);
    };
    await save(month(1));
    const heap = await size('parked_values');
    expect((await total()) / 20_000).toBeLessThan(130); // a row per value with its list was 490
    await closeMonth(1);
    await save(month(2));
    // the rows of the next month fit in the pages of the forgotten ones (without pruning: twice as many)
    expect(await size('parked_values')).toBeLessThanOrEqual(heap * 1.1);
    const twoMonths = await total();
    await closeMonth(2);
    await save(month(3));
    // the index pages emptied by one vacuum are reused after the next: the total stops growing
    expect(await total()).toBeLessThanOrEqual(twoMonths * 1.05);
  });

  it('the migration converts rows of the former layout, each value keeping every tally it had', async () => {
    const migration = MIGRATIONS.find((m) => m.name === 'ParkedValueSets1763888300000');
    if (migration === undefined) throw new Error('the parked value sets migration is not listed');
    await t.db.query(`TRUNCATE parked_values, parked_value_sets`);
    await save([parked('stays', tallies('A1', 1), 90 * DAY), parked('t9', tallies('A1', 1), 90 * DAY)]);
    const runner = t.db.createQueryRunner();
    try {
      await new migration().down(runner);
      // down: a row per value again, with the union of its lists
      const old = await t.db.query<{ value: string; tallies: string[] }[]>(
        `SELECT value, tallies FROM parked_values ORDER BY value`,
      );
      expect(old.map((r) => [r.value, [...r.tallies].sort()])).toEqual([
        ['stays', tallies('A1', 1).sort()],
        ['t9', tallies('A1', 1).sort()],
      ]);
      await t.db.query(
        `INSERT INTO parked_values (processor, org_id, indicator, side, value, tallies, expires_ms) VALUES
           ($1, 'O1', 'support.reopen_rate', 'den', 'old1', $2, $4),
           ($1, 'O1', 'support.reopen_rate', 'den', 'old2', $3, $4),
           ($1, 'O1', 'support.reopen_rate', 'num', 'old1', $2, $4)`,
        [
          PROCESSOR,
          JSON.stringify(tallies('A3', 1)),
          JSON.stringify([...tallies('A3', 1)].reverse().concat(tallies('A3', 2).slice(0, 1))),
          90 * DAY,
        ],
      );
      await new migration().up(runner);
    } finally {
      await runner.release();
    }
    expect(await tallyUnion('old1')).toEqual(tallies('A3', 1).sort());
    expect(await tallyUnion('old2')).toEqual([...tallies('A3', 1), ...tallies('A3', 2).slice(0, 1)].sort());
    expect(await tallyUnion('stays')).toEqual(tallies('A1', 1).sort());
    expect((await store.findValues(PROCESSOR, [ref('old1', 'num')])).length).toBe(1);
    // stays and t9 share a list again; old1 (den) and old1 (num) are two scopes of the same list
    expect(await count(`SELECT count(*) FROM parked_value_sets`)).toBe(4);
    // and a list converted is the list a new write names: no second copy
    await save([parked('new', tallies('A3', 1), 90 * DAY)]);
    expect(await count(`SELECT count(*) FROM parked_value_sets`)).toBe(4);
  });
});
