import { describe, expect, it } from 'vitest';
import type { FrozenContent } from '#libs/close';
import { loadDefinitions, type DefinitionSet } from '#libs/definitions';
import { closeBatch, evaluate } from '#libs/evaluation';
import type { CanonicalEvent } from '#libs/events';
import { IndicatorEngine, entityKey, valueRowKey, type EntityRef, type IndicatorValue } from '#libs/indicators';
import { manualIndicatorSpecs, simulate } from '#libs/simulator';
import { formatLocal } from '#libs/time';
import { previewFromStore, type PreviewProgress, type PreviewReport, type PreviewStore } from './rescore-preview';
import { outcomeOf, type CardOutcome, type PreviewPeriod } from './scorecard-diff';

const { set: published } = loadDefinitions('definitions/seed');
const CARD = 'cs-supervisor-monthly';
const ZONE = 'Asia/Shanghai';
const AS_OF = '2026-11-20T12:00:00+08:00';
const asOfMs = Date.parse(AS_OF);

// the draft: the supervisors' first-contact resolution target raised from 0.75 to 0.95
const draft: DefinitionSet = {
  ...published,
  scorecards: published.scorecards.map((s) =>
    s.id !== CARD ? s : { ...s, kpis: s.kpis.map((k) => (k.id === 'fcr' ? { ...k, target: 0.95 } : k)) },
  ),
};

// a month of one org (2 teams of 1 agent) across the end of October, with reviewers' manual scores, up
// to the preview's moment
const manual = manualIndicatorSpecs(published);
const events: CanonicalEvent[] = [];
for (const line of simulate({
  orgs: 1,
  teamsPerOrg: 2,
  agentsPerTeam: 1,
  days: 30,
  start: '2026-10-22',
  seed: 17,
  manualIndicators: manual.indicators,
  ...(manual.reviewers.length === 0 ? {} : { reviewers: manual.reviewers }),
})) {
  if (line.kind === 'valid' && Date.parse(line.event.time) <= asOfMs) events.push(line.event);
}
const lines = events.map((e) => JSON.stringify(e));

// What the indicator processor stores for these events: every value change as it folds them in time
// order, the latest of each (indicator, entity, window, period), and the clock moved to the preview's moment.
function storedValues(): IndicatorValue[] {
  const engine = new IndicatorEngine(published.indicators, published.orgs, { ignoreLateness: true, dedup: false });
  const rows = new Map<string, IndicatorValue>();
  const keep = ({ changes, closed }: { changes: IndicatorValue[]; closed: IndicatorValue[] }): void => {
    for (const v of [...changes, ...closed])
      rows.set(`${entityKey(v.entity)}|${valueRowKey(v.indicator, v.window, v.periodStart)}`, v);
  };
  for (const e of [...events].sort((a, b) => Date.parse(a.time) - Date.parse(b.time))) keep(engine.fold(e));
  keep(engine.advanceTo(asOfMs));
  return [...rows.values()];
}
const values = storedValues();

// each scorecard's latest `periods` closed periods, frozen as `kpi-pulse close` freezes them
const frozenBy = (definitions: DefinitionSet, periods: number, from = lines): FrozenContent[] =>
  closeBatch({ definitions, lines: from, asOf: AS_OF, periods }).closes.flatMap((c) =>
    c.cards.map((x) => x.frozen.content),
  );

// the store, in memory: the values above and these frozen cards
function storeOf(frozen: readonly FrozenContent[]): PreviewStore {
  return {
    entities: (orgId) => {
      const found = new Map<string, EntityRef>();
      for (const v of values) if (v.entity.orgId === orgId) found.set(entityKey(v.entity), v.entity);
      return Promise.resolve([...found.values()]);
    },
    values: (orgId, reads, fromMs) =>
      Promise.resolve(
        values.filter(
          (v) =>
            v.entity.orgId === orgId &&
            reads.some((r) => r.indicator === v.indicator && r.window === v.window) &&
            (v.window.startsWith('rolling:') || v.periodEnd > fromMs),
        ),
      ),
    frozen: (orgId, periods) =>
      Promise.resolve(
        frozen.filter(
          (f) =>
            f.entity.orgId === orgId &&
            periods.some((p) => p.scorecard === f.scorecard && p.periodStart === Date.parse(f.periodStart)),
        ),
      ),
  };
}

