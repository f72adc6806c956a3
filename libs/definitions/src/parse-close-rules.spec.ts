import { describe, expect, it } from 'vitest';
import { parseSampleCard as parseCard } from './sample-definitions.fixture';

const AT = 'error scorecards[0]';

describe('close rules in a scorecard', () => {
  it('reads the grace, a calibration, a bonus pool and streaks', () => {
    const { card, messages } = parseCard({
      close: { grace: '12h' },
      calibration: { population: 'role-in-org', limits: [{ grade: 'A', atMost: 0.1 }], tiebreak: 'fcr', source: 's' },
      bonusPool: { base: { kpi: 'fcr', rate: 0.006 }, places: [{ share: 0.4, plus: 200 }, { share: 0.3 }], rest: 0.3 },
      streaks: [{ id: 'low', periods: 3, when: { totalBelow: 70 }, outcome: 'flag' }],
    });
    expect(messages).toEqual([]);
    expect(card).toMatchObject({
      close: { graceMs: 43_200_000 },
      calibration: { population: 'role-in-org', limits: [{ grade: 'A', atMost: 0.1 }], tiebreak: { kpi: 'fcr' } },
      bonusPool: {
        base: { kpi: 'fcr', rate: 0.006 },
        places: [
          { share: 0.4, plus: 200 },
          { share: 0.3, plus: 0 },
        ],
        rest: 0.3,
        tiebreak: null,
      },
      streaks: [
        {
          id: 'low',
          name: { en: 'low', zh: 'low' },
          periods: 3,
          when: { kind: 'total-below', total: 70 },
          outcome: 'flag',
        },
      ],
    });
    expect(parseCard({}).card).toMatchObject({ streaks: [] });
    expect(parseCard({}).card?.calibration).toBeUndefined();
  });

  it('refuses each broken field by name', () => {
    expect(parseCard({ close: { grace: 'soon' } }).messages).toEqual([
      `${AT}.close.grace: expected a duration such as 0s, 12h or 2d, got "soon"`,
    ]);
    expect(parseCard({ close: {} }).messages).toEqual([`${AT}.close.grace: missing required key "grace"`]);
    expect(
      parseCard({
        calibration: {
          population: 'team',
          limits: [
            { grade: 'B', atMost: 0.3 },
            { grade: 'A', atMost: 1.5 },
          ],
          tiebreak: 'fcrr',
        },
      }).messages,
    ).toEqual([
      `${AT}.calibration.population: expected one of role-in-org, got "team"`,
      `${AT}.calibration.tiebreak: no KPI "fcrr" in this scorecard (did you mean "fcr"?)`,
      `${AT}.calibration.limits[1].atMost: expected a share of at most 1 (0.1 is 10 %), got 1.5`,
    ]);
    expect(
      parseCard({
        calibration: {
          population: 'role-in-org',
          limits: [
            { grade: 'B', atMost: 0.3 },
            { grade: 'A', atMost: 0.1 },
          ],
        },
      }).messages,
    ).toEqual([`${AT}.calibration.limits[1].grade: expected the limits best grade first: "A" comes after "B"`]);
    expect(
      parseCard({ calibration: { population: 'role-in-org', limits: [{ grade: 'C', atMost: 0.3 }] } }).messages,
    ).toEqual([`${AT}.calibration.limits: the lowest grade "C" takes the overflow: it cannot be limited`]);
    expect(
      parseCard({ calibration: { population: 'role-in-org', limits: [{ grade: 'S', atMost: 0.3 }] } }).messages,
    ).toEqual([`${AT}.calibration.limits[0].grade: no grade "S" in this scorecard; the grades: A, B, C`]);
    expect(parseCard({ calibration: { population: 'role-in-org', limits: [] } }).messages).toEqual([
      `${AT}.calibration.limits: expected at least one limit, got an empty list`,
    ]);
    expect(
      parseCard({ bonusPool: { base: { kpi: 'fcr', rate: 0 }, places: [{ share: 0.8 }], rest: 0.3 } }).messages,
    ).toEqual([
      `${AT}.bonusPool.base.rate: expected a positive number, got 0`,
      `${AT}.bonusPool: expected the places' shares and rest to add up to at most 1, got 1.1`,
    ]);
    expect(parseCard({ bonusPool: { places: [] } }).messages).toEqual([
      `${AT}.bonusPool.base: missing required key "base"`,
      `${AT}.bonusPool.rest: missing required key "rest"`,
    ]);
    expect(
      parseCard({
        streaks: [
          { id: 'p', periods: 0, when: { gradeAtLeast: 'S' }, outcome: 'bonus' },
          { id: 'p', periods: 3, when: 'always', outcome: 'flag' },
          { id: 'q', periods: 3, outcome: 'flag' },
        ],
      }).messages,
    ).toEqual([
      `${AT}.streaks[0].periods: expected a positive integer, got 0`,
      `${AT}.streaks[0].when.gradeAtLeast: no grade "S" in this scorecard; the grades: A, B, C`,
      `${AT}.streaks[0].outcome: expected one of flag, promotion, raise, got "bonus"`,
      `${AT}.streaks[1].when: expected { totalBelow: n } or { gradeAtLeast: grade }, got "always"`,
      `${AT}.streaks[1].id: streak rule "p" is listed twice in this scorecard`,
      `${AT}.streaks[2].when: missing required key "when" ({ totalBelow: n } or { gradeAtLeast: grade })`,
    ]);
  });
});
