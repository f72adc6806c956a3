import { getToken } from './auth';
import type { HistoryPoint, Me, Period, ScoredCard } from './types';

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

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const token = getToken();
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(path, { headers, signal, cache: 'no-store' });
  if (res.status === 401) {
    const message = await messageOf(res);
    onUnauthorized(message);
    throw new UnauthorizedError(message);
  }
  if (!res.ok) throw new HttpError(res.status, await messageOf(res));
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
  history: (entity: string, scorecard: string, limit = 30): Promise<HistoryPoint[]> =>
    getJson<HistoryPoint[]>(
      `/v1/scorecards/${entityPath(entity)}/${encodeURIComponent(scorecard)}/history?limit=${limit}`,
    ),
};
