import { combineDefinitions, parseDefinitionSource, type DefinitionSet } from '#libs/definitions';

export type PublishOutcome = { ok: true; version: number } | { ok: false; reason: string };

// The KPI definitions in force in a running pipeline. Scorecards can change live (the scoring step
// re-scores with the new version at once); indicators and orgs cannot, because the processor's state
// was folded under them: changing those needs a replay, so publish refuses it with the reason.
export class DefinitionsRegistry {
  private set: DefinitionSet;
  private number: number;
  private readonly listeners = new Set<(set: DefinitionSet) => void>();

  constructor(initial: DefinitionSet, version = 0) {
    this.set = initial;
    this.number = version;
  }

  get current(): DefinitionSet {
    return this.set;
  }

  get version(): number {
    return this.number;
  }

  check(next: DefinitionSet): string | undefined {
    if (JSON.stringify(next.indicators) !== JSON.stringify(this.set.indicators)) {
      return 'indicators: changed indicator definitions need a replay of the log; publish scorecard changes only, or restart with the new files';
    }
    if (JSON.stringify(next.orgs) !== JSON.stringify(this.set.orgs)) {
      return 'orgs: changed org settings need a replay of the log; restart with the new files';
    }
    return undefined;
  }

  publish(next: DefinitionSet, version: number): PublishOutcome {
    const reason = this.check(next);
    if (reason !== undefined) return { ok: false, reason };
    this.set = next;
    this.number = version;
    for (const listener of this.listeners) listener(next);
    return { ok: true, version };
  }

  // Takes the newest published version when it is newer than the one in force (scoring in another
  // process than the gateway that published it). False when it cannot be taken.
  adopt(latest: { version: number; source: string } | undefined): boolean {
    if (latest === undefined || latest.version <= this.number) return true;
    const set = parsePublished(latest.source);
    return set !== undefined && this.publish(set, latest.version).ok;
  }

  onPublish(listener: (set: DefinitionSet) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

// The definition set of a published version's source text, or undefined when it no longer parses.
export function parsePublished(source: string): DefinitionSet | undefined {
  const parsed = combineDefinitions([parseDefinitionSource(source, 'published.yaml')]);
  return parsed.issues.some((i) => i.severity === 'error') ? undefined : parsed.set;
}
