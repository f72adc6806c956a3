import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkEvent, type DefinitionSet } from '#libs/definitions';
import { evaluate, type EvaluationReport } from '#libs/evaluation';
import type { CanonicalEvent } from '#libs/events';
import { arrivalsArb } from '../support/event-arbitraries';
import { TEST_INDICATORS, TEST_ORGS } from '../support/test-definitions';

const definitions: DefinitionSet = { orgs: TEST_ORGS, indicators: TEST_INDICATORS, scorecards: [] };

// The rule, worked out apart from evaluate: the first line of each (source, id) counts; a later one is
// a conflict when its type, instant, subject or data differ (compared as values, not as text).
const pair = (e: CanonicalEvent) => JSON.stringify([e.source, e.id]);
const meaning = (e: CanonicalEvent) => ({
  type: e.type,
  time: Date.parse(e.time),
  subject: e.subject ?? null,
  data: e.data,
});
function rule(lines: readonly CanonicalEvent[]) {
  const first = new Map<string, { line: number; event: CanonicalEvent }>();
  const conflicts: { id: string; kept: number; dropped: number }[] = [];
  lines.forEach((event, i) => {
    const kept = first.get(pair(event));
    if (kept === undefined) first.set(pair(event), { line: i + 1, event });
    else if (!isDeepStrictEqual(meaning(kept.event), meaning(event)))
      conflicts.push({ id: event.id, kept: kept.line, dropped: i + 1 });
  });
  return { counted: [...first.values()].map((k) => k.event), conflicts };
}

// a stream of valid lines, some keys sent again as they were (keys reordered) or with other content,
// and a moment among the events' times
const streamArb = fc
  .tuple(arrivalsArb, fc.array(fc.tuple(fc.nat(), fc.boolean(), fc.integer({ min: -5, max: 5 })), { maxLength: 20 }))
  .map(([arrivals, repeats]) => {
    const valid = arrivals.filter((e) => checkEvent(e, definitions, null).ok);
    const lines = [...valid];
    for (const [at, same, shiftHours] of repeats) {
      const original = valid[at % Math.max(1, valid.length)];
      if (original === undefined) break;
      const again: CanonicalEvent = same
        ? { ...original, data: Object.fromEntries(Object.entries(original.data).reverse()) as CanonicalEvent['data'] }
        : { ...original, time: new Date(Date.parse(original.time) + shiftHours * 3_600_000 - 1000).toISOString() };
      lines.splice(Math.min(lines.length, (at % (lines.length + 1)) + 1), 0, again);
    }
    return lines;
  })
  .chain((lines) => fc.tuple(fc.constant(lines), fc.constantFrom(...lines.map((e) => e.time), '2027-06-01T00:00:00Z')));

const run = (lines: readonly CanonicalEvent[], asOf: string): EvaluationReport =>
  evaluate({ definitions, lines: lines.map((e) => JSON.stringify(e)), asOf });

describe('evaluate: the first valid delivery of a (source, id) counts, whatever the event times and --as-of', () => {
  it('gives the values of the first deliveries alone, and lists every other delivery with other content', () => {
    fc.assert(
      fc.property(streamArb, ([lines, asOf]) => {
        const { counted, conflicts } = rule(lines);
        const report = run(lines, asOf);
        expect(report.indicators).toEqual(run(counted, asOf).indicators);
        expect(report.conflicts.map((c) => ({ id: c.id, kept: c.kept.line, dropped: c.dropped.line }))).toEqual(
          conflicts,
        );
        expect(report.rejected).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('gives the same answer when lines of different keys change places', () => {
    fc.assert(
      fc.property(streamArb, fc.array(fc.nat(), { maxLength: 30 }), ([lines, asOf], swaps) => {
        const moved = [...lines];
        for (const s of swaps) {
          const i = s % Math.max(1, moved.length - 1);
          const [a, b] = [moved[i], moved[i + 1]];
          // swapping neighbours of different keys keeps each key's deliveries in their order
          if (a !== undefined && b !== undefined && pair(a) !== pair(b)) [moved[i], moved[i + 1]] = [b, a];
        }
        const times = (r: EvaluationReport) => r.conflicts.map((c) => [c.id, c.kept.time, c.dropped.time]).sort();
        // rows with a value: whether an empty (null) row is listed may follow the order (an overdue row
        // appears for an invoice read before its payment at the same instant, not after it); numbers to 12
        // digits, as the same amounts summed in another order differ in their last bits (1043.7 and
        // 1043.6999999999998: float addition is not associative)
        const digits = (n: number | null) => (n === null ? null : Number(n.toPrecision(12)));
        const values = (r: EvaluationReport) =>
          r.indicators
            .filter((v) => v.value !== null)
            .map((v) => ({
              ...v,
              value: digits(v.value),
              numerator: digits(v.numerator),
              denominator: digits(v.denominator),
            }));
        const before = run(lines, asOf);
        const after = run(moved, asOf);
        expect(values(after)).toEqual(values(before));
        expect(times(after)).toEqual(times(before));
      }),
      { numRuns: 150 },
    );
  });
});
