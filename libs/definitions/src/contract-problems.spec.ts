import { describe, expect, it } from 'vitest';
import { contractProblems } from './contract-problems';
import type { Measure } from './model';
import { term } from './sample-definitions.fixture';

describe('contract problems', () => {
  it('reads a nested data path as its top field, and leaves envelope fields alone', () => {
    const measure: Measure = {
      kind: 'terms',
      numerator: term(['refund.issued'], {
        where: [
          { field: 'data.amount.minor', op: 'gt', value: 0 },
          { field: 'subject', op: 'exists', value: true },
        ],
      }),
      scale: 1,
    };
    expect(contractProblems(measure)).toEqual([]);
  });

  it('names a single type or field at its key, and an item of a list at its index', () => {
    expect(contractProblems({ kind: 'terms', numerator: term(['ticket.solvd']), scale: 1 })).toEqual([
      { path: '.numerator.of', message: 'unknown event type "ticket.solvd"; did you mean "ticket.solved"?' },
    ]);
    expect(
      contractProblems({
        kind: 'terms',
        numerator: term(['ticket.solved'], {
          aggregation: { kind: 'distinct', fields: ['data.ticketId', 'data.tiketId'] },
        }),
        scale: 1,
      }),
    ).toEqual([
      {
        path: '.numerator.distinct[1]',
        message: 'unknown field "data.tiketId": not carried by ticket.solved; did you mean "data.ticketId"?',
      },
    ]);
  });

  it('checks no field of a term whose every type is unknown', () => {
    const measure: Measure = {
      kind: 'terms',
      numerator: term(['nope.a', 'nope.b'], { where: [{ field: 'data.x', op: 'eq', value: 1 }] }),
      scale: 1,
    };
    expect(contractProblems(measure).map((p) => p.path)).toEqual(['.numerator.of[0]', '.numerator.of[1]']);
  });

  it('reports a denominator apart from its numerator, and an average once', () => {
    const numerator = term(['ticket.solved'], { where: [{ field: 'data.x', op: 'eq', value: 1 }] });
    expect(
      contractProblems({ kind: 'terms', numerator, denominator: term(['ticket.solved']), scale: 1 }).map((p) => p.path),
    ).toEqual(['.numerator.where["data.x"]']);
    expect(
      contractProblems({
        kind: 'terms',
        numerator,
        denominator: { ...numerator, aggregation: { kind: 'count' } },
        scale: 1,
      }).map((p) => p.path),
    ).toEqual(['.average.where["data.x"]']);
    expect(
      contractProblems({
        kind: 'terms',
        numerator: term(['ticket.solved']),
        denominator: term(['ticket.solvd']),
        scale: 1,
      }),
    ).toEqual([
      { path: '.denominator.of', message: 'unknown event type "ticket.solvd"; did you mean "ticket.solved"?' },
    ]);
  });

  it('checks a lifecycle key against both ends; a subject key needs no field', () => {
    const lifecycle = (key: string, to: string[]): Measure => ({
      kind: 'lifecycle',
      key,
      from: term(['ticket.created']),
      to: term(to),
      pick: 'first',
      result: { kind: 'average', unit: 's' },
      horizonMs: 1,
    });
    expect(contractProblems(lifecycle('data.ticketId', ['ticket.replied']))).toEqual([]);
    expect(contractProblems(lifecycle('subject', ['refund.issued']))).toEqual([]);
    expect(contractProblems(lifecycle('data.ticketId', ['refund.issued', 'ticket.replied', 'refund.issued']))).toEqual([
      { path: '.lifecycle.key', message: 'unknown field "data.ticketId": not carried by refund.issued' },
    ]);
    expect(contractProblems(lifecycle('data.ticketId.x', ['ticket.replied']))).toEqual([]);
  });

  it('knows nothing to check in overdue and manual measures', () => {
    expect(contractProblems({ kind: 'overdue-ratio', afterDays: 30 })).toEqual([]);
    expect(contractProblems({ kind: 'manual', scale: [0, 100] })).toEqual([]);
  });
});
