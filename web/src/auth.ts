// The bearer token: taken from ?token=… once, kept in sessionStorage (this tab only), and removed
// from the address bar so that it is neither bookmarked nor shared by copying the URL.
const KEY = 'kpi-pulse-token';
let memory: string | null = null; // when sessionStorage is unavailable

export function captureTokenFromUrl(): void {
  const url = new URL(window.location.href);
  const token = url.searchParams.get('token');
  if (token === null) return;
  url.searchParams.delete('token');
  if (token.trim() !== '') setToken(token);
  const search = url.searchParams.toString();
  window.history.replaceState(window.history.state, '', `${url.pathname}${search ? `?${search}` : ''}${url.hash}`);
}

export function getToken(): string | null {
  try {
    return sessionStorage.getItem(KEY) ?? memory;
  } catch {
    return memory;
  }
}

export function setToken(token: string): void {
  memory = token.trim().replace(/^Bearer\s+/i, '');
  try {
    sessionStorage.setItem(KEY, memory);
  } catch {
    // kept in memory only
  }
}

export function clearToken(): void {
  memory = null;
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // nothing stored
  }
}
