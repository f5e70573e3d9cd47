/**
 * The ids of a replay's ops by step index, for warnings whose cause is given by id (the
 * judge's `cause:` lookups, and Replay.idOf).
 *
 * @module
 */

/**
 * Steps that had an id and their ids, in step order, appended to by each such step; map()
 * puts those it has not seen yet into its map when read. A map set on every step with an id
 * took 2.7% of a 10^6-op replay's CPU samples (150,000 ids: a table of megabytes, touched at
 * random), and a replay whose warnings meet no expectation never reads it.
 */
export class OpIds {
  private readonly steps: number[] = [];
  private readonly ids: string[] = [];
  private readonly byStep = new Map<number, string>();
  private synced = 0;

  /** Records the id of the op at step `index`. */
  add(index: number, id: string): void {
    this.steps.push(index);
    this.ids.push(id);
  }

  /** Op ids by step index (the same map each time, brought up to date). */
  map(): Map<number, string> {
    const steps = this.steps, ids = this.ids, map = this.byStep;
    for (; this.synced < steps.length; this.synced++) map.set(steps[this.synced], ids[this.synced]);
    return map;
  }
}
