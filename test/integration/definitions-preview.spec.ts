import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { combineDefinitions, loadDefinitions, parseDefinitionDocument, type DefinitionSet } from '#libs/definitions';
import type { CanonicalEvent } from '#libs/events';
import { closeBatch, evaluate } from '#libs/evaluation';
import { outcomeOf, type CardOutcome, type PreviewReport } from '#libs/preview';
import { ScorecardGatewayModule } from '../../services/scorecard-gateway/src/scorecard-gateway.module';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';
import {
  postPreview,
  pruneEventLog,
  seedWithTarget,
  simulatedMonth,
  storeAndClose,
  type PreviewAnswer,
} from '../support/preview';
import { startTestApp } from '../support/test-app';
import { bearer, tokenFor } from '../support/tokens';
import { until } from '../support/until';

const AS_OF = '2026-11-20T12:00:00+08:00';
const CARD = 'cs-supervisor-monthly';

// each scorecard's current-period cards as outcomes, by `scorecard|level|id`
function batchOutcomes(definitions: DefinitionSet, events: readonly CanonicalEvent[]): Map<string, CardOutcome> {
  const report = evaluate({ definitions, lines: events.map((e) => JSON.stringify(e)), asOf: AS_OF });
  return new Map(report.scorecards.map((c) => [`${c.scorecard}|${c.entity.level}|${c.entity.id}`, outcomeOf(c)]));
}

// each scorecard's previous period, as `kpi-pulse close` freezes it, by `scorecard|level|id`
function closedOutcomes(definitions: DefinitionSet, events: readonly CanonicalEvent[]): Map<string, CardOutcome> {
  const report = closeBatch({ definitions, lines: events.map((e) => JSON.stringify(e)), asOf: AS_OF, periods: 1 });
  return new Map(
    report.closes.flatMap((c) =>
      c.cards.map(({ frozen: { content: f } }) => [
        `${f.scorecard}|${f.entity.level}|${f.entity.id}`,
        {
          version: f.version,
          total: f.total,
          grade: f.grade,
          redLines: f.redLines.map((r) => `${r.kpi}:${r.effect}`).sort(),
        },
      ]),
    ),
  );
}

function previewOutcomes(
  report: PreviewReport,
  period: 'current' | 'previous',
  side: 'before' | 'after',
): Map<string, CardOutcome> {
  const out = new Map<string, CardOutcome>();
  for (const d of report.scorecards.filter((x) => x.period === period))
    for (const e of d.entities) {
      const outcome = e[side];
      if (outcome !== null) out.set(`${d.scorecard}|${e.entity.level}|${e.entity.id}`, outcome);
    }
  return out;
}

// The what-if preview over HTTP on the real Postgres: a month of an org's events folded by the real
// indicator processor into the stored values, the previous periods closed, a draft that raises a target,
// and the answer streamed as NDJSON, whose cards are a batch `evaluate`'s (current periods) and
// `close`'s (previous ones) of the same events — before and after retention empties the event log.
describe('POST /v1/definitions/preview', () => {
  let t: TestDatabase;
  let app: INestApplication;
  let base: string;
  let admin: Record<string, string>;
  // the events up to the preview's moment: the pipeline has stored what it has seen
  const events = simulatedMonth('O1', 4, 2).filter((e) => Date.parse(e.time) <= Date.parse(AS_OF));
  const draft = seedWithTarget(CARD, 'aht', 200); // seconds, lower is better: 360 before
  let answer: PreviewAnswer;

  beforeAll(async () => {
    t = await migratedTestDatabase();
    await storeAndClose(t.db, events, AS_OF);
    ({ app, base } = await startTestApp(t, [ScorecardGatewayModule], { now: () => Date.parse(AS_OF) }));
    admin = bearer(await tokenFor({ role: 'admin', org: 'O1' }, 'hr-admin@O1'));
    answer = await postPreview(base, admin, draft);
  }, 300_000);
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  it('streams progress up to every entity with a stored value (the org, 4 teams, 8 agents), then the preview', () => {
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^application\/x-ndjson/);
    expect(answer.progress[0]).toEqual({ entities: 0, total: 13 });
    expect(answer.progress.at(-1)).toEqual({ entities: 13, total: 13 });
    expect(answer.error).toBeUndefined();
    expect(answer.preview?.scored.entities).toBe(13);
    expect(answer.preview?.asOf).toBe(AS_OF);
  });

  it('answers the cards a batch evaluate of the same events gives, under the published and under the draft', () => {
    const report = answer.preview as PreviewReport;
    const published = loadDefinitions('definitions/seed').set;
    const drafted = combineDefinitions([parseDefinitionDocument(draft, 'draft.json')]).set;
    const before = batchOutcomes(published, events);
    const after = batchOutcomes(drafted, events);
    expect(before.size).toBeGreaterThan(10);
    expect(previewOutcomes(report, 'current', 'before')).toEqual(before);
    expect(previewOutcomes(report, 'current', 'after')).toEqual(after);

    // the grades that change are the ones the two batch runs disagree on, and only on the card changed
    const changedInBatch = [...after].filter(([key, a]) => before.get(key)?.grade !== a.grade).map(([key]) => key);
    const current = report.scorecards.filter((d) => d.period === 'current');
    const changedInPreview = current.flatMap((d) =>
      d.entities.filter((e) => e.gradeChanged).map((e) => `${d.scorecard}|${e.entity.level}|${e.entity.id}`),
    );
    expect(changedInPreview.sort()).toEqual(changedInBatch.sort());
    expect(changedInPreview.length).toBeGreaterThan(0);
    expect(changedInPreview.every((key) => key.startsWith(`${CARD}|`))).toBe(true);
    const monthly = current.find((d) => d.scorecard === CARD);
    expect(monthly?.changed.grades).toBe(changedInPreview.length);
    expect(monthly?.movers[0]?.delta).toBeLessThan(0);
  });

  it('previews last month too, from its frozen cards, as close freezes it under each side', () => {
    const report = answer.preview as PreviewReport;
    const previous = report.scorecards.find((d) => d.scorecard === CARD && d.period === 'previous');
    expect(previous).toMatchObject({ periodStart: '2026-10-01T00:00:00+08:00', closed: true, covered: true });
    expect(previous?.before?.cards).toBe(4); // the four teams with events in October
    expect(previous?.changed.totals).toBeGreaterThan(0);
    const drafted = combineDefinitions([parseDefinitionDocument(draft, 'draft.json')]).set;
    const before = closedOutcomes(loadDefinitions('definitions/seed').set, events);
    expect(before.size).toBeGreaterThan(4);
    expect(previewOutcomes(report, 'previous', 'before')).toEqual(before);
    expect(previewOutcomes(report, 'previous', 'after')).toEqual(closedOutcomes(drafted, events));
  });

  it('answers the same once retention has pruned every event from the log', { timeout: 180_000 }, async () => {
    // the log's other consumer (the gateway's review deals) reads on meanwhile: what it has passed goes
    let pruned = 0;
    await until(async () => (pruned += await pruneEventLog(t.db)) === events.length, 120_000, 500);
    expect(pruned).toBe(events.length);
    const [left] = await t.db.query<{ n: string }[]>(`SELECT count(*) AS n FROM event_log`);
    expect(Number(left?.n)).toBe(0);
    const again = await postPreview(base, admin, draft);
    expect(again.status).toBe(200);
    expect(again.preview).toEqual(answer.preview);
  });
});
