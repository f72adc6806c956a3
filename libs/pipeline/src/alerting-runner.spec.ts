import { describe, expect, it } from 'vitest';
import { instanceKey, type AlertChange, type AlertState, type ClosedPeriod } from '#libs/alerting';
import type { EntityRef, IndicatorValue } from '#libs/indicators';
import { AlertingRunner, type AlertStore, type AlertTx, type Recorded } from './alerting-runner';
import { DefinitionsRegistry, parsePublished } from './definitions-registry';
import type { AlertNews } from './feeds';
import { rescoreClosed, rescoreEntities, type ScoredCard, type ValuesReader } from './rescore';

// one org in Shanghai, FCR as a ratio of solved tickets, a monthly team card with two alert rules
const SOURCE = `apiVersion: kpi-pulse/v1
orgs:
  - { id: '*', timeZone: Asia/Shanghai, currency: CNY }
indicators:
  - id: support.fcr
    name: { en: First-contact resolution, zh: 一次解决率 }
    description: Tickets solved on the first contact ÷ all tickets solved.
    unit: ratio
    windows: [rolling:24h, month]
    numerator: { of: ticket.solved, where: { data.contacts: 1 } }
    denominator: { of: ticket.solved }
scorecards:
  - id: support
    effectiveFrom: 2026-01-01
    name: { en: Support, zh: 客服 }
    role: cs-supervisor
    level: team
    period: month
    grades: [{ grade: A, min: 90 }, { grade: D, min: 0 }]
    dimensions: [{ id: main, name: { en: Main, zh: 主 }, weight: 100 }]
    kpis:
      - { id: fcr, name: FCR, indicator: support.fcr, dimension: main, direction: higher, target: 0.8, rule: { achievement: { floor: 0, cap: 1 } } }
    alerts:
      - { id: fcr-off, kind: deviation, kpis: [fcr], worseBy: 0.05, for: 1h, minSample: 20 }
      - { id: missed-twice, kind: streak, kpis: [fcr], periods: 2, when: target-missed }
`;
const set = parsePublished(SOURCE);
if (set === undefined) throw new Error('the spec definitions do not parse');
const registry = new DefinitionsRegistry(set);
const team: EntityRef = { level: 'team', id: 'T1', orgId: 'O1' };
const HOUR = 3_600_000;
const NOV = Date.parse('2026-11-01T00:00:00+08:00');
const DEC = Date.parse('2026-12-01T00:00:00+08:00');

// the team's monthly FCR row: `first` of `solved` tickets on the first contact
function fcr(periodStart: number, periodEnd: number, first: number, solved: number): ValuesReader {
  const row: IndicatorValue = {
    indicator: 'support.fcr',
    entity: team,
    window: 'month',
    periodStart,
    periodEnd,
    value: solved === 0 ? null : first / solved,
    numerator: first,
    denominator: solved,
  };
  return { valuesOf: () => Promise.resolve([row]) };
}

// Alert states and transitions in memory, written as the Postgres store writes them: a transition once by key.
class MemoryStore implements AlertStore {
  readonly stateByKey = new Map<string, AlertState>();
  readonly transitions = new Map<string, AlertChange>();
  readonly closed: ScoredCard[] = [];
  applied = 0;

  states(instances: Parameters<AlertStore['states']>[0]) {
    const out = new Map<string, AlertState>();
    for (const i of instances) {
      const s = this.stateByKey.get(instanceKey(i));
      if (s !== undefined) out.set(instanceKey(i), s);
    }
    return Promise.resolve(out);
  }

  closedPeriods(card: ScoredCard, until: number, limit: number): Promise<ClosedPeriod[]> {
    const mine = this.closed
      .filter((c) => c.score.scorecard === card.score.scorecard && c.periodEnd <= until)
      .sort((a, b) => a.periodStart - b.periodStart)
      .slice(-limit);
    return Promise.resolve(mine.map((c) => ({ periodStart: c.periodStart, periodEnd: c.periodEnd, score: c.score })));
  }

  transaction<T>(work: (tx: AlertTx) => Promise<T>): Promise<T> {
    const unrouted = () => Promise.reject(new Error('no routing in this spec'));
    return work({
      record: (changes) => {
        this.applied++;
        const recorded: Recorded = { changes: [], records: [] };
        for (const c of changes) {
          if (c.state === null) this.stateByKey.delete(instanceKey(c.instance));
          else this.stateByKey.set(instanceKey(c.instance), c.state);
          const t = c.transition;
          if (t === null || this.transitions.has(t.key)) continue;
          this.transitions.set(t.key, c);
          const i = c.instance;
          recorded.changes.push(c);
          recorded.records.push({
            id: this.transitions.size,
            key: t.key,
            kind: t.kind,
            orgId: i.entity.orgId,
            scorecard: i.scorecard,
            rule: i.rule,
            ruleName: c.rule.name,
            severity: c.rule.severity,
            kpi: i.kpi,
            level: i.entity.level,
            entityId: i.entity.id,
            periodStart: i.periodStart === null ? null : new Date(i.periodStart).toISOString(),
            value: t.value,
            firedAt: new Date(t.firedAt).toISOString(),
            at: new Date(t.at).toISOString(),
          });
        }
        return Promise.resolve(recorded);
      },
      routing: unrouted,
      dueRouting: unrouted,
      save: unrouted,
    });
  }

  kinds(): string[] {
    return [...this.transitions.values()].map((c) => `${c.rule.id} ${c.transition?.kind ?? ''}`);
  }
}

async function live(at: number, first: number, solved: number): Promise<ScoredCard[]> {
  return rescoreEntities([team], at, registry.definitionsFor, fcr(NOV, DEC, first, solved));
}

