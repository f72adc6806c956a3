import { getToken } from './auth';
import type {
  AlertAck,
  AlertSubscription,
  CurrentAlerts,
  HistoryEntry,
  HistoryPoint,
  Me,
  Period,
  ScoredCard,
  SilenceRequest,
  SourceListing,
  SubscriptionInput,
} from './types';

export class UnauthorizedError extends Error {
  override readonly name = 'UnauthorizedError';
}

// A refusal. `field` and `code`: the field at fault, when the API names it (an alert subscription's
// `channel.url`, `invalid`); the message then starts with the field, as the API writes it.
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
    readonly field: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

let onUnauthorized: (message: string) => void = () => undefined;

// a 401 anywhere sends the page back to the sign-in panel
export function handleUnauthorized(handler: (message: string) => void): void {
  onUnauthorized = handler;
}

interface Refusal {
  message: string;
  field: string | null;
  code: string | null;
}

async function refusalOf(res: Response): Promise<Refusal> {
  const text = await res.text().catch(() => '');
  const plain = (message: string): Refusal => ({ message, field: null, code: null });
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: unknown; field?: unknown; code?: unknown };
    const message = Array.isArray(body.message) ? body.message.join('; ') : body.message;
    if (typeof message === 'string' && message !== '')
      return {
        message,
        field: typeof body.field === 'string' ? body.field : null,
        code: typeof body.code === 'string' ? body.code : null,
      };
    if (typeof body.error === 'string' && body.error !== '') return plain(body.error);
  } catch {
    // not JSON
  }
  return plain(text.trim() !== '' ? text.trim().slice(0, 300) : `${res.status} ${res.statusText}`);
}

export function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return request<T>('GET', path, undefined, signal);
}

export function postJson<T>(path: string, body?: unknown): Promise<T> {
  return request<T>('POST', path, body);
}

export function patchJson<T>(path: string, body: unknown): Promise<T> {
  return request<T>('PATCH', path, body);
}

export function deleteJson(path: string): Promise<void> {
  return request<void>('DELETE', path, undefined);
}

async function request<T>(method: string, path: string, body: unknown, signal?: AbortSignal): Promise<T> {
  const token = getToken();
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    signal,
    cache: 'no-store',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (res.status === 401) {
    const { message } = await refusalOf(res);
    onUnauthorized(message);
    throw new UnauthorizedError(message);
  }
  if (!res.ok) {
    const { message, field, code } = await refusalOf(res);
    throw new HttpError(res.status, message, field, code);
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

// `team:O1:O1-T1` stays readable in the path: only what a path segment cannot hold is escaped
export function entityPath(entity: string): string {
  return encodeURIComponent(entity).replace(/%3A/gi, ':');
}

export const api = {
  me: (): Promise<Me> => getJson<Me>('/v1/me'),
  sources: (): Promise<SourceListing[]> => getJson<SourceListing[]>('/v1/sources'),
  scorecards: (entity: string, period: Period): Promise<ScoredCard[]> =>
    getJson<ScoredCard[]>(
      `/v1/scorecards/${entityPath(entity)}${period === 'live' ? '' : `?period=${entityPath(period)}`}`,
    ),
  previous: (entity: string, period: Period): Promise<ScoredCard[]> =>
    getJson<ScoredCard[]>(
      `/v1/scorecards/${entityPath(entity)}/previous${period === 'live' ? '' : `?period=${entityPath(period)}`}`,
    ),
  alerts: (): Promise<CurrentAlerts> => getJson<CurrentAlerts>('/v1/alerts'),
  alertHistory: (before?: number): Promise<{ transitions: HistoryEntry[]; next: number | null }> =>
    getJson(`/v1/alerts?history=1&limit=50${before === undefined ? '' : `&before=${before}`}`),
  acknowledge: (id: number): Promise<AlertAck> => postJson<AlertAck>(`/v1/alerts/${id}/acknowledge`),
  silence: (request: SilenceRequest): Promise<unknown> => postJson('/v1/alert-silences', request),
  subscriptions: (): Promise<AlertSubscription[]> => getJson<AlertSubscription[]>('/v1/alert-subscriptions'),
  subscribe: (input: SubscriptionInput): Promise<AlertSubscription> =>
    postJson<AlertSubscription>('/v1/alert-subscriptions', input),
  changeSubscription: (id: string, input: SubscriptionInput): Promise<AlertSubscription> =>
    patchJson<AlertSubscription>(`/v1/alert-subscriptions/${encodeURIComponent(id)}`, input),
  unsubscribe: (id: string): Promise<void> => deleteJson(`/v1/alert-subscriptions/${encodeURIComponent(id)}`),
  history: (entity: string, scorecard: string, limit = 30): Promise<HistoryPoint[]> =>
    getJson<HistoryPoint[]>(
      `/v1/scorecards/${entityPath(entity)}/${encodeURIComponent(scorecard)}/history?limit=${limit}`,
    ),
};
