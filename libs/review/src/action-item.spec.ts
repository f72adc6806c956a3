import { describe, expect, it } from 'vitest';
import { carriedItems, closedAtAfter, isOverdue, parseActionItemFields } from './action-item';
import { item, WEEK } from './review-pack.fixture';
import { ReviewInputError } from './review-input-error';

const refused = (body: unknown) => {
  try {
    parseActionItemFields(body);
  } catch (err) {
    if (err instanceof ReviewInputError) return { field: err.field, code: err.code, message: err.message };
    throw err;
  }
  return undefined;
};

describe('action items', () => {
  it('takes a title, an owner and a due date; status defaults to open', () => {
    expect(parseActionItemFields({ title: ' Call back ACME ', owner: 'A1', dueDate: '2026-12-04' })).toEqual({
      title: 'Call back ACME',
      owner: 'A1',
      dueDate: '2026-12-04',
      status: 'open',
    });
  });

  it('refuses each bad field by name, code and a message that says what it must be', () => {
    const due = '2026-12-04';
    expect([[], null, 'call', 3].map(refused)).toEqual(
      [[], null, 'call', 3].map(() => ({
        field: 'body',
        code: 'invalid_type',
        message: 'body: must be a JSON object',
      })),
    );
    expect(refused({ owner: 'A1', dueDate: due })).toEqual({
      field: 'title',
      code: 'required',
      message: 'title: is required',
    });
    expect(refused({ title: 'x', dueDate: due })).toEqual({
      field: 'owner',
      code: 'required',
      message: 'owner: is required',
    });
    expect(refused({ title: 'x', owner: 'A1' })).toEqual({
      field: 'dueDate',
      code: 'required',
      message: 'dueDate: is required',
    });
    expect(refused({ title: 'x', owner: 'A1', dueDate: '2026-02-30' })).toEqual({
      field: 'dueDate',
      code: 'invalid_value',
      message: 'dueDate: must be a calendar date, YYYY-MM-DD',
    });
    expect(refused({ title: 'x', owner: 'A1', dueDate: due, status: 'later' })).toEqual({
      field: 'status',
      code: 'invalid_value',
      message: 'status: must be one of open, in_progress, done, dropped',
    });
    expect(refused({ title: 'x', owner: 'A1', dueDate: due, status: 3 })).toMatchObject({ field: 'status' });
    expect(refused({ title: 'x'.repeat(501), owner: 'A1', dueDate: due })).toEqual({
      field: 'title',
      code: 'too_long',
      message: 'title: at most 500 characters',
    });
    expect(refused({ title: 'x'.repeat(500), owner: 'A'.repeat(201), dueDate: due })).toMatchObject({
      field: 'owner',
      code: 'too_long',
    });
    expect(refused({ title: 3, owner: 'A1', dueDate: due })).toEqual({
      field: 'title',
      code: 'invalid_type',
      message: 'title: must be a string',
    });
    expect(refused({ title: '  ', owner: 'A1', dueDate: due })).toEqual({
      field: 'title',
      code: 'invalid_value',
      message: 'title: must not be empty',
    });
    expect(refused({ title: 'x', owner: 'A1', dueDate: due, ownerId: 'A2' })).toEqual({
      field: 'ownerId',
      code: 'unknown_field',
      message: 'ownerId: is not a field of an action item',
    });
  });

  it('changes only the fields given', () => {
    const stored = { title: 'a', owner: 'A1', dueDate: '2026-12-04', status: 'open' as const };
    expect(parseActionItemFields({ status: 'done' }, stored)).toEqual({ ...stored, status: 'done' });
  });

  it('keeps the moment an item was first closed, and clears it when reopened', () => {
    const done = item({ id: '1', status: 'done', closedAt: 5 });
    expect(closedAtAfter(item({ id: '1' }), 'done', 9)).toBe(9);
    expect(closedAtAfter(done, 'dropped', 9)).toBe(5);
    expect(closedAtAfter(done, 'in_progress', 9)).toBeNull();
    expect(closedAtAfter(undefined, 'dropped', 9)).toBe(9); // created closed
    // the moment is kept only from a closed item that has one
    expect(closedAtAfter(item({ id: '1', status: 'done', closedAt: null }), 'done', 9)).toBe(9);
    expect(closedAtAfter(item({ id: '1', status: 'open', closedAt: 5 }), 'done', 9)).toBe(9);
  });

  it('carries an item raised in the week itself, and one closed at the very start of the week', () => {
    const carried = carriedItems(
      [
        item({ id: 'raised-now', raisedWeek: '2026-W48' }),
        item({ id: 'raised-next', raisedWeek: '2026-W49' }),
        item({ id: 'closed-at-start', status: 'done', closedAt: WEEK.start }),
        item({ id: 'closed-before', status: 'done', closedAt: WEEK.start - 1 }),
      ],
      WEEK,
    );
    expect(carried.map((i) => i.id)).toEqual(['closed-at-start', 'raised-now']); // same due date: by creation, then id
  });

  it('is overdue while open past its due date', () => {
    expect(isOverdue(item({ id: '1', dueDate: '2026-11-27' }), '2026-11-29')).toBe(true);
    expect(isOverdue(item({ id: '1', dueDate: '2026-11-29' }), '2026-11-29')).toBe(false);
    expect(isOverdue(item({ id: '1', dueDate: '2026-11-27', status: 'done', closedAt: 1 }), '2026-11-29')).toBe(false);
  });
});
