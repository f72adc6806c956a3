import { sleep } from './ports';

// Errors worth retrying: the database or the broker is away for a moment (a restart, a failover, a
// full connection pool), not something wrong with the data. Postgres SQLSTATE classes 08 (connection),
// 53 (insufficient resources), 57P0x (shutting down, cannot connect now), serialization failures and
// deadlocks; socket errors; kafkajs's own `retriable` flag.
const TRANSIENT_SQLSTATES = /^(08|53|57P0[1-3]|40001|40P01)/;
const TRANSIENT_SOCKET = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'EAI_AGAIN']);
const TRANSIENT_MESSAGE = /Connection terminated|connection timeout|timeout exceeded when trying to connect/i;

export function isTransient(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; retriable?: unknown; driverError?: unknown; cause?: unknown; message?: unknown };
  if (e.retriable === true) return true;
  if (typeof e.code === 'string' && (TRANSIENT_SQLSTATES.test(e.code) || TRANSIENT_SOCKET.has(e.code))) return true;
  if (typeof e.message === 'string' && TRANSIENT_MESSAGE.test(e.message)) return true;
  // TypeORM wraps the driver's error
  return isTransient(e.driverError) || isTransient(e.cause);
}

// Waits before the next attempt: doubling from `initialMs` up to `maxMs`.
export function backoffMs(attempt: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
}

// Runs `attempt` until it succeeds, retrying transient failures with backoff (doubling from initialMs to
// 10 s) while `retrying()` holds; any other failure, or one once retrying stops, is returned.
export async function retryTransient<T>(
  attempt: () => Promise<T>,
  o: { initialMs: number; retrying: () => boolean; onRetry: (err: unknown) => void },
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  for (let failures = 1; ; failures++) {
    try {
      return { ok: true, value: await attempt() };
    } catch (err) {
      if (!isTransient(err) || !o.retrying()) return { ok: false, error: err };
      o.onRetry(err);
      await sleep(backoffMs(failures, o.initialMs, 10_000));
    }
  }
}
