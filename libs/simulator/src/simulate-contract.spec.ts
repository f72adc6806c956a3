import { validateEvent } from '#libs/events';
import { describe, expect, it } from 'vitest';
import { MISTAKES } from './invalid-event';
import { simulate } from './simulate';

// The simulator's output against the project's own validator: valid lines pass, invalid ones fail.
describe('simulated events and the canonical contract', () => {
  it('valid, late and duplicate lines pass validateEvent; invalid lines fail it', () => {
    const options = {
      orgs: 1,
      teamsPerOrg: 2,
      agentsPerTeam: 3,
      days: 14,
      start: '2026-11-02',
      timeZone: 'America/New_York',
      seed: 9,
      duplicateRate: 0.02,
      lateRate: 0.02,
      outOfOrderRate: 0.02,
      invalidRate: 0.3,
      manualIndicators: ['attitude'],
    };
    const mistakes = new Set<string>();
    for (const line of simulate(options)) {
      const result = validateEvent(line.event);
      if (line.kind === 'invalid') {
        mistakes.add(line.mistake);
        expect(result.ok, `${line.mistake}: ${JSON.stringify(line.event)}`).toBe(false);
      } else if (!result.ok) {
        expect.fail(`${line.kind} line rejected: ${JSON.stringify(result.errors)} ${JSON.stringify(line.event)}`);
      }
    }
    expect([...mistakes].sort()).toEqual([...MISTAKES].sort());
  });
});
