import { describe, expect, it } from 'vitest';
import { parseSampleCard as parseCard } from './sample-definitions.fixture';

// What is kept of a close rule when one of its fields is refused: nothing (a half-read rule would decide
// grades and money), and the issues.

const AT = 'error scorecards[0]';
const LIMITS = [{ grade: 'A', atMost: 0.1 }];
const calibration = (fields: Record<string, unknown>) =>
  parseCard({ calibration: { population: 'role-in-org', limits: LIMITS, ...fields } });
const POOL = { base: { kpi: 'fcr', rate: 0.006 }, places: [{ share: 0.4 }], rest: 0.3 };
const pool = (fields: Record<string, unknown>) => parseCard({ bonusPool: { ...POOL, ...fields } });
const STREAK = { id: 'low', periods: 3, when: { totalBelow: 70 }, outcome: 'flag' };
const streaks = (...rules: unknown[]) => parseCard({ streaks: rules });

describe('close rules: the grace', () => {
  it('takes a duration, or the number 0; refuses other numbers and keeps no close then', () => {
    expect(parseCard({ close: { grace: 0 } }).card?.close).toEqual({ graceMs: 0 });
    expect(parseCard({ close: { grace: '2d' } }).card?.close).toEqual({ graceMs: 172_800_000 });
    for (const grace of [5, 'soon']) {
      const { card, messages } = parseCard({ close: { grace } });
      expect(card?.close).toBeUndefined();
      expect(messages).toEqual([
        `${AT}.close.grace: expected a duration such as 0s, 12h or 2d, got ${JSON.stringify(grace)}`,
      ]);
    }
    expect(parseCard({ close: 'daily' }).card?.close).toBeUndefined();
  });
});

describe('close rules: a calibration', () => {
  it('keeps its source, and an empty one when none is given', () => {
    expect(calibration({ source: '000 行 12' }).card?.calibration?.source).toBe('000 行 12');
    expect(calibration({}).card?.calibration).toEqual({
      population: 'role-in-org',
      limits: LIMITS,
      tiebreak: null,
      source: '',
    });
  });

  it('is dropped whole when a field is refused, each refusal named', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ population: undefined }, `${AT}.calibration.population: missing required key "population"`],
      [{ tiebreak: 'nope' }, `${AT}.calibration.tiebreak: no KPI "nope" in this scorecard`],
      [{ tiebreak: '  ' }, `${AT}.calibration.tiebreak: expected a KPI id of this scorecard, got "  "`],
      [{ tiebreak: 7 }, `${AT}.calibration.tiebreak: expected a KPI id of this scorecard, got 7`],
      [{ limits: undefined }, `${AT}.calibration.limits: missing required key "limits"`],
      [{ limits: [] }, `${AT}.calibration.limits: expected at least one limit, got an empty list`],
      [{ limits: ['A'] }, `${AT}.calibration.limits[0]: expected a mapping, got "A"`],
      [{ limits: [{ atMost: 0.1 }] }, `${AT}.calibration.limits[0].grade: missing required key "grade"`],
      [
        { limits: [{ grade: ' ', atMost: 0.1 }] },
        `${AT}.calibration.limits[0].grade: expected a grade of this scorecard, got " "`,
      ],
      [
        { limits: [{ grade: 1, atMost: 0.1 }] },
        `${AT}.calibration.limits[0].grade: expected a grade of this scorecard, got 1`,
      ],
      [
        { limits: [{ grade: 'A', atMost: 0 }] },
        `${AT}.calibration.limits[0].atMost: expected a positive number, got 0`,
      ],
      [
        {
          limits: [
            { grade: 'A', atMost: 0.1 },
            { grade: 'A', atMost: 0.2 },
          ],
        },
        `${AT}.calibration.limits[1].grade: expected the limits best grade first: "A" comes after "A"`,
      ],
    ];
    for (const [fields, message] of cases) {
      const { card, messages } = calibration(fields);
      expect(messages, JSON.stringify(fields)).toEqual([message]);
      expect(card?.calibration, JSON.stringify(fields)).toBeUndefined();
    }
    expect(calibration({ limits: [{ grade: 'A', atMost: 1 }] }).card?.calibration?.limits).toEqual([
      { grade: 'A', atMost: 1 },
    ]);
    expect(
      calibration({
        limits: [
          { grade: 'A', atMost: 0.1 },
          { grade: 'B', atMost: 0.3 },
        ],
      }).card?.calibration?.limits,
    ).toEqual([
      { grade: 'A', atMost: 0.1 },
      { grade: 'B', atMost: 0.3 },
    ]);
    expect(calibration({ limits: [{ grade: 'C', atMost: 0.3 }] }).card?.calibration).toBeUndefined();
    expect(parseCard({ calibration: 'strict' }).card?.calibration).toBeUndefined();
  });
});

