/**
 * The benchmark's realistic workload (bench/workload.ts) is deterministic, has the mix it
 * claims, and is a valid trace that replays cleanly: names re-used after `free` are new
 * variables (no use-after-return carried over from the old iterator). The streaming
 * reference checks of `validate` report what the whole-trace checks report.
 */
import assert from "node:assert/strict";
import { workloadHeader, workloadOps, type WorkloadStats } from "../bench/workload.ts";
import { runCli } from "../src/cli/mod.ts";
import { fakeIo } from "./_io.ts";
import { checkRefs, RefChecker } from "../src/trace/refs.ts";
import { loadDocument } from "../src/trace/load.ts";

function trace(ops: number, seed: number, stats?: WorkloadStats): string {
  return [workloadHeader(ops, seed), ...workloadOps(ops, seed, stats)].join("\n") + "\n";
}

Deno.test("the workload is deterministic, exactly N ops, with the issue's mix", () => {
  assert.equal(trace(3000, 1), trace(3000, 1));
  assert.notEqual(trace(3000, 1), trace(3000, 2));
  assert.equal(trace(3000, 1).trimEnd().split("\n").length, 3001);
  const st: WorkloadStats = { ops: 0, ios: 0, dio: 0, kvec: 0, bvec: 0, segments: 0, pages: 0 };
  trace(200000, 1, st);
  assert.equal(st.ops, 200000);
  // about 17 segments and 11 pages per O_DIRECT I/O, 80% O_DIRECT
  assert.ok(st.segments / st.dio > 14 && st.segments / st.dio < 21, `${st.segments / st.dio}`);
  assert.ok(st.pages / st.dio > 9 && st.pages / st.dio < 14, `${st.pages / st.dio}`);
  assert.ok(Math.abs(st.dio / st.ios - 0.8) < 0.03);
});

Deno.test("the workload validates and replays; re-used names carry no old return", async () => {
  const files = { "w.jsonl": trace(3000, 3) };
  const v = fakeIo(files);
  assert.equal(await runCli(["validate", "w.jsonl"], v), 0, v.err);
  const io = fakeIo(files);
  const code = await runCli(["replay", "-q", "--format", "json", "w.jsonl"], io);
  assert.equal(code, 0, io.err);
  const res = JSON.parse(io.out);
  assert.equal(res.summary.pins.outstanding, 0);
  assert.ok(res.summary.pins.acquired > 1000);
  // the only hazard is the KVEC extract_iter_to_sg over-advance of 6.18 (the CVE-2026-46289
  // era): a re-used name carries no use-after-return
  assert.deepEqual(Object.keys(res.summary.warnings), ["over_advance"]);
});

Deno.test("a name re-used after free is a new iterator; its old return does not follow it", async () => {
  const t = `itertrace: 1
name: reuse
kernel: "6.18"
memory: { user: [{ region: buf, size: 64K }] }
ops:
  - { op: import_iovec, iter: c, dir: dest, iov: [{ base: buf, len: 512 }, { base: "buf+0x1000", len: 512 }] }
  - { op: syscall_return, iters: [c] }
  - { op: free, var: c }
  - { op: import_iovec, iter: c, dir: dest, iov: [{ base: buf, len: 512 }, { base: "buf+0x1000", len: 512 }] }
  - { op: iov_iter_advance, iter: c, bytes: 512, expect: { warnings: [] } }
  - { op: syscall_return, iters: [c] }
  - { op: iov_iter_advance, iter: c, bytes: 1, expect: { warnings: [iter_used_after_return] } }
`;
  const io = fakeIo({ "r.yaml": t });
  assert.equal(await runCli(["check", "r.yaml"], io), 0, io.out + io.err);
});

Deno.test("streaming reference checks report what the whole-trace checks report", () => {
  const t = `itertrace: 1
name: refs
memory: { user: [{ region: buf, size: 64K }] }
ops:
  - { op: iov_iter_ubuf, iter: u, dir: dest, addr: "bufx+0x10", len: 16 }
  - { op: iov_iter_advance, iter: v, bytes: 1, expect: { warnings: [{ code: over_advance, cause: later }] } }
  - { op: iov_iter_advance, iter: u, bytes: 1, expect: { warnings: [{ code: over_advance, cause: nowhere }] } }
  - { op: free, var: u, id: later }
  - { op: free, var: u }
`;
  const r = loadDocument(t, "refs.yaml");
  assert.ok(r.trace, JSON.stringify(r.issues));
  const whole = checkRefs(r.trace, r.trace.ops);
  const c = new RefChecker(r.trace);
  for (const op of r.trace.ops) c.op(op);
  assert.deepEqual(c.finish(), whole);
  const messages = whole.map((i) => i.message).join("\n");
  assert.match(messages, /unknown region "bufx"/);
  assert.match(messages, /unknown iterator "v"/);
  assert.match(messages, /warning cause "nowhere" is neither/);
  assert.doesNotMatch(messages, /"later"/);
  assert.match(messages, /unknown variable "u"/);
});
