import { describe, expect, it } from 'vitest';
import { contractProblems } from './contract-problems';
import type { Measure } from './model';
import { term } from './sample-definitions.fixture';

describe('contract problems, where each is named', () => {
  it('names both ends of a duration and the time field of a term', () => {
    const numerator = term(['ticket.solved'], {
      aggregation: { kind: 'duration', from: 'data.openedAtt', to: 'data.solvedAtt', unit: 'h' },
      timeField: 'data.dueDat',
    });
    expect(contractProblems({ kind: 'terms', numerator, scale: 1 }).map((p) => p.path)).toEqual([
      '.numerator.duration.from',
      '.numerator.duration.to',
      '.numerator.time',
    ]);
  });

  it('names every type a field is not carried by', () => {
    const numerator = term(['ticket.created', 'ticket.replied'], {
      where: [{ field: 'data.zzz', op: 'exists', value: true }],
    });
    const [problem] = contractProblems({ kind: 'terms', numerator, scale: 1 });
    expect(problem?.message).toMatch(
      /^unknown field "data\.zzz": not carried by ticket\.created, ticket\.replied; they carry /,
    );
  });

  it('names the ends of a conversion, and checks its key against the known types alone', () => {
    const conversion: Measure = {
      kind: 'conversion',
      key: 'data.ticketId',
      from: term(['ticket.created'], { where: [{ field: 'data.zzz', op: 'exists', value: true }] }),
      to: term(['ticket.solvd']),
      withinMs: 1,
    };
    expect(contractProblems(conversion).map((p) => p.path)).toEqual([
      '.conversion.from.where["data.zzz"]',
      '.conversion.to.of',
    ]);
  });

  it('names every type of both ends a key is not carried by, once each', () => {
    const lifecycle: Measure = {
      kind: 'lifecycle',
      key: 'data.ticketId',
      from: term(['refund.issued']),
      to: term(['call.ended', 'refund.issued']),
      pick: 'first',
      result: { kind: 'average', unit: 's' },
      horizonMs: 1,
    };
    expect(contractProblems(lifecycle)).toEqual([
      { path: '.lifecycle.key', message: 'unknown field "data.ticketId": not carried by refund.issued, call.ended' },
    ]);
  });
});
