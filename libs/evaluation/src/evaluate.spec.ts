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
});
