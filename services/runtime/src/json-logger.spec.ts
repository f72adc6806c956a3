import { afterEach, describe, expect, it, vi } from 'vitest';
import { JsonLogger } from './json-logger';

describe('JsonLogger', () => {
  afterEach(() => vi.restoreAllMocks());

  const lines = (write: () => void): Record<string, unknown>[] => {
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
    write();
    return written.map((line) => JSON.parse(line) as Record<string, unknown>);
  };

  it('writes one JSON line per message at or above its level, with the fields of an object message', () => {
    const logged = lines(() => {
      const logger = new JsonLogger('info');
      logger.debug('hidden', 'Ingest');
      logger.log({ msg: 'taken', requestId: 'r-1' }, 'Ingest');
      logger.error('boom', 'trace…', 'Ingest');
    });
    expect(logged.map((l) => [l.level, l.msg, l.context])).toEqual([
      ['info', 'taken', 'Ingest'],
      ['error', 'boom', 'Ingest'],
    ]);
    expect(logged[0]?.requestId).toBe('r-1');
    expect(logged[1]?.trace).toBe('trace…');
  });

  it("takes Nest's start-up lines (a line per module and route) as debug", () => {
    expect(lines(() => new JsonLogger('info').log('Mapped {/v1/events, POST} route', 'RouterExplorer'))).toEqual([]);
    const debug = lines(() => new JsonLogger('debug').log('Mapped {/v1/events, POST} route', 'RouterExplorer'));
    expect(debug.map((l) => l.level)).toEqual(['debug']);
  });
});
