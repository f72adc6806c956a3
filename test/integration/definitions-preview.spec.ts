import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { combineDefinitions, loadDefinitions, parseDefinitionDocument, type DefinitionSet } from '#libs/definitions';
import type { CanonicalEvent } from '#libs/events';
import { evaluate } from '#libs/evaluation';
import { outcomeOf, type CardOutcome, type PreviewReport } from '#libs/preview';
import { ScorecardGatewayModule } from '../../services/scorecard-gateway/src/scorecard-gateway.module';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { appendToLog, postPreview, seedWithTarget, simulatedMonth, type PreviewAnswer } from '../support/preview';
import { startTestApp } from '../support/test-app';
import { bearer, tokenFor } from '../support/tokens';

const AS_OF = '2026-11-20T12:00:00+08:00';
const CARD = 'cs-supervisor-monthly';

// each scorecard's current-period cards as outcomes, by `scorecard|level|id`
function batchOutcomes(definitions: DefinitionSet, events: readonly CanonicalEvent[]): Map<string, CardOutcome> {
  const report = evaluate({ definitions, lines: events.map((e) => JSON.stringify(e)), asOf: AS_OF });
  return new Map(report.scorecards.map((c) => [`${c.scorecard}|${c.entity.level}|${c.entity.id}`, outcomeOf(c)]));
}

function previewOutcomes(report: PreviewReport, side: 'before' | 'after'): Map<string, CardOutcome> {
  const out = new Map<string, CardOutcome>();
  for (const d of report.scorecards.filter((x) => x.period === 'current'))
    for (const e of d.entities) {
      const outcome = e[side];
      if (outcome !== null) out.set(`${d.scorecard}|${e.entity.level}|${e.entity.id}`, outcome);
    }
  return out;
}

// The what-if preview over HTTP on the real Postgres log: a month of an org's events, a draft that raises
// a target, and the answer streamed as NDJSON, whose cards are a batch `evaluate`'s of the same events.
describe('POST /v1/definitions/preview', () => {
  let t: TestDatabase;
  let app: INestApplication;
  let base: string;
  let admin: Record<string, string>;
  const events = simulatedMonth('O1', 4, 2);
  const draft = seedWithTarget(CARD, 'aht', 200); // seconds, lower is better: 360 before
  let answer: PreviewAnswer;

  beforeAll(async () => {
    t = await migratedTestDatabase();
    await appendToLog(t.db, events);
    ({ app, base } = await startTestApp(t, [ScorecardGatewayModule], { now: () => Date.parse(AS_OF) }));
    admin = bearer(await tokenFor({ role: 'admin', org: 'O1' }, 'hr-admin@O1'));
    answer = await postPreview(base, admin, draft);
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  it('streams progress up to every event of the window, then the preview', () => {
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^application\/x-ndjson/);
    const inWindow = events.filter((e) => Date.parse(e.time) <= Date.parse(AS_OF)).length;
    expect(answer.progress[0]).toEqual({ events: 0, total: inWindow });
    expect(answer.progress.at(-1)).toEqual({ events: inWindow, total: inWindow });
    expect(answer.error).toBeUndefined();
    expect(answer.preview?.replayed).toMatchObject({ events: inWindow, rejected: 0 });
    expect(answer.preview?.asOf).toBe(AS_OF);
  });

  it('answers the cards a batch evaluate of the same events gives, under the published and under the draft', () => {
    const report = answer.preview as PreviewReport;
    const published = loadDefinitions('definitions/seed').set;
    const drafted = combineDefinitions([parseDefinitionDocument(draft, 'draft.json')]).set;
    const before = batchOutcomes(published, events);
    const after = batchOutcomes(drafted, events);
    expect(before.size).toBeGreaterThan(10);
    expect(previewOutcomes(report, 'before')).toEqual(before);
    expect(previewOutcomes(report, 'after')).toEqual(after);

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

  it('previews last month too, as closed, covered by the replay', () => {
    const previous = answer.preview?.scorecards.find((d) => d.scorecard === CARD && d.period === 'previous');
    expect(previous).toMatchObject({ periodStart: '2026-10-01T00:00:00+08:00', covered: true });
    expect(previous?.before?.cards).toBe(4); // the four teams with events in October
    expect(previous?.changed.totals).toBeGreaterThan(0);
  });
});
