import { getToken } from './auth';
import type {
  AlertAck,
  CurrentAlerts,
  HistoryEntry,
  HistoryPoint,
  Me,
  Period,
  ScoredCard,
  SilenceRequest,
} from './types';

export class UnauthorizedError extends Error {
  override readonly name = 'UnauthorizedError';
}

export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

let onUnauthorized: (message: string) => void = () => undefined;

// a 401 anywhere sends the page back to the sign-in panel
export function handleUnauthorized(handler: (message: string) => void): void {
  onUnauthorized = handler;
}

async function messageOf(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: unknown };
    const message = Array.isArray(body.message) ? body.message.join('; ') : body.message;
    if (typeof message === 'string' && message !== '') return message;
    if (typeof body.error === 'string' && body.error !== '') return body.error;
  } catch {
    // not JSON
  }
  return text.trim() !== '' ? text.trim().slice(0, 300) : `${res.status} ${res.statusText}`;
}

export function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return request<T>('GET', path, undefined, signal);
}

export function postJson<T>(path: string, body?: unknown): Promise<T> {
  return request<T>('POST', path, body);
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
    const message = await messageOf(res);
    onUnauthorized(message);
    throw new UnauthorizedError(message);
  }
  if (!res.ok) throw new HttpError(res.status, await messageOf(res));
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

// `team:O1:O1-T1` stays readable in the path: only what a path segment cannot hold is escaped
export function entityPath(entity: string): string {
  return encodeURIComponent(entity).replace(/%3A/gi, ':');
}

export const api = {
  me: (): Promise<Me> => getJson<Me>('/v1/me'),
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
  history: (entity: string, scorecard: string, limit = 30): Promise<HistoryPoint[]> =>
    getJson<HistoryPoint[]>(
      `/v1/scorecards/${entityPath(entity)}/${encodeURIComponent(scorecard)}/history?limit=${limit}`,
    ),
};
