/**
 * Run stores keep an emptied bucket until a sweep (src/model/buckets.ts): the stores still
 * answer exactly across sweeps, and the empty buckets they keep stay bounded however many
 * buckets a replay passes through.
 */
import assert from "node:assert/strict";
import { Buckets } from "../../src/model/buckets.ts";
import { HoldRuns } from "../../src/model/pin_runs.ts";
import { CountRuns } from "../../src/model/pin_counts.ts";

function innerSize(store: object): number {
  const b = (store as { buckets: Buckets<unknown> }).buckets;
  return (b as unknown as { map: Map<number, unknown[]> }).map.size;
}

Deno.test("a sweep drops only the buckets still empty, and keeps at most 64 empty ones", () => {
  const b = new Buckets<number>();
  for (let k = 0; k < 1000; k++) {
    b.set(k, k % 10 === 0 ? [k] : []);
    if (k % 10) b.emptiedOne();
  }
  assert.deepEqual(b.keys(), Array.from({ length: 100 }, (_, i) => i * 10));
  const map = (b as unknown as { map: Map<number, number[]> }).map;
  let empty = 0;
  for (const runs of map.values()) if (!runs.length) empty++;
  assert.ok(empty < 64, `${empty} empty buckets kept`);
  for (const k of b.keys()) assert.deepEqual(b.get(k), [k]);
});

Deno.test("holds and counts taken and dropped across 10,000 buckets stay exact and bounded", () => {
  const holds = new HoldRuns(), counts = new CountRuns();
  for (let i = 0; i < 10_000; i++) {
    const pfn = i * 4096 + (i % 7);
    holds.add(pfn, 3, i);
    counts.add(pfn, 3);
    // the page before stays held once every 1,000 frees
    if (i % 1000 === 0) continue;
    assert.equal(holds.remove(pfn, 3), 3);
    assert.equal(counts.remove(pfn, 3), 3);
    assert.equal(holds.count(pfn), 0);
    assert.equal(counts.count(pfn + 1), 0);
  }
  assert.equal(holds.total, 30);
  assert.equal(counts.total, 30);
  for (let i = 0; i < 10_000; i += 1000) {
    assert.equal(holds.count(i * 4096 + (i % 7) + 2), 1);
    assert.equal(counts.count(i * 4096 + (i % 7) + 2), 1);
  }
  assert.ok(innerSize(holds) <= 10 + 64, `holds kept ${innerSize(holds)} buckets`);
  assert.ok(innerSize(counts) <= 10 + 64, `counts kept ${innerSize(counts)} buckets`);
});
