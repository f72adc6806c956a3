import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScoredBatch } from '#libs/pipeline';
import { appendToFeed, PostgresFeedTransport } from '#libs/postgres';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { until } from '../support/until';

// The Postgres feed between processes: a reader starts at the topic's end, unless it is a consumer that
// resumes (alerting), which reads what was written while it was down.
describe('Postgres feed readers (real Postgres)', () => {
  let t: TestDatabase;
  beforeAll(async () => (t = await migratedTestDatabase()));
  afterAll(async () => t.drop());

  const append = (offset: number) =>
    t.db.transaction((tx) => appendToFeed(tx, 'scorecard-updates', { cards: [], offset } satisfies ScoredBatch));
  const read = (from: 'end' | 'committed', got: number[]) =>
    new PostgresFeedTransport(t.db).subscribe('scorecard-updates', (b) => void got.push(b.offset), {
      consumer: 'alerting',
      mode: 'shared',
      from,
      onError: () => undefined,
    });

  it('a resuming consumer reads, after a restart, what was written while it was down; a plain reader only what comes next', async () => {
    await append(1); // before anyone reads: nobody gets it
    const first: number[] = [];
    const before = await read('committed', first);
    await append(2);
    await until(() => Promise.resolve(first.length === 1));
    await before.close();
    await append(3); // while the consumer is down
    await append(4);

    const plain: number[] = [];
    const gateway = await read('end', plain);
    const again: number[] = [];
    const after = await read('committed', again);
    await append(5);
    await until(() => Promise.resolve(again.length === 3 && plain.length === 1));
    expect(first).toEqual([2]);
    expect(again).toEqual([3, 4, 5]);
    expect(plain).toEqual([5]);
    await gateway.close();
    await after.close();
    // the consumer's position stays recorded under its name; the plain reader's is gone
    const readers = await t.db.query<{ reader: string }[]>(`SELECT reader FROM feed_readers ORDER BY reader`);
    expect(readers.map((r) => r.reader)).toEqual(['alerting/scorecard-updates']);
  });
});
