import type { EventLog } from '#libs/event-log';
import { dealFactOf, type DealFact } from './deal-funnel';

export const DEAL_FOLLOWER = 'review-deals'; // its consumer name in the log's committed offsets

// Follows the event log from its committed offset and keeps what the review pack needs of each deal. The
// offset is committed after the facts are written, so a crash replays a batch (writing the same rows).
export class DealFollower {
  constructor(
    private readonly log: Pick<EventLog, 'read' | 'committedOffset' | 'commitOffset'>,
    private readonly store: { record(facts: readonly DealFact[]): Promise<void> },
    private readonly batchSize = 500,
  ) {}

  // one pass to the end of the log; the number of deal facts written
  async catchUp(): Promise<number> {
    let after = await this.log.committedOffset(DEAL_FOLLOWER);
    let written = 0;
    for (;;) {
      const records = await this.log.read(after, this.batchSize);
      if (records.length === 0) return written;
      const facts = records.flatMap((r) => dealFactOf(r.event) ?? []);
      await this.store.record(facts);
      after = records[records.length - 1]!.offset;
      await this.log.commitOffset(DEAL_FOLLOWER, after);
      written += facts.length;
      if (records.length < this.batchSize) return written;
    }
  }
}
