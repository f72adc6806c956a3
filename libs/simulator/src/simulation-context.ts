import type { CanonicalEvent } from '#libs/events';
import type { AgentProfile } from './agent-profile';
import type { Rng } from './prng';
import type { SimulatedSource } from './vocabulary';
import type { ZoneClock } from './zone-clock';

export interface SimAgent {
  orgId: string;
  teamId: string;
  agentId: string;
  profile: AgentProfile;
}

// What a lifecycle needs: randomness, the org's clock, ids, and a way to schedule its events.
export interface SimulationContext {
  readonly rng: Rng;
  readonly clock: ZoneClock;
  // queue an event at the instant; events at or after the end of the simulated period are dropped
  schedule(ms: number, source: SimulatedSource, type: string, subject: string, data: CanonicalEvent['data']): void;
  // a fresh business-record id such as tk-42, unique in the run
  recordId(prefix: string): string;
  // an instant `delaySeconds` after `fromMs`; delays of a day or more land in working hours on a weekday
  later(fromMs: number, delaySeconds: number): number;
  // a working-hours instant on the local day (moved to Monday when it falls on a weekend)
  workingTimeOn(day: number): number;
}

export function whole(seconds: number): number {
  return Math.max(1, Math.round(seconds));
}

export function money(amount: number): number {
  return Math.round(amount * 100) / 100;
}
