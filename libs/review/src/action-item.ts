import { dayNumberOfDate } from '#libs/time';
import { ReviewInputError } from './review-input-error';
import type { ReviewWeek } from './review-week';

// An action agreed in a review meeting: one owner, a due date, a status. It is shown in every weekly pack
// from the week it was raised in until the week it is done (or dropped), so nothing agreed is lost.
export const ACTION_STATUSES = ['open', 'in_progress', 'done', 'dropped'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

export interface ActionItem {
  id: string;
  teamId: string;
  title: string;
  owner: string; // an agent id or a person's name, as the meeting names them
  dueDate: string; // YYYY-MM-DD, the org's calendar
  status: ActionStatus;
  raisedWeek: string; // the review week it was agreed in (2026-W48)
  createdAt: number;
  updatedAt: number;
  closedAt: number | null; // when it became done or dropped
}

export interface ActionItemFields {
  title: string;
  owner: string;
  dueDate: string;
  status: ActionStatus;
}

const MAX_TITLE = 500;
const MAX_OWNER = 200;
const FIELDS = ['title', 'owner', 'dueDate', 'status', 'week'];

const isClosed = (status: ActionStatus): boolean => status === 'done' || status === 'dropped';

function text(body: Record<string, unknown>, field: string, max: number): string | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new ReviewInputError(field, 'invalid_type', 'must be a string');
  const trimmed = value.trim();
  if (trimmed === '') throw new ReviewInputError(field, 'invalid_value', 'must not be empty');
  if (trimmed.length > max) throw new ReviewInputError(field, 'too_long', `at most ${max} characters`);
  return trimmed;
}

// A new item's fields (every one but status required), or a change's (the fields given over `stored`).
export function parseActionItemFields(body: unknown, stored?: ActionItemFields): ActionItemFields {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ReviewInputError('body', 'invalid_type', 'must be a JSON object');
  const input = body as Record<string, unknown>;
  const unknown = Object.keys(input).find((k) => !FIELDS.includes(k));
  if (unknown !== undefined) throw new ReviewInputError(unknown, 'unknown_field', `is not a field of an action item`);
  const title = text(input, 'title', MAX_TITLE) ?? stored?.title;
  const owner = text(input, 'owner', MAX_OWNER) ?? stored?.owner;
  const dueDate = text(input, 'dueDate', 10) ?? stored?.dueDate;
  const status = input.status ?? stored?.status ?? 'open';
  if (title === undefined) throw new ReviewInputError('title', 'required', 'is required');
  if (owner === undefined) throw new ReviewInputError('owner', 'required', 'is required');
  if (dueDate === undefined) throw new ReviewInputError('dueDate', 'required', 'is required');
  if (Number.isNaN(dayNumberOfDate(dueDate)))
    throw new ReviewInputError('dueDate', 'invalid_value', 'must be a calendar date, YYYY-MM-DD');
  if (typeof status !== 'string' || !(ACTION_STATUSES as readonly string[]).includes(status))
    throw new ReviewInputError('status', 'invalid_value', `must be one of ${ACTION_STATUSES.join(', ')}`);
  return { title, owner, dueDate, status: status as ActionStatus };
}

// when an item changed to `next` at `now` was closed: kept from before when it stays closed
export function closedAtAfter(previous: ActionItem | undefined, next: ActionStatus, now: number): number | null {
  if (!isClosed(next)) return null;
  return previous !== undefined && isClosed(previous.status) && previous.closedAt !== null ? previous.closedAt : now;
}

// The items a week's pack carries: raised in that week or before, and not closed before it began. An
// item closed during the week is shown once more, closed, so the meeting sees it done.
export function carriedItems(items: readonly ActionItem[], week: ReviewWeek): ActionItem[] {
  return items
    .filter((i) => i.raisedWeek <= week.label && (i.closedAt === null || i.closedAt >= week.start))
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.createdAt - b.createdAt || a.id.localeCompare(b.id));
}

// overdue: still open at the week's end past its due date (dates compared on the org's calendar)
export function isOverdue(item: ActionItem, lastDayOfWeek: string): boolean {
  return !isClosed(item.status) && item.dueDate < lastDayOfWeek;
}
