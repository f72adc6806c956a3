import { AssignerProtocol, type Assigner, type PartitionAssigner } from 'kafkajs';

// Assigns partition p of every subscribed topic to the same member: an org's events sit in partition p
// of each source topic, and one engine must see all of them. Partition numbers are dealt round-robin
// over the members sorted by id, so every member computes the same plan.
export const CoPartitionedAssigner: PartitionAssigner = ({ cluster }): Assigner => ({
  name: 'KpiPulseCoPartitioned',
  version: 1,
  // eslint-disable-next-line @typescript-eslint/require-await -- kafkajs's interface is async
  async assign({ members, topics }) {
    const ids = members.map((m) => m.memberId).sort();
    const partitions = Math.max(0, ...topics.map((t) => cluster.findTopicPartitionMetadata(t).length));
    const plan = new Map<string, Record<string, number[]>>(ids.map((id) => [id, {}]));
    for (let p = 0; p < partitions; p++) {
      const owner = plan.get(ids[p % ids.length] as string) as Record<string, number[]>;
      for (const topic of topics) {
        if (p >= cluster.findTopicPartitionMetadata(topic).length) continue;
        (owner[topic] ??= []).push(p);
      }
    }
    return ids.map((memberId) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({
        version: 1,
        assignment: plan.get(memberId) ?? {},
        userData: Buffer.alloc(0),
      }),
    }));
  },
  protocol({ topics }) {
    return {
      name: 'KpiPulseCoPartitioned',
      metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }),
    };
  },
});