describe('close rules: a bonus pool', () => {
  it('takes shares of 0 and 1 where a share may be nothing or all, and keeps its source', () => {
    expect(pool({ places: [{ share: 0, plus: 50 }], rest: 1, source: '004 行 3' }).messages).toEqual([]);
    expect(pool({ places: [{ share: 0, plus: 50 }], rest: 1, source: '004 行 3' }).card?.bonusPool).toEqual({
      base: { kpi: 'fcr', rate: 0.006 },
      places: [{ share: 0, plus: 50 }],
      rest: 1,
      tiebreak: null,
      source: '004 行 3',
    });
    expect(pool({ rest: 0, tiebreak: 'complaints' }).card?.bonusPool).toMatchObject({
      rest: 0,
      tiebreak: { kpi: 'complaints' },
      source: '',
    });
    expect(pool({ places: [], rest: 0.6 }).card?.bonusPool?.places).toEqual([]);
  });

  it('is dropped whole when a field is refused, each refusal named', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ base: undefined }, `${AT}.bonusPool.base: missing required key "base"`],
      [{ base: { rate: 0.1 } }, `${AT}.bonusPool.base.kpi: missing required key "kpi"`],
      [{ base: { kpi: 'fcr' } }, `${AT}.bonusPool.base.rate: missing required key "rate"`],
      [
        { base: { kpi: 'fcx', rate: 0.1 } },
        `${AT}.bonusPool.base.kpi: no KPI "fcx" in this scorecard (did you mean "fcr"?)`,
      ],
      [{ places: undefined }, `${AT}.bonusPool.places: missing required key "places"`],
      [{ places: [7] }, `${AT}.bonusPool.places[0]: expected a mapping, got 7`],
      [{ places: [{ plus: 5 }] }, `${AT}.bonusPool.places[0].share: missing required key "share"`],
      [{ places: [{ share: -0.1 }] }, `${AT}.bonusPool.places[0].share: expected a non-negative number, got -0.1`],
      [{ rest: undefined }, `${AT}.bonusPool.rest: missing required key "rest"`],
      [{ rest: 1.2 }, `${AT}.bonusPool.rest: expected a share of at most 1 (0.1 is 10 %), got 1.2`],
      [{ tiebreak: 'nope' }, `${AT}.bonusPool.tiebreak: no KPI "nope" in this scorecard`],
      [{ rest: 0.7 }, `${AT}.bonusPool: expected the places' shares and rest to add up to at most 1, got 1.1`],
    ];
    for (const [fields, message] of cases) {
      const { card, messages } = pool(fields);
      expect(messages, JSON.stringify(fields)).toEqual([message]);
      expect(card?.bonusPool, JSON.stringify(fields)).toBeUndefined();
    }
    // the sum is checked once the places and the rest are read: not beside their own refusals
    expect(pool({ places: [{ share: 0.8 }, { share: 'half' }], rest: 0.5 }).messages).toEqual([
      `${AT}.bonusPool.places[1].share: expected a non-negative number, got "half"`,
    ]);
    expect(pool({ places: [{ share: 0.8 }, { share: 0.5 }], rest: undefined }).messages).toEqual([
      `${AT}.bonusPool.rest: missing required key "rest"`,
    ]);
    // shares that add up to 1 in decimals (1.0000000000000002 in doubles) are all of it, not more
    expect(pool({ places: [{ share: 0.4 }, { share: 0.3 }], rest: 0.3 }).messages).toEqual([]);
    expect(parseCard({ bonusPool: 3 }).card?.bonusPool).toBeUndefined();
  });
});

