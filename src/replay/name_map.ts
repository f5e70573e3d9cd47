/**
 * The map behind a replay's scope: names to variables, in the order they were defined, as a
 * Map keeps them. A trace frees what it defines a few ops later, name after name (c0, c0b0,
 * c1, ...), so the map holds a handful of names at a time and deletes one every few ops. V8
 * shrinks a Map's table as soon as a deletion leaves it a quarter full and grows it again at
 * the next definitions: a new table and a rehash for almost every freed name (a quarter of a
 * microsecond each in a 10^6-op replay). Here a deletion leaves a tombstone, and the
 * tombstones are swept out together once there are SWEEP_AT of them and more than there are
 * live names: the table is rebuilt once per that many deletions, and what the map holds stays
 * bounded by the live names.
 *
 * @module
 */

/** Stands in the map for a deleted name until the next sweep. */
const GONE: unique symbol = Symbol("gone");

/** Tombstones that make a sweep once they also outnumber the live names. */
const SWEEP_AT = 16;

/** A Map from names whose deletions are batched (see the module). */
export class NameMap<V> implements Iterable<[string, V]> {
  private map = new Map<string, V | typeof GONE>();
  private live = 0;
  private gone = 0;

  /** Live names. */
  get size(): number {
    return this.live;
  }

  get(name: string): V | undefined {
    const v = this.map.get(name);
    return v === GONE ? undefined : v;
  }

  has(name: string): boolean {
    const v = this.map.get(name);
    return v !== undefined && v !== GONE;
  }

  /** Sets `name` (a name defined again after its deletion goes last, as in a Map). */
  set(name: string, value: V): this {
    const old = this.map.get(name);
    if (old === GONE) {
      this.map.delete(name);
      this.gone--;
    }
    if (old === undefined || old === GONE) this.live++;
    this.map.set(name, value);
    return this;
  }

  delete(name: string): boolean {
    const v = this.map.get(name);
    if (v === undefined || v === GONE) return false;
    this.map.set(name, GONE);
    this.live--;
    if (++this.gone >= SWEEP_AT && this.gone > this.live) this.sweep();
    return true;
  }

  /** Calls `f` on each live entry in definition order. */
  forEach(f: (value: V, name: string) => void): void {
    this.map.forEach((v, k) => {
      if (v !== GONE) f(v, k);
    });
  }

  *[Symbol.iterator](): Iterator<[string, V]> {
    for (const [k, v] of this.map) if (v !== GONE) yield [k, v];
  }

  /** Rebuilds the map from its live entries, in order. */
  private sweep(): void {
    const next = new Map<string, V | typeof GONE>();
    for (const [k, v] of this.map) if (v !== GONE) next.set(k, v);
    this.map = next;
    this.gone = 0;
  }
}
