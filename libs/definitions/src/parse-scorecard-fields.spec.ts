import { describe, expect, it } from 'vitest';
import { parseSampleCard as parseCard } from './sample-definitions.fixture';

const AT = 'error scorecards[0]';

describe('a scorecard refused, field by field', () => {
  it('is left out without an id or an effective date', () => {
    expect(parseCard({ id: undefined })).toEqual({
      card: undefined,
      messages: [`${AT}.id: missing required key "id"`],
    });
    expect(parseCard({ effectiveFrom: undefined })).toEqual({
      card: undefined,
      messages: [`${AT}.effectiveFrom: missing required key "effectiveFrom"`],
    });
    for (const [value, got] of [
      [20260101, '20260101'],
      [new Date(Number.NaN), 'an invalid date'],
      ['2026-1-01', '"2026-1-01"'],
      ['2026-02-29', '"2026-02-29"'],
    ] as const) {
      expect(parseCard({ effectiveFrom: value })).toEqual({
        card: undefined,
        messages: [`${AT}.effectiveFrom: expected a date YYYY-MM-DD, got ${got}`],
      });
    }
  });

  it('takes a leap day that exists', () => {
    expect(parseCard({ effectiveFrom: '2028-02-29' }).card?.effectiveFrom).toBe('2028-02-29');
  });

  it('keeps a stand-in for each other broken field', () => {
    expect(parseCard({ version: 2.5 })).toMatchObject({
      card: { version: 1 },
      messages: [`${AT}.version: expected a positive integer, got 2.5`],
    });
    expect(parseCard({ name: undefined })).toMatchObject({
      card: { name: { en: 'cs-supervisor-monthly', zh: '' } },
      messages: [`${AT}.name: missing required key "name"`],
    });
    expect(parseCard({ role: undefined })).toMatchObject({
      card: { role: '' },
      messages: [`${AT}.role: missing required key "role"`],
    });
    expect(parseCard({ level: undefined })).toMatchObject({
      card: { level: 'agent' },
      messages: [`${AT}.level: missing required key "level"`],
    });
    expect(parseCard({ period: undefined })).toMatchObject({
      card: { period: 'month' },
      messages: [`${AT}.period: missing required key "period"`],
    });
    expect(parseCard({ grades: undefined })).toMatchObject({
      card: { grades: [] },
      messages: [`${AT}.grades: missing required key "grades"`],
    });
    expect(parseCard({ dimensions: 'x' })).toMatchObject({
      card: { dimensions: [] },
      messages: [`${AT}.dimensions: expected a list, got "x"`],
    });
    expect(parseCard({ alerts: 'x' })).toMatchObject({
      card: { alerts: [] },
      messages: [`${AT}.alerts: expected a list, got "x"`],
    });
  });

  it('keeps maxDeduction only when positive', () => {
    const zero = parseCard({ maxDeduction: 0 });
    expect(zero.messages).toEqual([`${AT}.maxDeduction: expected a positive number, got 0`]);
    expect(zero.card).not.toHaveProperty('maxDeduction');
    expect(parseCard({ maxDeduction: 5 }).card?.maxDeduction).toBe(5);
  });

  it('takes a status threshold left out from the default', () => {
    expect(parseCard({ status: { green: 90 } }).card?.status).toEqual({ green: 90, amber: 80 });
  });

  it('names each broken grade and keeps the others', () => {
    const { card, messages } = parseCard({
      grades: [{ min: 90 }, { grade: 'B', above: 'x' }, { grade: 'C', min: 0, coefficient: -1, bonus: 'b' }, 3],
    });
    expect(messages).toEqual([
      `${AT}.grades[0].grade: missing required key "grade"`,
      `${AT}.grades[1].above: expected a number, got "x"`,
      `${AT}.grades[2].coefficient: expected a non-negative number, got -1`,
      `${AT}.grades[2].bonus: expected a number, got "b"`,
      `${AT}.grades[3]: expected a mapping, got 3`,
    ]);
    expect(card?.grades).toEqual([{ grade: 'C', min: 0 }]);
  });

  it('names each broken dimension and keeps those with an id', () => {
    const { card, messages } = parseCard({
      dimensions: [{ name: 'E', weight: 1 }, { id: 'q', weight: 'x' }, { id: 'r' }],
    });
    expect(messages).toEqual([
      `${AT}.dimensions[0].id: missing required key "id"`,
      `${AT}.dimensions[1].name: missing required key "name"`,
      `${AT}.dimensions[1].weight: expected a positive number, got "x"`,
      `${AT}.dimensions[2].name: missing required key "name"`,
      `${AT}.dimensions[2].weight: missing required key "weight"`,
    ]);
    expect(card?.dimensions).toEqual([
      { id: 'q', name: { en: 'q', zh: '' }, weight: 1 },
      { id: 'r', name: { en: 'r', zh: '' }, weight: 1 },
    ]);
  });
});
