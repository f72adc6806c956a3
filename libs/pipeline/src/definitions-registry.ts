import { combineDefinitions, parseDefinitionSource, type DefinitionSet } from '#libs/definitions';

export type PublishOutcome = { ok: true; version: number } | { ok: false; reason: string };

// A published version in force: for one org, or (orgId null) a platform default for every org without
// a version of its own.
export interface PublishedSet {
  version: number;
  orgId: string | null;
  set: DefinitionSet;
}

// The definitions an org's entities are scored with.
export type DefinitionsFor = (orgId: string) => DefinitionSet;

// The KPI definitions in force in a running pipeline, org by org. Every org shares the files' indicators
// and orgs; its scorecards are those of its own newest version, else of the newest platform default,
// else the files'. Scorecards can change live (scoring re-scores the org's entities at once); indicators
// and orgs cannot, because the processor's state was folded under them: changing those needs a replay,
// so publish refuses it with the reason.
export class DefinitionsRegistry {
  private platform: PublishedSet | undefined;
  private readonly byOrg = new Map<string, PublishedSet>();
  private readonly sets = new Map<string, DefinitionSet>(); // forOrg's answers, until the next publish
  private readonly listeners = new Set<(orgId: string | null) => void>();

  constructor(
    private readonly files: DefinitionSet,
    published: readonly PublishedSet[] = [],
  ) {
    for (const p of published) this.keep(p);
  }

  // the definitions an org's entities are scored with
  forOrg(orgId: string): DefinitionSet {
    let set = this.sets.get(orgId);
    if (set === undefined) {
      const scorecards = (this.byOrg.get(orgId) ?? this.platform)?.set.scorecards ?? this.files.scorecards;
      set = { ...this.files, scorecards };
      this.sets.set(orgId, set);
    }
    return set;
  }

  readonly definitionsFor: DefinitionsFor = (orgId) => this.forOrg(orgId);

  // the published version in force for an org (0: the files); null: the platform default's
  versionOf(orgId: string | null): number {
    return ((orgId === null ? undefined : this.byOrg.get(orgId)) ?? this.platform)?.version ?? 0;
  }

  check(next: DefinitionSet): string | undefined {
    if (JSON.stringify(next.indicators) !== JSON.stringify(this.files.indicators)) {
      return 'indicators: changed indicator definitions need a replay of the log; publish scorecard changes only, or restart with the new files';
    }
    if (JSON.stringify(next.orgs) !== JSON.stringify(this.files.orgs)) {
      return 'orgs: changed org settings need a replay of the log; restart with the new files';
    }
    return undefined;
  }

  publish(next: PublishedSet): PublishOutcome {
    const reason = this.check(next.set);
    if (reason !== undefined) return { ok: false, reason };
    this.keep(next);
    for (const listener of this.listeners) listener(next.orgId);
    return { ok: true, version: next.version };
  }

  // Takes an org's newest published version (or the newest platform default) when it is newer than the
  // one held (scoring in another process than the gateway that published it). False when it cannot be
  // taken.
  adopt(latest: { version: number; orgId: string | null; source: string } | undefined): boolean {
    if (latest === undefined) return true;
    const held = latest.orgId === null ? this.platform : this.byOrg.get(latest.orgId);
    if (latest.version <= (held?.version ?? 0)) return true;
    const set = parsePublished(latest.source);
    return set !== undefined && this.publish({ version: latest.version, orgId: latest.orgId, set }).ok;
  }

  // listener: the org whose definitions changed (null: a platform default, every org may have)
  onPublish(listener: (orgId: string | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private keep(published: PublishedSet): void {
    if (published.orgId === null) this.platform = published;
    else this.byOrg.set(published.orgId, published);
    this.sets.clear();
  }
}

// The definition set of a published version's source text, or undefined when it no longer parses.
export function parsePublished(source: string): DefinitionSet | undefined {
  const parsed = combineDefinitions([parseDefinitionSource(source, 'published.yaml')]);
  return parsed.issues.some((i) => i.severity === 'error') ? undefined : parsed.set;
}
