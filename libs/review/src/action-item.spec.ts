import { describe, expect, it } from 'vitest';
import { closedAtAfter, isOverdue, parseActionItemFields } from './action-item';
import { item } from './review-pack.fixture';
import { ReviewInputError } from './review-input-error';

const refused = (body: unknown) => {
  try {
    parseActionItemFields(body);
  } catch (err) {
    if (err instanceof ReviewInputError) return { field: err.field, code: err.code };
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

  it('refuses each bad field by name and code', () => {
    expect(refused([])).toEqual({ field: 'body', code: 'invalid_type' });
    expect(refused({ owner: 'A1', dueDate: '2026-12-04' })).toEqual({ field: 'title', code: 'required' });
    expect(refused({ title: 'x', dueDate: '2026-12-04' })).toEqual({ field: 'owner', code: 'required' });
    expect(refused({ title: 'x', owner: 'A1' })).toEqual({ field: 'dueDate', code: 'required' });
    expect(refused({ title: 'x', owner: 'A1', dueDate: '2026-02-30' })).toEqual({
      field: 'dueDate',
      code: 'invalid_value',
    });
    expect(refused({ title: 'x', owner: 'A1', dueDate: '2026-12-04', status: 'later' })).toEqual({
      field: 'status',
      code: 'invalid_value',
    });
    expect(refused({ title: 'x'.repeat(501), owner: 'A1', dueDate: '2026-12-04' })).toEqual({
      field: 'title',
      code: 'too_long',
    });
    expect(refused({ title: 3, owner: 'A1', dueDate: '2026-12-04' })).toEqual({ field: 'title', code: 'invalid_type' });
    expect(refused({ title: '  ', owner: 'A1', dueDate: '2026-12-04' })).toEqual({
      field: 'title',
      code: 'invalid_value',
    });
    expect(refused({ title: 'x', owner: 'A1', dueDate: '2026-12-04', ownerId: 'A2' })).toEqual({
      field: 'ownerId',
      code: 'unknown_field',
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
  });

  it('is overdue while open past its due date', () => {
    expect(isOverdue(item({ id: '1', dueDate: '2026-11-27' }), '2026-11-29')).toBe(true);
    expect(isOverdue(item({ id: '1', dueDate: '2026-11-29' }), '2026-11-29')).toBe(false);
    expect(isOverdue(item({ id: '1', dueDate: '2026-11-27', status: 'done', closedAt: 1 }), '2026-11-29')).toBe(false);
  });
});
