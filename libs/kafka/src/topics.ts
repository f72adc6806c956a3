import { Partitioners, type Admin } from 'kafkajs';
import type { CanonicalEvent } from '#libs/events';

// The topics. Source topics are keyed by org: an org's events share a partition number in every
// source topic (all have the same partition count), so one processor instance holds an org's whole
// state, and each team's events stay in order. An org larger than one instance can carry is the limit
// of this scheme.
export const TOPICS = {
  crm: 'kpi.events.crm',
  ticketing: 'kpi.events.ticketing',
  finance: 'kpi.events.finance',
  reviews: 'kpi.events.reviews', // manual scores from reviewers
  deadLetter: 'kpi.events.dead-letter',
  // between the services, keyed by org too (so partition p holds the same orgs as the sources' p)
  indicatorChanges: 'kpi.indicator-changes', // indicator-processor → scoring-service
  scorecardUpdates: 'kpi.scorecard-updates', // scoring-service → scorecard gateways
  breaches: 'kpi.breaches', // red-line breaches as they open, for alerting
} as const;

export const SOURCE_TOPICS: readonly string[] = [TOPICS.crm, TOPICS.ticketing, TOPICS.finance, TOPICS.reviews];
const ALL_TOPICS: readonly string[] = Object.values(TOPICS);

export function sourceTopicOf(type: CanonicalEvent['type']): string {
  if (type.startsWith('crm.')) return TOPICS.crm;
  if (type.startsWith('ticket.') || type.startsWith('call.')) return TOPICS.ticketing;
  if (type === 'kpi.manual_score') return TOPICS.reviews;
  return TOPICS.finance; // invoice, payment, write-off, refund
}

export interface TopicSettings {
  partitions: number;
  replicationFactor: number;
}

// Creates the topics that do not exist yet (existing ones are left as they are; a partition count
// that differs from the source topics' would break co-partitioning and is refused at start).
// Returns the partition count they share.
export async function ensureTopics(admin: Admin, settings: TopicSettings): Promise<number> {
  const existing = new Set(await admin.listTopics());
  const missing = ALL_TOPICS.filter((t) => !existing.has(t));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({
        topic,
        numPartitions: settings.partitions,
        replicationFactor: settings.replicationFactor,
      })),
    });
  }
  const { topics } = await admin.fetchTopicMetadata({ topics: ALL_TOPICS.filter((t) => t !== TOPICS.deadLetter) });
  const counts = new Set(topics.map((t) => t.partitions.length));
  if (counts.size > 1) {
    throw new Error(
      `the topics must have the same partition count (co-partitioned by org): ${topics
        .map((t) => `${t.name}=${t.partitions.length}`)
        .join(', ')}`,
    );
  }
  return topics[0]?.partitions.length ?? settings.partitions;
}

const partitioner = Partitioners.DefaultPartitioner();

// The partition an org's messages go to, as the default (murmur2) partitioner places a key.
export function partitionOfOrg(orgId: string, partitions: number): number {
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));
  return partitioner({ topic: '', partitionMetadata, message: { key: orgId, value: null } });
}
