/**
 * The buckets of a run store (pin_runs.ts's holds, pin_counts.ts's counts): each bucket a list
 * of runs under its number. A bio's pins fill a bucket and its release empties it, op after op;
 * deleting each emptied bucket from the Map made V8 shrink the Map's table and grow it again at
 * the next bio (a runtime call and a new table each time). An emptied bucket stays until
 * SWEEP_AT buckets have been emptied, and those still empty are then deleted together: there
 * are never more than SWEEP_AT empty buckets besides the live ones.
 *
 * @module
 */

/** Emptyings between two sweeps. */
const SWEEP_AT = 64;

/** Lists of runs by bucket number; an empty list stands for an empty bucket. */
export class Buckets<R> {
  private readonly map = new Map<number, R[]>();
  private emptied = 0;

  /** The bucket's runs (possibly none), or undefined. */
  get(key: number): R[] | undefined {
    return this.map.get(key);
  }

  set(key: number, runs: R[]): void {
    this.map.set(key, runs);
  }

  /** Records that the bucket under `key` has just been emptied. */
  emptiedOne(): void {
    if (++this.emptied < SWEEP_AT) return;
    this.emptied = 0;
    for (const [k, runs] of this.map) if (!runs.length) this.map.delete(k);
  }

  /** The numbers of the buckets holding runs, in increasing order. */
  keys(): number[] {
    const out: number[] = [];
    for (const [k, runs] of this.map) if (runs.length) out.push(k);
    return out.sort((a, b) => a - b);
  }
}
