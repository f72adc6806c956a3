import { describe, expect, it } from 'vitest';
import { isIsoDate } from './parse-scorecard';
import { parseSampleCard as parseCard } from './sample-definitions.fixture';

const AT = 'error scorecards[0]';

describe('isIsoDate', () => {
  it('takes real calendar dates, leap days in leap years, years before 100 too', () => {
    for (const date of ['2026-01-01', '2026-12-31', '2028-02-29', '2000-02-29', '0050-03-01', '0000-01-01'])
      expect(isIsoDate(date), date).toBe(true);
  });

  it('refuses a month or a day past its end, which the calendar would roll over', () => {
    for (const date of [
      '2026-13-01',
      '2026-02-30',
      '2026-02-29',
      '2026-04-31',
      '2026-00-10',
      '2026-03-00',
      '1900-02-29',
    ])
      expect(isIsoDate(date), date).toBe(false);
  });

  it('refuses other shapes', () => {
    for (const date of ['2026-1-01', '26-01-01', '2026-01-01T00:00', ' 2026-01-01'])
      expect(isIsoDate(date), date).toBe(false);
  });
});

describe('a scorecard kept, with no key it was not given', () => {
  it('has no source, close, calibration, bonus pool or maximum deduction unless given', () => {
    const { card, messages } = parseCard({});
    expect(messages).toEqual([]);
    expect(card?.source).toBe('');
    for (const key of ['maxDeduction', 'close', 'calibration', 'bonusPool']) expect(card).not.toHaveProperty(key);
  });

  it('keeps a grade without coefficient or bonus as its name and bound alone', () => {
    expect(parseCard({}).card?.grades).toStrictEqual([
      { grade: 'A', min: 90 },
      { grade: 'B', min: 80 },
      { grade: 'C', min: 0 },
    ]);
  });

  it('reads a grade from just above a bound, with its coefficient and bonus', () => {
    const { card, messages } = parseCard({
      grades: [
        { grade: 'S', above: 95, coefficient: 1.5, bonus: 200 },
        { grade: 'D', min: 0, bonus: -200 },
      ],
    });
    expect(messages).toEqual([]);
    expect(card?.grades).toStrictEqual([
      { grade: 'S', min: 95, minExclusive: true, coefficient: 1.5, bonus: 200 },
      { grade: 'D', min: 0, bonus: -200 },
    ]);
  });

  it('names the bound of a grade missing', () => {
    const { card, messages } = parseCard({ grades: [{ grade: 'A' }, { grade: 'C', min: 0 }] });
    expect(messages).toEqual([`${AT}.grades[0].min: missing required key "min"`]);
    expect(card?.grades).toStrictEqual([{ grade: 'C', min: 0 }]);
  });

  it('refuses an effective date in a list, whose text would read as the date', () => {
    expect(parseCard({ effectiveFrom: ['2026-01-01'] })).toEqual({
      card: undefined,
      messages: [`${AT}.effectiveFrom: expected a date YYYY-MM-DD, got a list`],
    });
  });
});
