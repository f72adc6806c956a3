import { closingOf, freezeCard } from '#libs/close';
import { combineDefinitions, loadDefinitions, parseDefinitionDocument, scorecardsInForce } from '#libs/definitions';
import type { CanonicalEvent } from '#libs/events';
import { IndicatorEngine, entityKey, valueRowKey, type IndicatorValue } from '#libs/indicators';
import { scoreClosedPeriod } from '#libs/pipeline';
import { IndicatorStateRepository, PeriodCloseRepository, PostgresPreviewStore } from '#libs/postgres';
import { previewFromStore } from '#libs/preview';
import { manualIndicatorSpecs, simulate } from '#libs/simulator';
import { periodOfInstant } from '#libs/time';
import { migratedTestDatabase } from '../support/postgres';
import { seedWithTarget } from '../support/preview';

export interface PreviewBench {
  events: number;
  values: number; // indicator value rows stored
  frozen: number; // frozen cards stored
  loadSeconds: number;
  previewSeconds: number;
  entities: number;
  rssMiB: number;
  cards: number;
  gradeChanges: number;
}

const AS_OF = Date.parse('2026-12-02T12:00:00+08:00');

// The what-if preview of a month (or November's last `days`) of 1,000 agents (50 teams of 20, the seed's
// event mix and reviews): what
// the pipeline stores of it is loaded first (not timed): the values the indicator processor stores (every
// indicator's changes, folded in memory in batches of 5,000 as the processor folds the log, the latest
// of each row written as the processor writes them), and November's cards frozen as the live close freezes them, from those values. Then the seed
// definitions with the supervisors' AHT target changed are previewed a day into December, so November is
// the previous period, read from its frozen cards, and December the current one.
export async function benchPreview(
  teams: number,
  agentsPerTeam: number,
  days: number, // of November, its last ones
  onProgress: (line: string) => void,
): Promise<PreviewBench> {
  const published = loadDefinitions('definitions/seed').set;
  const draft = combineDefinitions([
    parseDefinitionDocument(seedWithTarget('cs-supervisor-monthly', 'aht', 200), 'draft.json'),
  ]).set;
  const manual = manualIndicatorSpecs(published);
  const t = await migratedTestDatabase();
  try {
    const loadStart = performance.now();
    const engine = new IndicatorEngine(published.indicators, published.orgs, { ignoreLateness: true, dedup: false });
    const rows = new Map<string, IndicatorValue>();
    const keep = ({ changes, closed }: { changes: IndicatorValue[]; closed: IndicatorValue[] }): void => {
      for (const v of changes)
        rows.set(`${entityKey(v.entity)}|${valueRowKey(v.indicator, v.window, v.periodStart)}`, v);
      for (const v of closed)
        rows.set(`${entityKey(v.entity)}|${valueRowKey(v.indicator, v.window, v.periodStart)}`, v);
    };
    let events = 0;
    let batch: CanonicalEvent[] = [];
    // in batches, as the processor folds the log: each changed value once a batch
    const fold = (): void => {
      keep(engine.foldBatch(batch));
      events += batch.length;
      batch = [];
      if (events % 500_000 === 0) onProgress(`  folded ${events.toLocaleString('en-US')} events`);
    };
    for (const line of simulate({
      orgs: 1,
      teamsPerOrg: teams,
      agentsPerTeam,
      days,
      start: new Date(Date.parse('2026-12-01T00:00:00Z') - days * 86_400_000).toISOString().slice(0, 10),
      seed: 42,
      manualIndicators: manual.indicators,
      reviewers: manual.reviewers,
    })) {
      if (line.kind !== 'valid') continue;
      batch.push(line.event);
      if (batch.length === 5000) fold();
    }
    fold();
    keep(engine.advanceTo(AS_OF));
    const state = new IndicatorStateRepository(t.db);
    const values = [...rows.values()];
    rows.clear();
    for (let i = 0; i < values.length; i += 20_000)
      await state.save({ processor: 'bench', offset: events, changes: values.slice(i, i + 20_000) });
    onProgress(`  stored ${values.length.toLocaleString('en-US')} indicator values`);
    await t.db.query('ANALYZE indicator_values');

    // November closed: each scorecard's previous period, over the entities with a stored value
    const entities = await state.entities();
    const timeZone = published.orgs[0]?.timeZone ?? 'UTC';
    const closes = new PeriodCloseRepository(t.db);
    let frozen = 0;
    for (const def of scorecardsInForce(published, '2026-12-02')) {
      const end = periodOfInstant(def.period, timeZone, AS_OF).start;
      const period = periodOfInstant(def.period, timeZone, end - 1);
      const cards = (
        await scoreClosedPeriod(
          entities.filter((e) => e.level === def.level),
          { window: def.period, end },
          AS_OF,
          () => published,
          state,
        )
      ).filter((c) => c.score.scorecard === def.id && c.score.kpis.some((k) => k.actual !== null));
      if (cards.length === 0) continue;
      const freeze = cards.map((c) => freezeCard({ def, entity: c.entity, period, timeZone, score: c.score }));
      await closes.close(
        closingOf(def, { orgId: 'O1', period, graceMs: 0, logPosition: null }, freeze, new Map()),
        'bench',
      );
      frozen += freeze.length;
    }
    const loadSeconds = (performance.now() - loadStart) / 1000;

    const start = performance.now();
    const report = await previewFromStore({
      orgId: 'O1',
      published,
      draft,
      asOfMs: AS_OF,
      store: new PostgresPreviewStore(t.db),
    });
    const previewSeconds = (performance.now() - start) / 1000;
    return {
      events,
      values: values.length,
      frozen,
      loadSeconds,
      previewSeconds,
      entities: report.scored.entities,
      rssMiB: process.memoryUsage().rss / 2 ** 20,
      cards: report.scorecards.reduce((n, d) => n + (d.after?.cards ?? 0), 0),
      gradeChanges: report.scorecards.reduce((n, d) => n + d.changed.grades, 0),
    };
  } finally {
    await t.drop();
  }
}
