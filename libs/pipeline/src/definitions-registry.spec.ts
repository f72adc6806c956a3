import { describe, expect, it } from 'vitest';
import type { DefinitionSet, ScorecardDef } from '#libs/definitions';
import { DefinitionsRegistry, parsePublished } from './definitions-registry';

// one indicator, one monthly team scorecard with one KPI
const FILES = `apiVersion: kpi-pulse/v1
orgs: [{ id: '*', timeZone: Asia/Shanghai, currency: CNY }]
indicators:
  - id: support.fcr
    name: { en: First-contact resolution, zh: 一次解决率 }
    unit: ratio
    windows: [month]
    numerator: { of: ticket.solved, where: { data.contacts: 1 } }
    denominator: { of: ticket.solved }
scorecards:
  - id: support-team-monthly
    effectiveFrom: 2026-01-01
    name: { en: Support team (monthly), zh: 客服团队月度 }
    role: cs-supervisor
    level: team
    period: month
    grades: [{ grade: A, min: 90 }, { grade: D, min: 0 }]
    dimensions: [{ id: efficiency, name: { en: Efficiency, zh: 效率 }, weight: 100 }]
    kpis:
      - { id: fcr, name: FCR, indicator: support.fcr, dimension: efficiency, direction: higher, target: 0.75, rule: { achievement: } }
`;

// the files' set with its scorecards' first KPI given this target
function withTarget(files: DefinitionSet, target: number): DefinitionSet {
  const scorecards = files.scorecards.map((s): ScorecardDef => ({
    ...s,
    kpis: s.kpis.map((k, i) => (i === 0 ? { ...k, target } : k)),
  }));
  return { ...files, scorecards };
}
const targetOf = (set: DefinitionSet) => set.scorecards[0]?.kpis[0]?.target;

describe('DefinitionsRegistry: definitions per org', () => {
  const files = parsePublished(FILES) as DefinitionSet;
  const original = targetOf(files);

  it("an org's version applies to that org only; the others keep the files", () => {
    const registry = new DefinitionsRegistry(files);
    const heard: (string | null)[] = [];
    registry.onPublish((org) => heard.push(org));
    expect(registry.publish({ version: 1, orgId: 'O2', set: withTarget(files, 42) })).toEqual({ ok: true, version: 1 });
    expect(targetOf(registry.forOrg('O2'))).toBe(42);
    expect(targetOf(registry.forOrg('O1'))).toBe(original);
    expect([registry.versionOf('O2'), registry.versionOf('O1')]).toEqual([1, 0]);
    expect(heard).toEqual(['O2']);
  });

  it('a platform default applies to every org without a version of its own', () => {
    const registry = new DefinitionsRegistry(files, [
      { version: 1, orgId: null, set: withTarget(files, 7) },
      { version: 2, orgId: 'O2', set: withTarget(files, 42) },
    ]);
    expect([targetOf(registry.forOrg('O1')), targetOf(registry.forOrg('O2'))]).toEqual([7, 42]);
    expect([registry.versionOf('O1'), registry.versionOf('O2')]).toEqual([1, 2]);
    // the indicators and orgs are always the files'
    expect(registry.forOrg('O2').indicators).toBe(files.indicators);
  });

  it("adopts an org's newer version from the store, and only a newer one", () => {
    const registry = new DefinitionsRegistry(files, [{ version: 3, orgId: 'O2', set: withTarget(files, 42) }]);
    const source = JSON.stringify({ apiVersion: 'kpi-pulse/v1' });
    expect(registry.adopt({ version: 2, orgId: 'O2', source })).toBe(true); // older: kept as is
    expect(targetOf(registry.forOrg('O2'))).toBe(42);
    expect(registry.adopt({ version: 4, orgId: 'O2', source: 'scorecards: [' })).toBe(false); // no longer parses
    expect(registry.versionOf('O2')).toBe(3);
  });

  it('refuses changed indicators for any org, and changes nothing', () => {
    const registry = new DefinitionsRegistry(files);
    const changed = { ...files, indicators: files.indicators.map((i) => ({ ...i, description: 'other' })) };
    expect(registry.publish({ version: 1, orgId: 'O2', set: changed })).toMatchObject({ ok: false });
    expect(registry.versionOf('O2')).toBe(0);
  });
});
