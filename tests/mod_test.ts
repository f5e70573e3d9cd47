/**
 * The library surface works as its module example shows.
 */
import assert from "node:assert/strict";
import { loadDocument, Replay } from "../src/mod.ts";

Deno.test("src/mod.ts: load a trace from a string and replay it step by step", () => {
  const text = `itertrace: 1
name: demo
memory: { kernel: [{ region: k, kind: kmalloc, size: 8K }] }
ops:
  - { op: iov_iter_kvec, iter: kv, dir: source, kvec: [{ base: "k+0x10", len: 0x1000 }] }
  - { op: iov_iter_advance, iter: kv, bytes: 16 }
`;
  const { trace } = loadDocument(text, "demo.yaml");
  assert.ok(trace);
  const replay = new Replay(trace);
  const steps = trace.ops.map((op) => replay.step(op));
  assert.deepEqual(steps[1].changes, [
    { path: "iter.kv.count", before: 0x1000, after: 0xff0 },
    { path: "iter.kv.iov_offset", before: 0, after: 16 },
  ]);
  assert.equal(replay.finish().summary.verdict, "clean");
});

Deno.test("src/mod.ts: deno doc --lint finds nothing (documented, no private types exposed)", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--lint", "src/mod.ts"],
    env: { NO_COLOR: "1" },
  }).output();
  const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, text);
  assert.doesNotMatch(text, /error\[/);
});