// a side's cards of some periods, by `scorecard|period start|level|id`
function sideOf(
  report: PreviewReport,
  periods: readonly PreviewPeriod[],
  side: 'before' | 'after',
): Map<string, CardOutcome> {
  const out = new Map<string, CardOutcome>();
  for (const d of report.scorecards.filter((x) => periods.includes(x.period)))
    for (const e of d.entities) {
      const outcome = e[side];
      if (outcome !== null) out.set(`${d.scorecard}|${d.periodStart}|${e.entity.level}|${e.entity.id}`, outcome);
    }
  return out;
}

const frozenOutcomes = (frozen: readonly FrozenContent[]): Map<string, CardOutcome> =>
  new Map(
    frozen.map((f) => [
      `${f.scorecard}|${formatLocal(ZONE, Date.parse(f.periodStart))}|${f.entity.level}|${f.entity.id}`,
      {
        version: f.version,
        total: f.total,
        grade: f.grade,
        redLines: f.redLines.map((r) => `${r.kpi}:${r.effect}`).sort(),
      },
    ]),
  );

describe('the what-if preview, from the stored values', () => {
  const sides = [
    ['before', published],
    ['after', draft],
  ] as const;

  it('scores the current periods as a batch evaluate does, and the previous ones from their frozen cards as close froze them', async () => {
    const progress: PreviewProgress[] = [];
    const report = await previewFromStore({
      orgId: 'O1',
      published,
      draft,
      asOfMs,
      store: storeOf(frozenBy(published, 1)),
      onProgress: (p) => progress.push(p),
    });

    for (const [side, definitions] of sides) {
      const batch = evaluate({ definitions, lines, asOf: AS_OF });
      const current = new Map(
        batch.scorecards.map(
          (c) => [`${c.scorecard}|${c.periodStart}|${c.entity.level}|${c.entity.id}`, outcomeOf({ ...c })] as const,
        ),
      );
      expect(current.size).toBeGreaterThan(5);
      expect(sideOf(report, ['current'], side)).toEqual(current);
      // the previous periods under the draft: as `close` would have frozen them under it
      const closed = frozenOutcomes(frozenBy(definitions, 1));
      expect(closed.size).toBeGreaterThan(3);
      expect(sideOf(report, ['previous'], side)).toEqual(closed);
    }
    expect(report.scorecards.filter((d) => d.period === 'previous').every((d) => d.closed && d.covered)).toBe(true);

    // a higher target lowers the supervisors' totals, and no other card moves
    const monthly = report.scorecards.filter((d) => d.scorecard === CARD);
    expect(monthly.map((d) => d.period).sort()).toEqual(['current', 'previous']);
    for (const d of monthly) {
      expect(d.changed.totals).toBeGreaterThan(0);
      expect(d.movers.length).toBeGreaterThan(0);
      for (const m of d.movers) expect(m.delta ?? 0).toBeLessThan(0);
    }
    for (const d of report.scorecards.filter((x) => x.scorecard !== CARD))
      expect(d.changed).toEqual({ totals: 0, grades: 0, redLines: 0 });

    // every entity once, progress rising to the total
    const entities = new Set(values.map((v) => entityKey(v.entity))).size;
    expect(report.scored.entities).toBe(entities);
    expect(progress[0]).toEqual({ entities: 0, total: entities });
    expect(progress.at(-1)).toEqual({ entities, total: entities });
  }, 60_000);

  it('scores a period not closed yet from its stored values, over the entities with a value in it, as close would freeze it', async () => {
    const report = await previewFromStore({ orgId: 'O1', published, draft, asOfMs, store: storeOf([]) });
    for (const [side, definitions] of sides)
      expect(sideOf(report, ['previous'], side)).toEqual(frozenOutcomes(frozenBy(definitions, 1)));
    expect(report.scorecards.filter((d) => d.period === 'previous').every((d) => !d.closed && d.covered)).toBe(true);
  }, 60_000);

  it('reads a closed period as its frozen cards read it, not as late events moved its values since', async () => {
    // the close saw every other October event: the rest came after the freeze (a restatement's matter)
    const seen = lines.filter((_, i) => !(events[i]?.time.startsWith('2026-10') === true && i % 2 === 0));
    const report = await previewFromStore({
      orgId: 'O1',
      published,
      draft,
      asOfMs,
      store: storeOf(frozenBy(published, 1, seen)),
    });
    for (const [side, definitions] of sides) {
      const monthly = (m: ReadonlyMap<string, CardOutcome>) => [...m].filter(([key]) => key.startsWith(`${CARD}|`));
      const asFrozen = monthly(frozenOutcomes(frozenBy(definitions, 1, seen)));
      expect(asFrozen.length).toBeGreaterThan(0);
      expect(monthly(sideOf(report, ['previous'], side))).toEqual(asFrozen);
      expect(asFrozen).not.toEqual(monthly(frozenOutcomes(frozenBy(definitions, 1))));
    }
  }, 60_000);

  it('reaches back `days` over the closed periods, each as close froze it', async () => {
    const report = await previewFromStore({
      orgId: 'O1',
      published,
      draft,
      asOfMs,
      days: 21,
      store: storeOf(frozenBy(published, 3)),
    });
    expect(report.from).toBe('2026-01-01T00:00:00+08:00'); // the annual card's current period
    // the weeks ending in the 21 days: the earliest ends on 2 November
    const weeks = report.scorecards.filter((d) => d.scorecard === 'sales-team-weekly');
    expect(weeks.map((d) => `${d.period} ${d.periodStart.slice(0, 10)}`)).toEqual([
      'earlier 2026-10-26',
      'earlier 2026-11-02',
      'previous 2026-11-09',
      'current 2026-11-16',
    ]);
    for (const [side, definitions] of sides) {
      const closed = frozenOutcomes(frozenBy(definitions, 3));
      const got = sideOf(report, ['earlier', 'previous'], side);
      expect(got.size).toBeGreaterThan(sideOf(report, ['previous'], side).size);
      for (const [key, outcome] of got) expect({ key, outcome }).toEqual({ key, outcome: closed.get(key) });
    }
  }, 60_000);

  it('refuses a draft that changes indicators', async () => {
    const changed = { ...draft, indicators: draft.indicators.slice(1) };
    await expect(
      previewFromStore({ orgId: 'O1', published, draft: changed, asOfMs, store: storeOf([]) }),
    ).rejects.toThrow(/changes indicators/);
  });

  it('scores an entity the store knows only by its values, or only by its frozen cards, all the same', async () => {
    const frozen = frozenBy(published, 1);
    const full = await previewFromStore({ orgId: 'O1', published, draft, asOfMs, store: storeOf(frozen) });
    const unlisted = { ...storeOf(frozen), entities: () => Promise.resolve([]) };
    expect(await previewFromStore({ orgId: 'O1', published, draft, asOfMs, store: unlisted })).toEqual(full);

    // no value stored since the close: the previous periods as frozen, the current ones on no data
    const onlyFrozen = { ...unlisted, values: () => Promise.resolve([]) };
    const report = await previewFromStore({ orgId: 'O1', published, draft, asOfMs, store: onlyFrozen });
    expect(report.scored.entities).toBe(new Set(frozen.map((f) => `${f.entity.level}|${f.entity.id}`)).size);
    for (const [side, definitions] of sides)
      expect(sideOf(report, ['previous'], side)).toEqual(frozenOutcomes(frozenBy(definitions, 1)));
  }, 60_000);

  it('leaves out of a closed period an entity the close froze no card of, though values of it were stored since', async () => {
    const frozen = frozenBy(published, 1);
    const late = frozen.find((f) => f.scorecard === CARD);
    const report = await previewFromStore({
      orgId: 'O1',
      published,
      draft,
      asOfMs,
      store: storeOf(frozen.filter((f) => f !== late)),
    });
    const teams = (period: PreviewPeriod) =>
      report.scorecards.find((d) => d.scorecard === CARD && d.period === period)?.entities.map((e) => e.entity.id);
    expect(teams('current')).toContain(late?.entity.id);
    expect(teams('previous')).toEqual(frozen.filter((f) => f.scorecard === CARD && f !== late).map((f) => f.entity.id));
  }, 60_000);

  it('scores each period under the version in force in it, and no period before a version that changed the period', async () => {
    // the draft makes the sales teams' weekly card monthly from this week on, and the supervisors' monthly
    // card quarterly from today: its current quarter starts where the published side's closed month does
    const versionOf = (id: string, effectiveFrom: string, period: 'month' | 'quarter') => {
      const def = published.scorecards.find((s) => s.id === id);
      if (def === undefined) throw new Error(`the seed has ${id}`);
      return { ...def, version: 2, effectiveFrom, period };
    };
    const report = await previewFromStore({
      orgId: 'O1',
      published,
      draft: {
        ...published,
        scorecards: [
          ...published.scorecards,
          versionOf('sales-team-weekly', '2026-11-16', 'month'),
          versionOf(CARD, '2026-11-20', 'quarter'),
        ],
      },
      asOfMs,
      store: storeOf(frozenBy(published, 1)),
    });
    const teams = (t: { cards: number; version: number } | null) => (t === null ? null : [t.version, t.cards]);
    const periods = (scorecard: string) =>
      report.scorecards
        .filter((d) => d.scorecard === scorecard)
        .map((d) => [d.period, d.periodStart, d.periodEnd, teams(d.before), teams(d.after), d.closed]);
    expect(periods('sales-team-weekly')).toEqual([
      ['current', '2026-11-01T00:00:00+08:00', '2026-12-01T00:00:00+08:00', null, [2, 2], false],
      ['previous', '2026-11-09T00:00:00+08:00', '2026-11-16T00:00:00+08:00', [1, 2], null, true],
      ['current', '2026-11-16T00:00:00+08:00', '2026-11-23T00:00:00+08:00', [1, 2], null, false],
    ]);
    // (nothing was counted in September, the month before the quarter)
    expect(periods(CARD)).toEqual([
      ['current', '2026-10-01T00:00:00+08:00', '2027-01-01T00:00:00+08:00', null, [2, 2], false],
      ['previous', '2026-10-01T00:00:00+08:00', '2026-11-01T00:00:00+08:00', [1, 2], null, true],
      ['current', '2026-11-01T00:00:00+08:00', '2026-12-01T00:00:00+08:00', [1, 2], null, false],
    ]);
  }, 60_000);

  it('says a closed period is not covered when the draft reads a rolling window its frozen cards did not', async () => {
    // the weekly card's new SQLs read over the last 24 hours: the stored value is the latest, not the week's
    const rolling: DefinitionSet = {
      ...published,
      scorecards: published.scorecards.map((s) =>
        s.id !== 'sales-team-weekly'
          ? s
          : { ...s, kpis: s.kpis.map((k) => (k.id === 'new_sqls' ? { ...k, window: 'rolling:24h' as const } : k)) },
      ),
    };
    // (the simulated month starts in October: no quarter before this one has a card)
    for (const frozen of [frozenBy(published, 1), []]) {
      const report = await previewFromStore({ orgId: 'O1', published, draft: rolling, asOfMs, store: storeOf(frozen) });
      expect(report.scorecards.map((d) => [d.scorecard, d.period, d.closed, d.covered])).toEqual([
        ['cs-agent-annual', 'current', false, true],
        ['cs-supervisor-monthly', 'previous', frozen.length > 0, true],
        ['cs-supervisor-monthly', 'current', false, true],
        ['presales-cs-monthly', 'previous', frozen.length > 0, true],
        ['presales-cs-monthly', 'current', false, true],
        ['sales-manager-quarterly', 'current', false, true],
        ['sales-team-weekly', 'previous', frozen.length > 0, false],
        ['sales-team-weekly', 'current', false, true],
      ]);
    }
  }, 60_000);
});

