import { describe, expect, it } from 'vitest';
import { parseDefinitionSource, type ScorecardDef } from '#libs/definitions';
import { scoreScorecard } from '#libs/scoring';
import { instanceKey } from './alert-instance';
import type { AlertState } from './alert-state';
import { evaluateCard, type AlertChange } from './evaluate-card';

// A small support card in the definitions format, with a deviation rule on FCR and a red line on complaints.
const YAML = `
apiVersion: kpi-pulse/v1
scorecards:
  - id: support
    effectiveFrom: 2026-01-01
    name: Support
    role: agent
    level: team
    period: month
    grades: [{ grade: A, min: 0 }]
    dimensions: [{ id: main, name: Main, weight: 100 }]
    kpis:
      - { id: fcr, name: FCR, indicator: support.fcr, dimension: main, direction: higher, target: 0.8, rule: { achievement: { floor: 0, cap: 1 } } }
      - id: complaints
        name: Complaints
        indicator: support.complaints
        dimension: main
        direction: lower
        target: 0
        rule: { binary: { lte: 0 } }
        redLines: [{ when: { gt: 2 }, effects: [zero-kpi] }]
    alerts:
      - { id: fcr-off, kind: deviation, kpis: [fcr], worseBy: 0.05, for: 30m, minSample: 20 }
      - { id: lines, kind: red-line, kpis: [complaints], severity: critical }
`;
const parsed = parseDefinitionSource(YAML, 'support.yaml');
const CARD = parsed.definitions.scorecards[0] as ScorecardDef;
const MINUTE = 60_000;
const TEAM = { orgId: 'o1', level: 'team' as const, id: 't1' };

// Scores the card at successive minutes of one month and keeps the alert states as the service would.
function simulate(steps: { minute: number; fcr: number; tickets: number; complaints?: number; closed?: boolean }[]) {
  const states = new Map<string, AlertState>();
  const transitions: string[] = [];
  for (const step of steps) {
    const score = scoreScorecard(
      CARD,
      new Map([
        ['fcr', step.fcr],
        ['complaints', step.complaints ?? 0],
      ]),
    );
    const changes: AlertChange[] = evaluateCard(
      {
        card: CARD,
        entity: TEAM,
        periodStart: 0,
        closed: step.closed ?? false,
        at: step.minute * MINUTE,
        score,
        samples: new Map([
          ['fcr', step.tickets],
          ['complaints', step.tickets],
        ]),
      },
      (i) => states.get(instanceKey(i)) ?? null,
    );
    for (const c of changes) {
      if (c.state === null) states.delete(instanceKey(c.instance));
      else states.set(instanceKey(c.instance), c.state);
      if (c.transition !== null) transitions.push(`${step.minute} ${c.rule.id} ${c.instance.kpi} ${c.transition.kind}`);
    }
  }
  return { transitions, states };
}

describe('alert rules over a card scored through a month, on event time', () => {
  it('the definitions parse without issues', () => {
    expect(parsed.errors).toEqual([]);
  });

  it('pending for 30 minutes, then firing once; resolved when back under the hysteresis line', () => {
    const { transitions } = simulate([
      { minute: 0, fcr: 0.74, tickets: 40 },
      { minute: 20, fcr: 0.74, tickets: 45 },
      { minute: 30, fcr: 0.75, tickets: 50 },
      { minute: 40, fcr: 0.74, tickets: 55 },
      { minute: 60, fcr: 0.79, tickets: 60 },
    ]);
    expect(transitions).toEqual(['30 fcr-off fcr fired', '60 fcr-off fcr resolved']);
  });

  it('a rate hovering at the line does not flap: neither firing nor resolving on each crossing', () => {
    const hovering = [0.759, 0.761, 0.759, 0.762, 0.758, 0.765, 0.759, 0.77];
    // hovering from the start: each dip starts the 30 minutes over, so it never fires
    const early = hovering.map((fcr, i) => ({ minute: i * 20, fcr, tickets: 100 }));
    expect(simulate(early).transitions).toEqual([]);
    // after a sustained miss it fires once, and stays firing while the rate hovers in the band
    const late = [
      { minute: 0, fcr: 0.7, tickets: 100 },
      { minute: 30, fcr: 0.7, tickets: 100 },
      ...hovering.map((fcr, i) => ({ minute: 40 + i * 20, fcr, tickets: 100 })),
    ];
    expect(simulate(late).transitions).toEqual(['30 fcr-off fcr fired']);
  });

  it('too little data never alerts: 19 tickets at 10 % FCR', () => {
    const few = [0, 30, 60, 90].map((minute) => ({ minute, fcr: 0.1, tickets: 19 }));
    expect(simulate(few).transitions).toEqual([]);
  });

  it('a red line fires at once and resolves; the period’s close resolves what still fires', () => {
    const { transitions, states } = simulate([
      { minute: 0, fcr: 0.9, tickets: 30, complaints: 3 },
      { minute: 5, fcr: 0.9, tickets: 30, complaints: 2 },
      { minute: 10, fcr: 0.5, tickets: 30, complaints: 4 },
      { minute: 50, fcr: 0.5, tickets: 30, complaints: 4 },
      { minute: 60, fcr: 0.5, tickets: 30, complaints: 4, closed: true },
    ]);
    expect(transitions).toEqual([
      '0 lines complaints fired',
      '5 lines complaints resolved',
      '10 lines complaints fired',
      '50 fcr-off fcr fired',
      '60 fcr-off fcr resolved',
      '60 lines complaints resolved',
    ]);
    expect(states.size).toBe(0);
  });

  it('each episode has its own keys; a fired and its resolved pair up', () => {
    const states = new Map<string, AlertState>();
    const keys: string[] = [];
    for (const [minute, complaints] of [
      [0, 3],
      [5, 0],
      [10, 3],
      [15, 0],
    ] as const) {
      const score = scoreScorecard(
        CARD,
        new Map([
          ['fcr', 0.9],
          ['complaints', complaints],
        ]),
      );
      for (const c of evaluateCard(
        { card: CARD, entity: TEAM, periodStart: 0, closed: false, at: minute * MINUTE, score, samples: new Map() },
        (i) => states.get(instanceKey(i)) ?? null,
      )) {
        if (c.state === null) states.delete(instanceKey(c.instance));
        else states.set(instanceKey(c.instance), c.state);
        if (c.transition !== null) keys.push(c.transition.key);
      }
    }
    expect(keys).toEqual([
      'o1|support|lines|complaints|team|t1|0|0|fired',
      'o1|support|lines|complaints|team|t1|0|0|resolved',
      'o1|support|lines|complaints|team|t1|0|600000|fired',
      'o1|support|lines|complaints|team|t1|0|600000|resolved',
    ]);
  });
});
