/**
 * A step's changes are derived from its effects, and a replay that shows none (`replay -q`)
 * records none: same results, no change records.
 */
import assert from "node:assert/strict";
import { loadDocument } from "../src/mod.ts";
import { Replay } from "../src/replay/engine.ts";

const text = `itertrace: 1
name: fx
kernel: "6.12"
memory:
  user: [{ region: u, size: 16K }]
  kernel: [{ region: k, kind: kmalloc, size: 8K }]
ops:
  - { op: iov_iter_ubuf, iter: it, dir: dest, addr: u, len: 0x2000 }
  - { op: iov_iter_extract_pages, iter: it, maxsize: 0x2000, maxpages: 4, as: p }
  - { op: copy_to_iter, iter: it, from: k, bytes: 0 }
  - { op: iov_iter_kvec, iter: kv, dir: source, kvec: [{ base: "k+0x10", len: 0x100 }] }
  - { op: copy_from_iter, iter: kv, to: "u+0x3000", bytes: 0x100 }
  - { op: unpin_user_pages, pages: p }
  - { op: free, var: p }
`;

function run(changes: boolean) {
  const { trace } = loadDocument(text, "fx.yaml");
  const r = new Replay(trace!, { changes });
  const steps = trace!.ops.map((op) => r.step(op));
  return { steps, end: r.finish() };
}

Deno.test("changes come from effects: holds, entries, fields and bytes written", () => {
  const { steps } = run(true);
  const paths = (i: number) => steps[i].changes.map((c) => c.path);
  assert.deepEqual(paths(1), [
    "iter.it.count",
    "iter.it.iov_offset",
    "pages.p",
    "pins.u[0]",
    "pins.u[1]",
  ]);
  assert.deepEqual(steps[4].changes.at(-1), {
    path: "memory.u+0x3000",
    before: null,
    after: "0x100 bytes written",
  });
  assert.deepEqual(steps[5].changes.map((c) => [c.path, c.before, c.after]), [
    ["pages.p.pages", "u[0] u[1]", "u[0] (released) u[1] (released)"],
    ["pins.u[0]", 1, 0],
    ["pins.u[1]", 1, 0],
  ]);
  assert.deepEqual(steps[6].changes.map((c) => [c.path, c.after]), [["var.p", null]]);
});

Deno.test("a replay that records no effects has the same results and no changes", () => {
  const on = run(true), off = run(false);
  assert.deepEqual(
    off.steps.map((s) => [s.ret, s.warnings, s.failures]),
    on.steps.map((s) => [s.ret, s.warnings, s.failures]),
  );
  assert.deepEqual(off.end, on.end);
  assert.ok(off.steps.every((s) => s.changes.length === 0));
  assert.ok(on.steps.filter((s) => s.changes.length).length >= 6);
});

Deno.test("step results keep the documented key order (changes is derived on first use)", () => {
  const { steps } = run(true);
  assert.deepEqual(Object.keys(steps[0]), [
    "index",
    "op",
    "id",
    "line",
    "ret",
    "changes",
    "warnings",
    "failures",
  ]);
});