describe('the what-if preview, on what the store holds', () => {
  const nothing: PreviewStore = {
    entities: () => Promise.resolve([]),
    values: () => Promise.resolve([]),
    frozen: () => Promise.resolve([]),
  };

  it('previews an org with nothing stored as nothing to compare, in UTC where no org settings apply', async () => {
    const progress: PreviewProgress[] = [];
    const report = await previewFromStore({
      orgId: 'O9',
      published: { ...published, orgs: [] },
      draft: { ...draft, orgs: [] },
      asOfMs,
      store: nothing,
      onProgress: (p) => progress.push(p),
    });
    expect(report).toEqual({
      orgId: 'O9',
      asOf: '2026-11-20T04:00:00Z',
      from: '2026-01-01T00:00:00Z', // the annual card's current period, in UTC
      scored: { entities: 0, cards: 0 },
      scorecards: [],
    });
    expect(progress).toEqual([{ entities: 0, total: 0 }]);
  });

  it('asks the store once for each value the cards read, from the earliest period, and for the closed periods frozen cards only', async () => {
    const asked = { reads: [] as string[], fromMs: [] as number[], periods: [] as string[] };
    const recording: PreviewStore = {
      entities: (orgId) => (orgId === 'O1' ? Promise.resolve([]) : Promise.reject(new Error(orgId))),
      values: (_, reads, fromMs) => {
        asked.reads.push(...reads.map((r) => `${r.indicator} ${r.window}`));
        asked.fromMs.push(fromMs);
        return Promise.resolve([]);
      },
      frozen: (_, periods) => {
        asked.periods.push(...periods.map((p) => `${p.scorecard} ${formatLocal(ZONE, p.periodStart)}`));
        return Promise.resolve([]);
      },
    };
    await previewFromStore({ orgId: 'O1', published, draft, asOfMs, days: 12, store: recording });
    const read = new Set(published.scorecards.flatMap((s) => s.kpis.map((k) => `${k.indicator} ${k.window}`)));
    expect(asked.reads.sort()).toEqual([...read].sort());
    expect(asked.reads).toContain('sales.sql_count week');
    expect(asked.fromMs).toEqual([Date.parse('2026-01-01T00:00:00+08:00')]);
    // the previous period of each card, and the week ending in the last 12 days: not the current ones
    const previous = [
      'cs-supervisor-monthly 2026-10-01T00:00:00+08:00',
      'presales-cs-monthly 2026-10-01T00:00:00+08:00',
      'sales-manager-quarterly 2026-07-01T00:00:00+08:00',
      'sales-team-weekly 2026-11-09T00:00:00+08:00',
    ];
    expect(asked.periods.sort()).toEqual([...previous, 'sales-team-weekly 2026-11-02T00:00:00+08:00'].sort());

    // a week ending right at the cutoff (11.5 days back: 9 November, 00:00) did not end in the last days,
    // and without days only the previous periods are read
    for (const days of [11.5, undefined]) {
      asked.periods = [];
      await previewFromStore({ orgId: 'O1', published, draft, asOfMs, days, store: recording });
      expect(asked.periods.sort()).toEqual(previous);
    }
  });

  // 260 agents with nothing stored yet: each is scored on the agents' current cards
  const agents: EntityRef[] = Array.from({ length: 260 }, (_, i) => ({ level: 'agent', id: `N${i + 1}`, orgId: 'O1' }));
  const newcomers: PreviewStore = { ...nothing, entities: () => Promise.resolve(agents) };

  it('scores every entity the store lists, reporting progress every 250 entities', async () => {
    const progress: PreviewProgress[] = [];
    const report = await previewFromStore({
      orgId: 'O1',
      published,
      draft,
      asOfMs,
      store: newcomers,
      onProgress: (p) => progress.push(p),
    });
    expect(progress).toEqual([0, 250, 260].map((entities) => ({ entities, total: 260 })));
    // two agent cards, current periods only (nothing counted in a previous one), under both sides
    expect(report.scored).toEqual({ entities: 260, cards: 1040 });
    expect(report.scorecards.map((d) => [d.scorecard, d.period, d.before?.cards, d.after?.cards])).toEqual([
      ['cs-agent-annual', 'current', 260, 260],
      ['presales-cs-monthly', 'current', 260, 260],
    ]);
  });

  it('stops between entities when the caller goes away, and before scoring any when it has gone already', async () => {
    const progress: PreviewProgress[] = [];
    const leaving = new AbortController();
    const run = previewFromStore({
      orgId: 'O1',
      published,
      draft,
      asOfMs,
      store: newcomers,
      signal: leaving.signal,
      onProgress: (p) => {
        progress.push(p);
        if (p.entities === 250) leaving.abort();
      },
    });
    await expect(run).rejects.toThrow();
    expect(progress.map((p) => p.entities)).toEqual([0, 250]);

    progress.length = 0;
    const gone = previewFromStore({
      orgId: 'O1',
      published,
      draft,
      asOfMs,
      store: newcomers,
      signal: leaving.signal,
      onProgress: (p) => progress.push(p),
    });
    await expect(gone).rejects.toThrow();
    expect(progress).toEqual([]);
  });
});
