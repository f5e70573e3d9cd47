/**
 * The scope's name map (src/replay/name_map.ts) batches deletions behind tombstones; this
 * property holds it to a plain Map under random definitions, redefinitions and deletions of a
 * few names: every get, has, size and delete answer, and the entries in order (forEach and
 * iteration), including a name defined again after its deletion, which goes last.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { NameMap } from "../../src/replay/name_map.ts";

const seed = Number(Deno.env.get("FC_SEED") ?? 4242);

type Op = { set: boolean; name: string; value: number };
const opArb: fc.Arbitrary<Op> = fc.record({
  set: fc.boolean(),
  name: fc.constantFrom("a", "b", "c", "d", "e", "f", "g", "h"),
  value: fc.integer(),
});

Deno.test("name map answers as a Map does, in the same order", () => {
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 300 }), (plan) => {
      const m = new NameMap<number>(), ref = new Map<string, number>();
      for (const o of plan) {
        if (o.set) {
          m.set(o.name, o.value);
          ref.set(o.name, o.value);
        } else assert.equal(m.delete(o.name), ref.delete(o.name));
        assert.equal(m.size, ref.size);
        assert.equal(m.get(o.name), ref.get(o.name));
        assert.equal(m.has(o.name), ref.has(o.name));
      }
      assert.deepEqual([...m], [...ref]);
      const seen: [string, number][] = [];
      m.forEach((v, k) => seen.push([k, v]));
      assert.deepEqual(seen, [...ref]);
    }),
    { seed, numRuns: 500 },
  );
});

Deno.test("name map holds no more than its live names and a bounded number of tombstones", () => {
  const m = new NameMap<number>();
  for (let i = 0; i < 10_000; i++) {
    m.set(`c${i}`, i);
    m.set(`c${i}b0`, i);
    m.delete(`c${i}b0`);
    m.delete(`c${i}`);
  }
  const inner = (m as unknown as { map: Map<string, unknown> }).map;
  assert.equal(m.size, 0);
  assert.ok(inner.size <= 32, `the map kept ${inner.size} entries`);
});
