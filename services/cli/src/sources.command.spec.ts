import { describe, expect, it } from 'vitest';
import { sinceOf } from './sources.command';

describe('sources replay --since', () => {
  const now = Date.parse('2026-12-02T08:00:00Z');
  it('takes a span ago or an RFC 3339 time, nothing else', () => {
    expect(sinceOf('2h', now)?.toISOString()).toBe('2026-12-02T06:00:00.000Z');
    expect(sinceOf('7d', now)?.toISOString()).toBe('2026-11-25T08:00:00.000Z');
    expect(sinceOf('2026-12-01T00:00:00+08:00', now)?.toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(sinceOf('yesterday', now)).toBeUndefined();
    expect(sinceOf('2026-12-01', now)).toBeUndefined();
  });
});
