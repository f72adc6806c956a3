import { entityKey, type EntityRef, type IndicatorValue } from '#libs/indicators';
import type { ValuesReader } from './rescore';

const rowKey = (v: IndicatorValue): string => `${v.indicator}|${v.window}`;

// The scoring step's copy of the indicator values: loaded from the store once per entity, then kept
// current from the change feed, so scoring never waits for the processor's writes. Of a calendar
// window it keeps the newest period only: scorecards are scored for the periods holding the clock.
export class ValuesCache implements ValuesReader {
  private readonly byEntity = new Map<string, Map<string, IndicatorValue>>();
  private readonly refs = new Map<string, EntityRef>();

  constructor(private readonly store: ValuesReader) {}

  // the entities held (changes may reach the cache before the store)
  get entities(): EntityRef[] {
    return [...this.refs.values()];
  }

  async apply(changes: readonly IndicatorValue[]): Promise<void> {
    await this.load(changes.map((c) => c.entity));
    for (const c of changes) this.put(this.byEntity.get(entityKey(c.entity)) as Map<string, IndicatorValue>, c);
  }

  async valuesOf(entities: readonly EntityRef[]): Promise<IndicatorValue[]> {
    await this.load(entities);
    return entities.flatMap((e) => [...(this.byEntity.get(entityKey(e))?.values() ?? [])]);
  }

  private async load(entities: readonly EntityRef[]): Promise<void> {
    const missing = new Map<string, EntityRef>();
    for (const e of entities) {
      const key = entityKey(e);
      if (!this.byEntity.has(key)) missing.set(key, e);
    }
    if (missing.size === 0) return;
    const stored = await this.store.valuesOf([...missing.values()]);
    for (const [key, ref] of missing) {
      if (this.byEntity.has(key)) continue;
      this.byEntity.set(key, new Map());
      this.refs.set(key, ref);
    }
    for (const v of stored) this.put(this.byEntity.get(entityKey(v.entity)) as Map<string, IndicatorValue>, v);
  }

  private put(rows: Map<string, IndicatorValue>, v: IndicatorValue): void {
    const key = rowKey(v);
    const held = rows.get(key);
    // a late change to an earlier period does not displace the current one
    if (held === undefined || v.periodStart >= held.periodStart) rows.set(key, v);
  }
}
