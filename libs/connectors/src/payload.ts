import { createHash } from 'node:crypto';
import { dateOfDayNumber, localDayNumber } from '#libs/time';
import type { CanonicalEvent, EventData } from '#libs/events';
import type { Mapped, MappingContext, MappingProblem } from './connector';

export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// The body as JSON, or undefined when it is not JSON.
export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

// An id as text: vendors send ids as numbers (Zendesk, Pipedrive, Aircall) or strings.
export function idOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}

export const numberOf = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value)
    ? value
    : typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))
      ? Number(value)
      : undefined;

export const textOf = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value : undefined;

// The instants a Date can hold (±100 million days): beyond them, formatting one throws.
const MAX_INSTANT_MS = 8.64e15;

// An instant in ms from an ISO string, epoch seconds or epoch ms (named by the caller); undefined when it
// is none, or is out of any calendar (a hostile `created: 1e20` is malformed, not a crash).
export function instantOf(value: unknown, unit: 'iso' | 'seconds' | 'ms'): number | undefined {
  const n = unit === 'iso' ? (typeof value === 'string' ? Date.parse(value) : NaN) : numberOf(value);
  if (n === undefined || !Number.isFinite(n)) return undefined;
  const ms = unit === 'seconds' ? n * 1000 : n;
  return Math.abs(ms) <= MAX_INSTANT_MS ? ms : undefined;
}

export const isoOf = (ms: number): string => new Date(ms).toISOString();

// The org's calendar date of an instant (an invoice's due date).
export const localDateOf = (ms: number, timeZone: string): string => dateOfDayNumber(localDayNumber(timeZone, ms));

export const seconds = (fromMs: number, toMs: number): number => Math.max(0, (toMs - fromMs) / 1000);

// A stable id from content: the same delivery, retried, gives the same id.
export const digestOf = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16);

export function eventOf(
  context: MappingContext,
  fields: { id: string; type: string; time: number; subject: string; data: Omit<EventData, 'orgId'> },
): Mapped {
  const event: CanonicalEvent = {
    specversion: '1.0',
    id: fields.id,
    source: context.source,
    type: fields.type,
    time: isoOf(fields.time),
    subject: fields.subject,
    data: { orgId: context.orgId, ...withoutUndefined(fields.data) },
  };
  return { kind: 'event', event };
}

// Optional fields are absent when unknown: the contract reads null or undefined as a wrong value.
function withoutUndefined(data: Json): Json {
  return Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
}

export const ignored = (reason: string): Mapped => ({ kind: 'ignored', reason });

export const unmappable = (code: MappingProblem, field: string, reason: string, id?: string): Mapped =>
  id === undefined ? { kind: 'unmappable', code, field, reason } : { kind: 'unmappable', code, field, reason, id };

// Durations the vendor does not measure (hold, wrap-up, handling) are left out, not sent as 0, and named in
// `data.unmeasured` (docs/events.md): no indicator averages a number no one measured.
export const unmeasured = (...fields: string[]): Json => ({ unmeasured: fields });
