import { Partitioners, type Admin } from 'kafkajs';
import { isEventType, type EventType } from '#libs/events';

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
  alerts: 'kpi.alerts', // alert transitions and acknowledgements → scorecard gateways
} as const;

export type SourceTopic = (typeof TOPICS)['crm' | 'ticketing' | 'finance' | 'reviews'];

export const SOURCE_TOPICS: readonly SourceTopic[] = [TOPICS.crm, TOPICS.ticketing, TOPICS.finance, TOPICS.reviews];
const ALL_TOPICS: readonly string[] = Object.values(TOPICS);

// A Record, so that a type added to the contract (libs/events) does not compile until it has a topic.
const TOPIC_OF_TYPE: Readonly<Record<EventType, SourceTopic>> = {
  'crm.lead.created': TOPICS.crm,
  'crm.lead.qualified': TOPICS.crm,
  'crm.deal.created': TOPICS.crm,
  'crm.deal.stage_changed': TOPICS.crm,
  'crm.deal.won': TOPICS.crm,
  'crm.deal.lost': TOPICS.crm,
  'crm.inquiry.received': TOPICS.crm,
  'crm.order.paid': TOPICS.crm,
  'ticket.created': TOPICS.ticketing,
  'ticket.replied': TOPICS.ticketing,
  'ticket.solved': TOPICS.ticketing,
  'ticket.reopened': TOPICS.ticketing,
  'ticket.rated': TOPICS.ticketing,
  'call.ended': TOPICS.ticketing,
  'invoice.issued': TOPICS.finance,
  'payment.received': TOPICS.finance,
  'invoice.written_off': TOPICS.finance,
  'refund.issued': TOPICS.finance,
  'kpi.manual_score': TOPICS.reviews,
};

// Only validated events are published: a type outside the contract is a bug, not a finance event.
export function sourceTopicOf(type: string): SourceTopic {
  if (!isEventType(type))
    throw new Error(`no source topic for event type ${JSON.stringify(type)}: not in the contract`);
  return TOPIC_OF_TYPE[type];
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
