import type { OrgSettings } from './model';

// An org's settings: its own entry, else the '*' default; undefined when neither exists.
export function orgSettingsFor(orgs: readonly OrgSettings[], orgId: string): OrgSettings | undefined {
  return orgs.find((o) => o.id === orgId) ?? orgs.find((o) => o.id === '*');
}
