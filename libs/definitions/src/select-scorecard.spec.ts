import { describe, expect, it } from 'vitest';
import type { DefinitionSet, ScorecardDef } from './model';
import { parseDefinitionDocument } from './parse-document';
import { sampleDocument } from './sample-definitions.fixture';
import { scorecardsInForce, selectScorecardVersion } from './select-scorecard';

function setWithVersions(): DefinitionSet {
  const set = parseDefinitionDocument(sampleDocument(), 'f.yaml').definitions;
  const [base] = set.scorecards;
  if (base === undefined) throw new Error('fixture has a scorecard');
  const version = (v: number, effectiveFrom: string, id = base.id): ScorecardDef => ({
    ...base,
    id,
    version: v,
    effectiveFrom,
  });
  // written out of order on purpose
  return {
    ...set,
    scorecards: [
      version(2, '2026-07-01'),
      version(1, '2026-01-01'),
      version(3, '2027-01-01'),
      version(1, '2026-03-15', 'sales-monthly'),
    ],
  };
}

describe('selectScorecardVersion', () => {
  const set = setWithVersions();
  const versionOn = (date: string): number | undefined =>
    selectScorecardVersion(set, 'cs-supervisor-monthly', date)?.version;

  it('takes the latest effectiveFrom on or before the date', () => {
    expect(versionOn('2026-01-01')).toBe(1);
    expect(versionOn('2026-06-30')).toBe(1);
    expect(versionOn('2026-07-01')).toBe(2);
    expect(versionOn('2026-12-31')).toBe(2);
    expect(versionOn('2030-01-01')).toBe(3);
  });

  it('on two versions from one day (which validation refuses), takes the higher, in either order', () => {
    const [v1, v2] = [1, 2].map(
      (version) => ({ ...set.scorecards[1], version, effectiveFrom: '2026-01-01' }) as ScorecardDef,
    );
    for (const scorecards of [
      [v1, v2],
      [v2, v1],
    ] as ScorecardDef[][])
      expect(selectScorecardVersion({ ...set, scorecards }, 'cs-supervisor-monthly', '2026-02-01')?.version).toBe(2);
  });

  it('goes by the date, not the version number, when the two disagree', () => {
    const card = (version: number, effectiveFrom: string) =>
      ({ ...set.scorecards[1], version, effectiveFrom }) as ScorecardDef;
    const scorecards = [card(2, '2026-07-01'), card(5, '2026-01-01')];
    expect(selectScorecardVersion({ ...set, scorecards }, 'cs-supervisor-monthly', '2026-08-01')?.version).toBe(2);
  });

  it('has nothing before the first version or for an unknown id', () => {
    expect(versionOn('2025-12-31')).toBeUndefined();
    expect(selectScorecardVersion(set, 'nope', '2026-07-01')).toBeUndefined();
  });
});

describe('scorecardsInForce', () => {
  it('gives one version per scorecard id, leaving out those not yet in force', () => {
    const set = setWithVersions();
    expect(scorecardsInForce(set, '2026-02-01').map((s) => `${s.id}@${s.version}`)).toEqual([
      'cs-supervisor-monthly@1',
    ]);
    expect(scorecardsInForce(set, '2026-08-01').map((s) => `${s.id}@${s.version}`)).toEqual([
      'cs-supervisor-monthly@2',
      'sales-monthly@1',
    ]);
  });
});