describe('the alerting runner reads the rules of scored cards', () => {
  it('fires a deviation after `for` on event time, once, even when a batch is delivered again', async () => {
    const store = new MemoryStore();
    const runner = new AlertingRunner({ registry, store, logger: console });
    await runner.receive({ cards: await live(NOV + 10 * HOUR, 70, 100), offset: 1 });
    expect(store.kinds()).toEqual([]); // pending
    const batch = { cards: await live(NOV + 11 * HOUR, 72, 100), offset: 2 };
    await runner.receive(batch);
    expect(store.kinds()).toEqual(['fcr-off fired']);
    await runner.receive(batch); // redelivered after a crash before the offset was committed
    expect(store.kinds()).toEqual(['fcr-off fired']);
  });

  it('announces each alert that begins to pend and each recorded transition to the gateways once, after storing it', async () => {
    const store = new MemoryStore();
    const sent: AlertNews[] = [];
    let stored = 0; // the store's writes at the last announcement
    const news = {
      kind: 'send' as const,
      send: (message: AlertNews) => {
        expect(store.applied).toBeGreaterThan(stored); // stored before it is announced
        stored = store.applied;
        sent.push(message);
        return Promise.resolve();
      },
    };
    const runner = new AlertingRunner({ registry, store, logger: console, news });
    const said = () =>
      sent.map((m) => [
        ...m.transitions.map((t) => `${t.rule} ${t.kind} ${t.level}:${t.entityId}`),
        ...(m.pending ?? []).map((p) => `${p.rule} ${p.since === null ? 'no longer pending' : 'pending'}`),
      ]);
    await runner.receive({ cards: await live(NOV + 10 * HOUR, 70, 100), offset: 1 });
    // pending: no transition, but the page lists it
    expect(said()).toEqual([['fcr-off pending']]);
    await runner.receive({ cards: await live(NOV + 10.5 * HOUR, 71, 100), offset: 2 }); // still pending
    const batch = { cards: await live(NOV + 11 * HOUR, 72, 100), offset: 3 };
    await runner.receive(batch);
    await runner.receive(batch);
    expect(said()).toEqual([['fcr-off pending'], ['fcr-off fired team:T1']]);
    expect(sent[0]?.pending?.[0]?.since).toBe(new Date(NOV + 10 * HOUR).toISOString());
  });

  it('announces an alert that stops pending without firing', async () => {
    const store = new MemoryStore();
    const sent: AlertNews[] = [];
    const news = { kind: 'send' as const, send: (m: AlertNews) => Promise.resolve(void sent.push(m)) };
    const runner = new AlertingRunner({ registry, store, logger: console, news });
    await runner.receive({ cards: await live(NOV + 10 * HOUR, 70, 100), offset: 1 });
    await runner.receive({ cards: await live(NOV + 10.5 * HOUR, 90, 100), offset: 2 }); // back on target
    expect(sent.map((m) => (m.pending ?? []).map((p) => [p.kpi, p.level, p.entityId, p.since]))).toEqual([
      [['fcr', 'team', 'T1', new Date(NOV + 10 * HOUR).toISOString()]],
      [['fcr', 'team', 'T1', null]],
    ]);
    expect(store.kinds()).toEqual([]);
  });

  it('never fires on fewer events than minSample, whatever the rate', async () => {
    const store = new MemoryStore();
    const runner = new AlertingRunner({ registry, store, logger: console });
    for (const h of [0, 2, 4, 6]) await runner.receive({ cards: await live(NOV + h * HOUR, 1, 19), offset: h });
    expect(store.kinds()).toEqual([]);
    expect(store.applied).toBe(0); // unknown readings keep nothing
  });

  it('a view window is not watched', async () => {
    const store = new MemoryStore();
    const runner = new AlertingRunner({ registry, store, logger: console });
    const cards = await rescoreEntities(
      [team],
      NOV + HOUR,
      registry.definitionsFor,
      fcr(NOV, DEC, 0, 100),
      'rolling:24h',
    );
    await runner.receive({ cards, offset: 1 });
    await runner.receive({ cards, offset: 2 });
    expect(store.applied).toBe(0);
  });

  it('the close resolves the period’s alert; two missed months in a row fire the streak', async () => {
    const store = new MemoryStore();
    const runner = new AlertingRunner({ registry, store, logger: console });
    const OCT = Date.parse('2026-10-01T00:00:00+08:00');
    // October closed below target (kept by the scorecards store)
    const closedRow = (start: number, end: number): IndicatorValue[] => [
      {
        indicator: 'support.fcr',
        entity: team,
        window: 'month',
        periodStart: start,
        periodEnd: end,
        value: 0.7,
        numerator: 70,
        denominator: 100,
      },
    ];
    const october = await rescoreClosed(closedRow(OCT, NOV), NOV + HOUR, registry.definitionsFor, {
      valuesOf: () => Promise.resolve(closedRow(OCT, NOV)),
    });
    expect(october.map((c) => c.closed)).toEqual([true]);
    store.closed.push(...october);
    await runner.receive({ cards: await live(NOV + 10 * HOUR, 70, 100), offset: 1 });
    await runner.receive({ cards: await live(NOV + 12 * HOUR, 70, 100), offset: 2 });
    const november = await rescoreClosed(closedRow(NOV, DEC), DEC + HOUR, registry.definitionsFor, {
      valuesOf: () => Promise.resolve(closedRow(NOV, DEC)),
    });
    store.closed.push(...november);
    await runner.receive({ cards: november, offset: 3 });
    expect(store.kinds()).toEqual(['fcr-off fired', 'fcr-off resolved', 'missed-twice fired']);
    expect(store.stateByKey.size).toBe(1); // the streak fires on; the month's alert is gone with its month
  });
});