describe('close rules: streaks', () => {
  it('reads a grade test, names an unnamed rule by its id in both languages, keeps a name and source', () => {
    expect(streaks({ ...STREAK, when: { gradeAtLeast: 'A' }, outcome: 'promotion' }).card?.streaks).toEqual([
      {
        id: 'low',
        name: { en: 'low', zh: 'low' },
        periods: 3,
        when: { kind: 'grade-at-least', grade: 'A' },
        outcome: 'promotion',
        source: '',
      },
    ]);
    const named = streaks({ ...STREAK, name: { en: 'Three low months', zh: '连续三月低分' }, source: '000 行 40' });
    expect(named.messages).toEqual([]);
    expect(named.card?.streaks).toMatchObject([
      { name: { en: 'Three low months', zh: '连续三月低分' }, source: '000 行 40' },
    ]);
  });

  it('drops a rule with a refused field, each refusal named; the other rules stay', () => {
    const cases: [Record<string, unknown>, string | string[]][] = [
      [{ id: undefined }, `${AT}.streaks[1].id: missing required key "id"`],
      [{ periods: undefined }, `${AT}.streaks[1].periods: missing required key "periods"`],
      [{ periods: 1.5 }, `${AT}.streaks[1].periods: expected a positive integer, got 1.5`],
      [{ outcome: undefined }, `${AT}.streaks[1].outcome: missing required key "outcome"`],
      [{ when: {} }, `${AT}.streaks[1].when: expected { totalBelow: n } or { gradeAtLeast: grade }, got a mapping`],
      [
        { when: { totalBelow: 70, gradeAtLeast: 'A' } },
        `${AT}.streaks[1].when: expected { totalBelow: n } or { gradeAtLeast: grade }, got a mapping`,
      ],
      [
        { when: { totalAbove: 70 } },
        [
          `${AT}.streaks[1].when.totalAbove: unknown key "totalAbove"; allowed: totalBelow, gradeAtLeast`,
          `${AT}.streaks[1].when.totalBelow: missing required key "totalBelow"`,
        ],
      ],
      [{ when: { totalBelow: 0 } }, `${AT}.streaks[1].when.totalBelow: expected a positive number, got 0`],
      [
        { when: { gradeAtLeast: 'S' } },
        `${AT}.streaks[1].when.gradeAtLeast: no grade "S" in this scorecard; the grades: A, B, C`,
      ],
    ];
    for (const [fields, message] of cases) {
      const { card, messages } = streaks({ ...STREAK, id: 'kept' }, { ...STREAK, ...fields });
      expect(messages, JSON.stringify(fields)).toEqual([message].flat());
      expect(
        card?.streaks.map((s) => s.id),
        JSON.stringify(fields),
      ).toEqual(['kept']);
    }
    // what is not a rule is named, and the others stay
    expect(streaks('monthly', STREAK).messages).toEqual([`${AT}.streaks[0]: expected a mapping, got "monthly"`]);
    expect(streaks('monthly', STREAK).card?.streaks.map((s) => s.id)).toEqual(['low']);
    // two rules without an id are two missing ids, not a repeated one
    expect(streaks({ ...STREAK, id: undefined }, { ...STREAK, id: undefined }).messages).toEqual([
      `${AT}.streaks[0].id: missing required key "id"`,
      `${AT}.streaks[1].id: missing required key "id"`,
    ]);
    // a rule without an id takes no id from the next: the second 'low' is the first one named so
    const twice = streaks({ ...STREAK, id: undefined }, STREAK, STREAK);
    expect(twice.messages).toEqual([
      `${AT}.streaks[0].id: missing required key "id"`,
      `${AT}.streaks[2].id: streak rule "low" is listed twice in this scorecard`,
    ]);
  });
});
