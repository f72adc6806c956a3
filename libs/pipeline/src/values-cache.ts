import { isRolling } from '#libs/definitions';
import { entityKey, valueRowKey, type EntityRef, type IndicatorValue } from '#libs/indicators';
import { closedRecently, type ValuesReader } from './rescore';

// The scoring step's copy of the indicator values: loaded from the store once per entity, then kept
// current from the change feed, so scoring never waits for the processor's writes. A row per rolling
// window and per calendar period: an indicator timed by a date in the event (a payment by its invoice's
// due date) has rows in periods ahead of the clock, and the one holding the clock must stay. A period
// that has closed stays for one more period of its length (its late changes re-score it as closed,
// rescore.ts closedRecently); older ones are let go.
export class ValuesCache implements ValuesReader {
  private readonly byEntity = new Map<string, Map<string, IndicatorValue>>();
  private readonly refs = new Map<string, EntityRef>();
  private clock = Number.NEGATIVE_INFINITY; // the newest clock of every org
  private readonly clocks = new Map<string, number>(); // each org's, when the changes told it

  constructor(private readonly store: ValuesReader) {}

  // the entities held (changes may reach the cache before the store)
  get entities(): EntityRef[] {
    return [...this.refs.values()];
  }

  async apply(
    changes: readonly IndicatorValue[],
    clock: number,
    clocks: Readonly<Record<string, number>> = {},
  ): Promise<void> {
    this.clock = Math.max(this.clock, clock);
    for (const [org, c] of Object.entries(clocks)) this.clocks.set(org, Math.max(this.clocks.get(org) ?? c, c));
    await this.load(changes.map((c) => c.entity));
    const touched = new Set<Map<string, IndicatorValue>>();
    for (const c of changes) {
      const rows = this.byEntity.get(entityKey(c.entity)) as Map<string, IndicatorValue>;
      this.put(rows, c);
      touched.add(rows);
    }
    for (const rows of touched) for (const [key, v] of rows) if (this.ended(v)) rows.delete(key);
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
    if (!this.ended(v)) rows.set(valueRowKey(v.indicator, v.window, v.periodStart), v);
  }

  // ended, and not recently, on its org's clock: another org's later clock must not drop the period this
  // one is in
  private ended(v: IndicatorValue): boolean {
    const clock = this.clocks.get(v.entity.orgId) ?? this.clock;
    return !isRolling(v.window) && v.periodEnd <= clock && !closedRecently(v, clock);
  }
}
