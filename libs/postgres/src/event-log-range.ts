import type { DataSource } from 'typeorm';
import type { CanonicalEvent } from '#libs/events';
import type { EventRange, PreviewEvents } from '#libs/preview';

const PAGE = 5000;

// An org's events in the Postgres log timed in a range, for the what-if preview: counted, then read
// page by page in log order (keyset on the offset), the next page asked for while the caller folds one.
// The ordering key (org/team) narrows the scan cheaply; the payload's org decides.
const WHERE = `event_time >= $1 AND event_time < $2 AND starts_with(key, $3) AND event->'data'->>'orgId' = $3`;

export class EventLogRange implements PreviewEvents {
  constructor(private readonly db: DataSource) {}

  async count(range: EventRange): Promise<number> {
    const [row] = await this.db.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM event_log WHERE ${WHERE}`,
      params(range),
    );
    return Number(row?.n ?? 0);
  }

  async *pages(range: EventRange): AsyncIterable<readonly CanonicalEvent[]> {
    let next = this.page(range, 0);
    try {
      for (;;) {
        const rows = await next;
        const last = rows.at(-1);
        if (last === undefined) return;
        next = rows.length < PAGE ? Promise.resolve([]) : this.page(range, Number(last.offset));
        yield rows.map((r) => r.event);
      }
    } finally {
      void next.catch(() => undefined); // a reader that stopped early leaves the page asked for unread
    }
  }

  private page(range: EventRange, after: number): Promise<{ offset: string; event: CanonicalEvent }[]> {
    return this.db.query(
      `SELECT "offset", event FROM event_log WHERE "offset" > $4 AND ${WHERE} ORDER BY "offset" LIMIT ${PAGE}`,
      [...params(range), after],
    );
  }
}

const params = (range: EventRange): unknown[] => [
  new Date(range.fromMs).toISOString(),
  new Date(range.toMs).toISOString(),
  range.orgId,
];
