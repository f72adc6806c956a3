import type { DataSource } from 'typeorm';
import { parseRosterJson } from '#libs/access';
import { RosterRepository } from '#libs/postgres';

// Imports an org's roster of record (as PUT /v1/roster would): each [agent, team] a member since `from`.
export async function importRoster(
  db: DataSource,
  orgId: string,
  members: readonly (readonly [agent: string, team: string])[],
  from = '2020-01-01',
): Promise<void> {
  const memberships = members.map(([agent, team]) => ({ agent, team, from }));
  await new RosterRepository(db).replace(orgId, parseRosterJson({ memberships }));
}
