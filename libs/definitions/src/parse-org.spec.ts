import { describe, expect, it } from 'vitest';
import { parseDefinitionDocument, type ParsedDocument } from './parse-document';

function parse(doc: unknown): { parsed: ParsedDocument; messages: string[] } {
  const parsed = parseDefinitionDocument(doc, 'f.yaml');
  return { parsed, messages: parsed.errors.map((e) => `${e.severity} ${e.path}: ${e.message}`) };
}

function parseOrg(fields: Record<string, unknown>): ReturnType<typeof parse> {
  return parse({ apiVersion: 'kpi-pulse/v1', orgs: [{ id: 'acme', timeZone: 'UTC', currency: 'EUR', ...fields }] });
}

describe('a document', () => {
  it('warns of an empty file and reads nothing from it', () => {
    for (const empty of [null, undefined]) {
      const { parsed, messages } = parse(empty);
      expect(messages).toEqual(['warning : the file is empty']);
      expect(parsed.definitions).toEqual({ orgs: [], indicators: [], scorecards: [] });
    }
  });

  it('must be a mapping with the apiVersion', () => {
    expect(parse([]).messages).toEqual(['error : expected a mapping, got a list']);
    expect(parse({}).messages).toEqual(['error apiVersion: missing required key "apiVersion" (kpi-pulse/v1)']);
    expect(parse({ apiVersion: 3 }).messages).toEqual(['error apiVersion: expected kpi-pulse/v1, got 3']);
  });

  it('reads nothing more of another apiVersion', () => {
    expect(parse({ apiVersion: 'kpi-pulse/v2', orgs: [{}] }).messages).toEqual([
      'error apiVersion: expected kpi-pulse/v1, got "kpi-pulse/v2"',
    ]);
  });

  it('takes an empty section as none, and wants a list otherwise', () => {
    expect(parse({ apiVersion: 'kpi-pulse/v1', orgs: null, indicators: 'x', scorecards: {} }).messages).toEqual([
      'error indicators: expected a list, got "x"',
      'error scorecards: expected a list, got a mapping',
    ]);
  });

  it('leaves out an entry it cannot read, and records where the others came from', () => {
    const { parsed, messages } = parse({
      apiVersion: 'kpi-pulse/v1',
      orgs: [3, { id: 'b', timeZone: 'UTC', currency: 'EUR' }],
    });
    expect(messages).toEqual(['error orgs[0]: expected a mapping, got 3']);
    expect(parsed.definitions.orgs.map((o) => o.id)).toEqual(['b']);
    expect(parsed.origins.orgs).toEqual([{ file: 'f.yaml', path: 'orgs[1]' }]);
  });
});

