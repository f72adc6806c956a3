import { trainingDefinitions } from '../../definitions/src/sample-definitions.fixture';
import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate';

const DEFINITIONS = {
  ...trainingDefinitions(),
  orgs: [{ id: '*', timeZone: 'Asia/Shanghai', currency: 'CNY', exchangeRates: {} }],
};

function score(id: string, value: number, time = '2026-11-05T09:00:00+08:00', reviewerId = 'trainer-1'): string {
  return JSON.stringify({
    specversion: '1.0',
    id,
    source: 'reviews/lms',
    type: 'kpi.manual_score',
    time,
    data: { orgId: 'O1', agentId: 'A1', indicator: 'cs.training', value, reviewerId },
  });
}

describe('evaluate', () => {
  it('lists rejected lines with the check of ingest: field, code and reason, wherever their time falls', () => {
    const report = evaluate({
      definitions: DEFINITIONS,
      lines: [
        score('m1', 80),
        score('m2', 999),
        score('m3', 70, '2026-12-05T09:00:00+08:00', 'intern-7'), // after as-of, and from an unlisted reviewer
        score('m4', 90, '2026-12-06T09:00:00+08:00'), // after as-of, valid: not counted, not listed
      ],
      asOf: '2026-11-30T23:59:59+08:00',
    });
    expect(report.rejected).toEqual([
      {
        line: 2,
        id: 'm2',
        source: 'reviews/lms',
        field: 'data.value',
        code: 'out_of_scale',
        reason: 'data.value: expected a number from 0 to 100',
      },
      {
        line: 3,
        id: 'm3',
        source: 'reviews/lms',
        field: 'data.reviewerId',
        code: 'reviewer_not_allowed',
        reason: 'data.reviewerId: intern-7 may not score cs.training',
      },
    ]);
    expect(report.summary).toMatchObject({ lines: 4, accepted: 1, rejected: 2, afterAsOf: 1 });
    expect(report.indicators.map((v) => [v.indicator, v.entity.id, v.value])).toEqual([['cs.training', 'A1', 80]]);
  });

  describe('deliveries of one (source, id): the first valid line counts, whatever its time and --as-of', () => {
    const early = score('m1', 90, '2026-11-10T09:00:00+08:00');
    const late = score('m1', 80, '2026-11-20T09:00:00+08:00');
    const other = score('m2', 60, '2026-11-12T09:00:00+08:00', 'trainer-1').replace('"A1"', '"A2"');
    const run = (lines: string[], asOf = '2026-11-30T23:59:59+08:00') =>
      evaluate({ definitions: DEFINITIONS, lines, asOf });
    const valueOf = (r: ReturnType<typeof run>, agent = 'A1') =>
      r.indicators.find((v) => v.entity.id === agent)?.value ?? null;

    it('keeps the earlier line and lists the later one as a conflict with both lines and times', () => {
      const r = run([late, other, early]);
      expect(valueOf(r)).toBe(80);
      expect(r.conflicts).toEqual([
        {
          id: 'm1',
          source: 'reviews/lms',
          kept: { line: 1, time: '2026-11-20T09:00:00+08:00' },
          dropped: { line: 3, time: '2026-11-10T09:00:00+08:00' },
        },
      ]);
      expect(r.summary).toMatchObject({ lines: 3, accepted: 2, duplicates: 0, conflicts: 1 });
    });

    it('does not let an --as-of between the two deliveries bring the dropped one back', () => {
      // before: line 1 was skipped as after --as-of, and line 3 (timed earlier) counted in its place
      const r = run([late, other, early], '2026-11-15T00:00:00+08:00');
      expect(valueOf(r)).toBeNull();
      expect(valueOf(r, 'A2')).toBe(60);
      expect(r.conflicts.map((c) => c.dropped.line)).toEqual([3]);
      expect(r.summary).toMatchObject({ accepted: 1, afterAsOf: 1, conflicts: 1 });
    });

    it('gives the same answer whatever the order of the other lines', () => {
      const a = run([late, other, early]);
      const b = run([other, late, early]);
      expect(b.indicators).toEqual(a.indicators);
      expect(b.conflicts.map((c) => [c.kept.time, c.dropped.time])).toEqual(
        a.conflicts.map((c) => [c.kept.time, c.dropped.time]),
      );
    });

    it('counts a repeat with the same content as a duplicate, not a conflict, and an invalid first line not at all', () => {
      const sameWrittenOtherwise = late.replace('2026-11-20T09:00:00+08:00', '2026-11-20T01:00:00Z');
      const invalid = score('m1', 999, '2026-11-05T09:00:00+08:00');
      const r = run([invalid, late, sameWrittenOtherwise]);
      expect(r.rejected.map((x) => [x.line, x.code])).toEqual([[1, 'out_of_scale']]);
      expect(r.conflicts).toEqual([]);
      expect(r.summary).toMatchObject({ accepted: 1, duplicates: 1, rejected: 1 });
      expect(valueOf(r)).toBe(80);
    });

    it('lists a line of an unknown org as rejected, even timed after --as-of', () => {
      const definitions = { ...DEFINITIONS, orgs: [{ ...DEFINITIONS.orgs[0], id: 'O1' }] } as typeof DEFINITIONS;
      const stranger = score('x1', 50, '2026-12-05T09:00:00+08:00').replace('"O1"', '"O9"');
      const r = evaluate({ definitions, lines: [stranger], asOf: '2026-11-30T23:59:59+08:00' });
      expect(r.rejected).toMatchObject([{ line: 1, id: 'x1', field: 'data.orgId', code: 'unknown_org' }]);
      expect(r.summary).toMatchObject({ rejected: 1, afterAsOf: 0 });
    });
  });

  it('prints values as computed, not rounded', () => {
    const r = evaluate({
      definitions: DEFINITIONS,
      lines: [score('m1', 12.3456789012345)],
      asOf: '2026-11-30T23:59:59+08:00',
    });
    expect(r.indicators[0]?.value).toBe(12.3456789012345);
  });
});
