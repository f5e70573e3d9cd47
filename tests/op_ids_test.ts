import assert from "node:assert/strict";
import { OpIds } from "../src/replay/op_ids.ts";

Deno.test("OpIds: the map holds every id added, brought up to date each time it is read", () => {
  const ids = new OpIds();
  assert.deepEqual([...ids.map()], []);
  ids.add(1, "readv@0");
  ids.add(9, "writev@1");
  const m = ids.map();
  assert.deepEqual([...m], [[1, "readv@0"], [9, "writev@1"]]);
  ids.add(17, "readv@2");
  assert.equal(ids.map(), m, "the same map, not a new one per read");
  assert.deepEqual([...m], [[1, "readv@0"], [9, "writev@1"], [17, "readv@2"]]);
  assert.equal(ids.map().get(9), "writev@1");
  assert.equal(ids.map().get(2), undefined);
});
