import type { CanonicalEvent } from '#libs/events';
import { assertNever } from './assert-never';

// The realistic mistakes a producer makes; each invalid line carries exactly one.
export const MISTAKES = [
  'missing-org-id',
  'time-without-offset',
  'unknown-type',
  'negative-amount',
  'zero-contacts',
  'score-out-of-range',
  'lowercase-currency',
  'impossible-due-date',
  'first-reply-not-boolean',
] as const;
export type Mistake = (typeof MISTAKES)[number];

const UNKNOWN_TYPES: readonly string[] = [
  'ticket.closed',
  'call.completed',
  'crm.deal.signed',
  'payment.recieved',
  'invoice.sent',
];

export function applicableMistakes(event: CanonicalEvent): Mistake[] {
  const mistakes: Mistake[] = ['missing-org-id', 'time-without-offset', 'unknown-type'];
  if (typeof event.data.amount === 'number') mistakes.push('negative-amount');
  if (typeof event.data.currency === 'string') mistakes.push('lowercase-currency');
  switch (event.type) {
    case 'ticket.solved':
      mistakes.push('zero-contacts');
      break;
    case 'ticket.rated':
      mistakes.push('score-out-of-range');
      break;
    case 'invoice.issued':
      mistakes.push('impossible-due-date');
      break;
    case 'ticket.replied':
      mistakes.push('first-reply-not-boolean');
      break;
    default:
      break;
  }
  return mistakes;
}

// A copy of `event` under a new id with the one mistake; the original is left untouched.
export function makeInvalid(
  event: CanonicalEvent,
  mistake: Mistake,
  id: string,
  pickType: (types: readonly string[]) => string,
): Record<string, unknown> {
  const data: Record<string, unknown> = { ...event.data };
  const invalid: Record<string, unknown> = { ...event, id, data };
  switch (mistake) {
    case 'missing-org-id':
      delete data.orgId;
      break;
    case 'time-without-offset':
      invalid.time = event.time.slice(0, 19);
      break;
    case 'unknown-type':
      invalid.type = pickType(UNKNOWN_TYPES);
      break;
    case 'negative-amount':
      data.amount = -Math.abs(Number(data.amount));
      break;
    case 'zero-contacts':
      data.contacts = 0;
      break;
    case 'score-out-of-range':
      data.score = 7;
      break;
    case 'lowercase-currency':
      data.currency = String(data.currency).toLowerCase();
      break;
    case 'impossible-due-date':
      // February 30th: well-formed, not a date
      data.dueDate = `${event.time.slice(0, 4)}-02-30`;
      break;
    case 'first-reply-not-boolean':
      data.firstReply = 'yes';
      break;
    default:
      return assertNever(mistake, 'mistake');
  }
  return invalid;
}
