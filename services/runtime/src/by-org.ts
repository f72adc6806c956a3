// Items grouped by org, in their order: the Kafka feeds carry one message per org (keyed by it).
export function byOrg<T>(items: readonly T[], orgOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const orgId = orgOf(item);
    const group = groups.get(orgId);
    if (group === undefined) groups.set(orgId, [item]);
    else group.push(item);
  }
  return groups;
}
