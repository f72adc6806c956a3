import type { Rng } from './prng';

// How good and how busy one simulated agent is. Teams share a skill offset so teams differ too.
export interface AgentProfile {
  // workload multiplier around 1
  volume: number;
  // 0–1, the overall skill used for manual review scores
  skill: number;
  fcr: number; // chance a ticket is solved on first contact, 0.6–0.9
  csat: number; // chance a rating is satisfied, 0.8–0.98
  ahtSeconds: number; // talk + hold + wrap of an answered call, 240–480
  answerRate: number; // 0.9–0.99
  winRate: number; // won ÷ SQL, 0.2–0.4
  conversion: number; // inquiry → paid order, 0.25–0.5
  responseMedianSeconds: number; // first reply; the log-normal tail makes some very slow
  reopenRate: number; // 0.03–0.12
  onTimePayment: number; // chance a customer of the agent pays an invoice by its due date, 0.6–0.9
}

function squash(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

function between(low: number, high: number, quality: number): number {
  return low + (high - low) * quality;
}

// teamSkill ~ N(0, 0.6) per team; the agent adds its own variation per indicator.
export function createAgentProfile(rng: Rng, teamSkill: number): AgentProfile {
  const base = teamSkill + 0.8 * rng.normal();
  const quality = (): number => squash(base + 0.7 * rng.normal());
  return {
    volume: Math.max(0.6, Math.min(1.4, 1 + 0.15 * rng.normal())),
    skill: squash(base),
    fcr: between(0.6, 0.9, quality()),
    csat: between(0.8, 0.98, quality()),
    ahtSeconds: between(480, 240, quality()),
    answerRate: between(0.9, 0.99, quality()),
    winRate: between(0.2, 0.4, quality()),
    conversion: between(0.25, 0.5, quality()),
    responseMedianSeconds: between(900, 60, quality()),
    reopenRate: between(0.12, 0.03, quality()),
    onTimePayment: between(0.6, 0.9, quality()),
  };
}
