import { loadDefinitions, type DefinitionSet } from '#libs/definitions';
import { orderingKey } from '#libs/event-log';
import { closeBatch } from '#libs/evaluation';
import type { CanonicalEvent } from '#libs/events';
import { IndicatorProcessor } from '#libs/pipeline';
import { IndicatorStateRepository, PeriodCloseRepository, PostgresEventLog, RetentionRepository } from '#libs/postgres';
import type { PreviewProgress, PreviewReport } from '#libs/preview';
import { manualIndicatorSpecs, simulate } from '#libs/simulator';
import type { DataSource } from 'typeorm';
import { seedAsOneDocument, type SeedCard, type SeedDocument } from './seed-document';

// A month of simulated events of one org from `start` (by default across the end of October; the seed's
// reviewers' manual scores included), as the preview tests store them.
export function simulatedMonth(
  orgId: string,
  teams: number,
  agentsPerTeam: number,
  start = '2026-10-22',
): CanonicalEvent[] {
  const manual = manualIndicatorSpecs(loadDefinitions('definitions/seed').set);
  const events: CanonicalEvent[] = [];
  for (const line of simulate({
    orgs: 1,
    teamsPerOrg: teams,
    agentsPerTeam,
    days: 30,
    start,
    seed: 17,
    manualIndicators: manual.indicators,
    ...(manual.reviewers.length === 0 ? {} : { reviewers: manual.reviewers }),
  })) {
    if (line.kind !== 'valid') continue;
    const e = line.event;
    events.push(orgId === e.data.orgId ? e : { ...e, id: `${orgId}-${e.id}`, data: { ...e.data, orgId } });
  }
  return events;
}

// What the pipeline keeps of these events, as of `asOf`: appended to the Postgres log as ingest appends
// them, folded by the real indicator processor into the stored values (its clock then moved to `asOf`,
// as the wall clock moves it), and each scorecard's closed periods (enough for its streaks) frozen as
// `kpi-pulse close` and the live close freeze them.
export async function storeAndClose(
  db: DataSource,
  events: readonly CanonicalEvent[],
  asOf: string,
  definitions: DefinitionSet = loadDefinitions('definitions/seed').set,
): Promise<void> {
  const log = new PostgresEventLog(db);
  for (let i = 0; i < events.length; i += 2000)
    await log.append(events.slice(i, i + 2000).map((event) => ({ key: orderingKey(event), event })));
  const processor = await IndicatorProcessor.start({
    name: 'indicator-processor',
    log,
    store: new IndicatorStateRepository(db),
    definitions,
    batchSize: 2000,
    checkpointEvery: 100,
  });
  while ((await processor.poll()).events > 0) await processor.flush();
  processor.tick(Date.parse(asOf));
  await processor.checkpoint();
  const closes = new PeriodCloseRepository(db);
  for (const closing of closeBatch({ definitions, lines: events.map((e) => JSON.stringify(e)), asOf }).closes)
    await closes.close(closing, 'test');
}

// Every event of the log the processor has passed, pruned as retention prunes them once they are older
// than KPI_RETAIN_EVENTS; returns how many went.
export async function pruneEventLog(db: DataSource): Promise<number> {
  const retention = new RetentionRepository(db);
  let pruned = 0;
  for (;;) {
    const { deleted } = await retention.prune({
      target: 'event-log',
      before: new Date(Date.now() + 3_600_000),
      limit: 5000,
    });
    if (deleted === 0) return pruned;
    pruned += deleted;
  }
}

// the seed definitions as one document, with a KPI's target changed on a scorecard
export function seedWithTarget(scorecard: string, kpi: string, target: number): SeedDocument {
  const doc = seedAsOneDocument();
  const card = doc.scorecards.find((c) => c.id === scorecard) as SeedCard;
  (card.kpis.find((k) => k.id === kpi) as { target: number }).target = target;
  return doc;
}

export interface PreviewAnswer {
  status: number;
  contentType: string | null;
  progress: PreviewProgress[];
  preview: PreviewReport | undefined;
  error: { message: string } | undefined;
  refusal: unknown; // the JSON body of a refusal
}

// POST /v1/definitions/preview and its NDJSON lines read
export async function postPreview(
  base: string,
  headers: Record<string, string>,
  draft: unknown,
  query = '',
): Promise<PreviewAnswer> {
  const res = await fetch(`${base}/v1/definitions/preview${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(draft),
  });
  const text = await res.text();
  const answer: PreviewAnswer = {
    status: res.status,
    contentType: res.headers.get('content-type'),
    progress: [],
    preview: undefined,
    error: undefined,
    refusal: undefined,
  };
  if (res.status !== 200) {
    answer.refusal = JSON.parse(text) as unknown;
    return answer;
  }
  for (const line of text.split('\n').filter((l) => l !== '')) {
    const parsed = JSON.parse(line) as {
      progress?: PreviewProgress;
      preview?: PreviewReport;
      error?: { message: string };
    };
    if (parsed.progress !== undefined) answer.progress.push(parsed.progress);
    if (parsed.preview !== undefined) answer.preview = parsed.preview;
    if (parsed.error !== undefined) answer.error = parsed.error;
  }
  return answer;
}