describe('an org', () => {
  it('names each missing key and is left out without an id', () => {
    const { parsed, messages } = parseOrg({ id: undefined, timeZone: undefined, currency: undefined });
    expect(messages).toEqual([
      'error orgs[0].id: missing required key "id"',
      'error orgs[0].timeZone: missing required key "timeZone"',
      'error orgs[0].currency: missing required key "currency"',
    ]);
    expect(parsed.definitions.orgs).toEqual([]);
  });

  it('keeps UTC and no currency in place of missing ones', () => {
    expect(parseOrg({ timeZone: undefined, currency: undefined }).parsed.definitions.orgs).toEqual([
      { id: 'acme', timeZone: 'UTC', currency: '', exchangeRates: {} },
    ]);
  });

  it('takes "*" as the default org and refuses a star inside an id', () => {
    expect(parseOrg({ id: '*' }).messages).toEqual([]);
    expect(parseOrg({ id: 'ac*me' }).messages).toEqual(['error orgs[0].id: expected an org id or "*", got "ac*me"']);
  });

  it('reads positive exchange rates and leaves out the others', () => {
    const { parsed, messages } = parseOrg({ exchangeRates: { USD: 0, GBP: 1.2 } });
    expect(messages).toEqual(['error orgs[0].exchangeRates.USD: expected a positive number, got 0']);
    // strictly: a refused rate leaves no key behind, not even an undefined one
    expect(parsed.definitions.orgs[0]?.exchangeRates).toStrictEqual({ GBP: 1.2 });
    expect(parseOrg({ exchangeRates: { USD: undefined } }).messages).toEqual([
      'error orgs[0].exchangeRates.USD: missing required key "USD"',
    ]);
    expect(parseOrg({ exchangeRates: 3 }).messages).toEqual([
      'error orgs[0].exchangeRates: expected a mapping of currency → rate, got 3',
    ]);
    expect(parseOrg({ exchangeRates: [] }).messages).toEqual([
      'error orgs[0].exchangeRates: expected a mapping of currency → rate, got a list',
    ]);
  });

  it('reads a working-day calendar, with or without holidays', () => {
    const { parsed, messages } = parseOrg({ workingDays: ['mon', 'tue'], holidays: [] });
    expect(messages).toEqual([]);
    expect(parsed.definitions.orgs[0]?.calendar).toEqual({ workingDays: ['mon', 'tue'], holidays: [] });
    expect(parseOrg({ workingDays: ['fri'] }).parsed.definitions.orgs[0]?.calendar).toEqual({
      workingDays: ['fri'],
      holidays: [],
    });
  });

  it('refuses a calendar of the wrong shape, keeping the org without one', () => {
    const alone = parseOrg({ holidays: ['2026-01-01'] });
    expect(alone.messages).toEqual([
      'error orgs[0].holidays: holidays need workingDays (e.g. [mon, tue, wed, thu, fri])',
    ]);
    expect(alone.parsed.definitions.orgs[0]).not.toHaveProperty('calendar');
    const oneDay = parseOrg({ workingDays: 'mon' });
    expect(oneDay.messages).toEqual(['error orgs[0].workingDays: expected a list, got "mon"']);
    expect(oneDay.parsed.definitions.orgs[0]).not.toHaveProperty('calendar');
    const badDates = parseOrg({ workingDays: ['mon'], holidays: 'x' });
    expect(badDates.messages).toEqual(['error orgs[0].holidays: expected a list, got "x"']);
  });

  it('keeps the org without a calendar when a working day is refused', () => {
    for (const workingDays of [[], ['mon', 'Tue'], ['mon', 'mon']]) {
      const { parsed, messages } = parseOrg({ workingDays });
      expect(messages).toHaveLength(1);
      expect(parsed.definitions.orgs[0]).not.toHaveProperty('calendar');
    }
  });

  it('keeps the org without a calendar when a holiday is refused', () => {
    for (const holidays of [['2026-02-30'], ['2026-10-01', '2026-10-01'], [20261001]]) {
      const { parsed, messages } = parseOrg({ workingDays: ['mon'], holidays });
      expect(messages).toHaveLength(1);
      expect(parsed.definitions.orgs[0]).not.toHaveProperty('calendar');
    }
  });

  it('refuses a holiday that is no text, even one that reads as a date', () => {
    const { parsed, messages } = parseOrg({ workingDays: ['mon'], holidays: [['2026-10-01'], '2026-10-02'] });
    expect(messages).toEqual(['error orgs[0].holidays[0]: expected a date YYYY-MM-DD, got a list']);
    expect(parsed.definitions.orgs[0]).not.toHaveProperty('calendar');
  });

  it('takes a YAML date back to its calendar date and refuses an invalid one', () => {
    const { parsed, messages } = parseOrg({
      workingDays: ['mon'],
      holidays: [new Date('2026-01-01T00:00:00Z'), new Date(Number.NaN)],
    });
    expect(messages).toEqual(['error orgs[0].holidays[1]: expected a date YYYY-MM-DD, got an invalid date']);
    expect(parsed.definitions.orgs[0]).not.toHaveProperty('calendar');
    expect(
      parseOrg({ workingDays: ['mon'], holidays: [new Date('2026-10-01T00:00:00Z')] }).parsed.definitions.orgs[0]
        ?.calendar,
    ).toEqual({ workingDays: ['mon'], holidays: ['2026-10-01'] });
  });
});
