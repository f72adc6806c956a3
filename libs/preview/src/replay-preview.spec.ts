import { describe, expect, it } from 'vitest';
import { graceOf } from '#libs/close';
import { loadDefinitions, type DefinitionSet } from '#libs/definitions';
import { closeBatch, evaluate } from '#libs/evaluation';
import type { CanonicalEvent } from '#libs/events';
import { manualIndicatorSpecs, simulate } from '#libs/simulator';
import { periodOfInstant } from '#libs/time';
import { replayPreview, type PreviewEvents, type PreviewProgress } from './replay-preview';
import { outcomeOf, type ScorecardDiff } from './scorecard-diff';

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

// a month of one org (2 teams of 1 agent) across the end of October, with reviewers' manual scores
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
  if (line.kind === 'valid') events.push(line.event);
}
const lines = events.map((e) => JSON.stringify(e));

// the log, in memory: an org's events of a range, in pages of 500
const log: PreviewEvents = {
  count: ({ orgId, fromMs, toMs }) => Promise.resolve(inRange(orgId, fromMs, toMs).length),
  async *pages({ orgId, fromMs, toMs }) {
    const found = inRange(orgId, fromMs, toMs);
    for (let i = 0; i < found.length; i += 500) yield await Promise.resolve(found.slice(i, i + 500));
  },
};
const timeOf = new Map(events.map((e) => [e, Date.parse(e.time)]));
const inRange = (orgId: string, fromMs: number, toMs: number): CanonicalEvent[] =>
  events.filter((e) => e.data.orgId === orgId && (timeOf.get(e) ?? NaN) >= fromMs && (timeOf.get(e) ?? NaN) < toMs);

const sides = (diffs: readonly ScorecardDiff[], period: 'previous' | 'current', side: 'before' | 'after') =>
  new Map(
    diffs
      .filter((d) => d.period === period)
      .flatMap((d) =>
        d.entities.flatMap((e) => {
          const outcome = e[side];
          return outcome === null ? [] : [[`${d.scorecard}|${e.entity.level}|${e.entity.id}`, outcome] as const];
        }),
      ),
  );

describe('the what-if preview replay', () => {
  it('scores the current periods as a batch evaluate does, under each side, and the previous one as close freezes it', async () => {
    const progress: PreviewProgress[] = [];
    const report = await replayPreview({
      orgId: 'O1',
      published,
      draft,
      asOfMs,
      events: log,
      onProgress: (p) => progress.push(p),
    });

    for (const [side, definitions] of [
      ['before', published],
      ['after', draft],
    ] as const) {
      const batch = evaluate({ definitions, lines, asOf: AS_OF });
      const expected = new Map(
        batch.scorecards.map((c) => [`${c.scorecard}|${c.entity.level}|${c.entity.id}`, outcomeOf({ ...c })] as const),
      );
      expect(expected.size).toBeGreaterThan(5);
      expect(sides(report.scorecards, 'current', side)).toEqual(expected);

      // the previous month, as `close` freezes it once its grace has passed
      const def = definitions.scorecards.find((s) => s.id === CARD);
      if (def === undefined) throw new Error(`no ${CARD}`);
      const previousEnd = periodOfInstant('month', ZONE, asOfMs).start;
      const grace = graceOf(def, new Map(definitions.indicators.map((i) => [i.id, i])));
      const closed = closeBatch({
        definitions,
        lines,
        asOf: new Date(previousEnd + grace).toISOString(),
        scorecard: CARD,
        periods: 1,
      });
      const frozen = closed.closes.flatMap((c) => c.cards.map((x) => x.frozen.content));
      expect(frozen.length).toBeGreaterThan(0);
      const previous = [...sides(report.scorecards, 'previous', side)].filter(([key]) => key.startsWith(`${CARD}|`));
      expect(new Map(previous)).toEqual(
        new Map(
          frozen.map((f) => [
            `${CARD}|${f.entity.level}|${f.entity.id}`,
            { version: f.version, total: f.total, grade: f.grade, redLines: redLinesOf(f.redLines) },
          ]),
        ),
      );
    }

    // a higher target lowers the supervisors' totals, and no other card moves
    const monthly = report.scorecards.filter((d) => d.scorecard === CARD);
    expect(monthly.map((d) => d.period).sort()).toEqual(['current', 'previous']);
    for (const d of monthly) {
      expect(d.changed.totals).toBeGreaterThan(0);
      expect(d.movers.length).toBeGreaterThan(0);
      for (const m of d.movers) expect(m.delta ?? 0).toBeLessThan(0);
    }
    // a batch evaluate and close of each side, and the replay: seconds, not microseconds
    for (const d of report.scorecards.filter((x) => x.scorecard !== CARD))
      expect(d.changed).toEqual({ totals: 0, grades: 0, redLines: 0 });

    // every event of the window once, progress rising to the total
    const replayed = events.filter((e) => Date.parse(e.time) <= asOfMs).length;
    expect(report.replayed.events).toBe(replayed);
    expect(progress.at(-1)).toEqual({ events: replayed, total: replayed });
    expect(progress.map((p) => p.events)).toEqual([...progress.map((p) => p.events)].sort((a, b) => a - b));
  }, 60_000);

  it('replays only the days asked for, and says which periods it does not cover', async () => {
    const report = await replayPreview({ orgId: 'O1', published, draft, asOfMs, days: 3, events: log });
    expect(report.from).toBe('2026-11-17T12:00:00+08:00');
    const fromMs = Date.parse(report.from);
    expect(report.replayed.events).toBe(
      events.filter((e) => Date.parse(e.time) >= fromMs && Date.parse(e.time) <= asOfMs).length,
    );
    expect(report.scorecards.filter((d) => d.scorecard === CARD).every((d) => !d.covered)).toBe(true);
  });

  it('stops between pages when the caller goes away', async () => {
    const gone = new AbortController();
    gone.abort();
    await expect(
      replayPreview({ orgId: 'O1', published, draft, asOfMs, events: log, signal: gone.signal }),
    ).rejects.toThrow();
  });
});

const redLinesOf = (hits: readonly { kpi: string; effect: string }[]): string[] =>
  hits.map((r) => `${r.kpi}:${r.effect}`).sort();
