/**
 * `itertrace export kunit`: the C a trace becomes, its expectations taken from the model's
 * replay in the chosen era, what an era cannot express, and the seeded random shapes.
 */
import assert from "node:assert/strict";
import { loadDocument, type LoadedTrace } from "../src/trace/load.ts";
import { Replay } from "../src/replay/engine.ts";
import { exportCase, fnv1a } from "../src/export/case.ts";
import { KAPI, kapiFor } from "../src/export/kapi.ts";
import { exportKunit } from "../src/export/kunit.ts";
import { randomTraces } from "../src/export/random.ts";
import { runCli } from "../src/cli/mod.ts";
import { fakeIo } from "./_io.ts";

function load(text: string): LoadedTrace {
  const { trace, issues } = loadDocument(text, "t.yaml");
  assert.ok(trace, JSON.stringify(issues));
  return trace;
}

const k612 = kapiFor("6.12")!;
const k61 = kapiFor("6.1")!;

const KVEC = `itertrace: 1
name: kvec-extract
memory:
  kernel: [{ region: k, kind: vmalloc, size: 16K, fill: index }, { region: d, kind: kmalloc, size: 8K }]
ops:
  - { op: iov_iter_kvec, iter: kv, dir: source, kvec: [{ base: "k+0x10", len: 0x1ff0 }, { base: "k+0x3000", len: 0x800 }] }
  - { op: iov_iter_extract_pages, iter: kv, maxsize: 100K, maxpages: 8, as: p }
  - { op: iov_iter_revert, iter: kv, bytes: 0x100 }
  - { op: copy_from_iter, iter: kv, to: "d+0x20", bytes: 0x100 }
  - { op: io_complete, of: p }
`;

Deno.test("FNV-1a matches the published vector (the C itk_hash computes the same)", () => {
  assert.equal(fnv1a(new TextEncoder().encode("a")), 0xe40c292c);
  assert.equal(fnv1a(new Uint8Array()), 0x811c9dc5);
});

Deno.test("the API table: 6.1 has no kunit_vm_mmap or folio_queue, 6.12 has both", () => {
  assert.equal(k61.has("kunit_vm_mmap"), false);
  assert.equal(k61.has("folio_queue"), false);
  assert.equal(k61.has("extract_pages"), false);
  assert.equal(k612.has("kunit_vm_mmap"), true);
  assert.equal(k612.has("folio_queue"), true);
  assert.equal(kapiFor("5.19"), undefined);
  assert.ok(KAPI.kunit.what.length > 0);
  assert.ok(k612.macros().includes("#define ITK_HAVE_VM_MMAP 1"));
  assert.ok(k61.macros().includes("#define ITK_HAVE_VM_MMAP 0"));
  // user memory all the same: the prelude gives the kthread an mm itself
  assert.equal(k61.has("user_mm"), true);
  assert.ok(k61.macros().includes("#define ITK_HAVE_USER_MM 1"));
});

Deno.test("a KVEC trace: kernel calls with the model's results as expectations", () => {
  const t = load(KVEC);
  const c = exportCase(t, k612, "itk_t");
  assert.ok(c.c, c.unexportable ?? "");
  // the model's own answers, replayed independently
  const r = new Replay(t, { kernel: "6.12" });
  const rets = t.ops.map((op) => r.step(op).ret);
  assert.match(c.c, /iov_iter_kvec\(&it\d+_kv, ITER_SOURCE, kv\d+_kv, 2, 0x27f0\);/);
  assert.ok(
    c.c.includes(`(long)0x${(rets[1] as number).toString(16)}, "#1 iov_iter_extract_pages"`),
  );
  const list = new Replay(t, { kernel: "6.12" });
  list.step(t.ops[0]);
  list.step(t.ops[1]);
  const pages = list.scope.listOf("p")!.entries;
  assert.equal(
    (c.c.match(/KUNIT_EXPECT_PTR_EQ_MSG\(test, pg\d+_p\[\d+\], itk_page\(c, 0, /g) ?? []).length,
    pages.length,
  );
  // the copied bytes are checked by hash of the model's memory
  const d = r.mem.regions.get("d")!;
  const h = fnv1a(r.mem.readRegion(d, 0x20, 0x100));
  assert.ok(c.c.includes(`itk_hash(c, 1, 0x20, 0x100), 0x${h.toString(16)}U`));
  // the lifecycle marker is listed, not dropped
  assert.deepEqual(c.skipped.map((s) => [s.op, s.class]), [["io_complete", "marker"]]);
  assert.match(c.c, /#4 io_complete: a lifecycle marker/);
  assert.equal(c.exported, 4);
});

Deno.test("user memory: kunit_vm_mmap in 6.12, the prelude's own mm in 6.1 (no kunit_vm_mmap)", () => {
  const t = load(`itertrace: 1
name: ubuf
memory: { user: [{ region: buf, size: 8K }] }
ops:
  - { op: iov_iter_ubuf, iter: u, dir: dest, addr: "buf+0x100", len: 0x1000 }
  - { op: iov_iter_get_pages2, iter: u, maxsize: 8K, maxpages: 4, as: p }
`);
  const c61 = exportCase(t, k61, "f");
  assert.ok(c61.c, c61.unexportable ?? "");
  assert.match(c61.c, /itk_user\(c, 0x2000, true\);/);
  const s61 = exportKunit([t], k61).c, s612 = exportKunit([t], k612).c;
  assert.match(s61, /#define ITK_HAVE_VM_MMAP 0\n#define ITK_HAVE_USER_MM 1/);
  assert.match(s612, /#define ITK_HAVE_VM_MMAP 1\n#define ITK_HAVE_USER_MM 1/);
  assert.match(s61, /kthread_use_mm\(mm\);/);
  const c612 = exportCase(t, k612, "f");
  assert.ok(c612.c);
  assert.match(c612.c, /itk_user\(c, 0x2000, true\);/);
  assert.match(c612.c, /iov_iter_get_pages2\(&it\d+_u, pg\d+_p, 0x2000, 4, &off\d+_p\);/);
  // the refs get_pages2 took are expected on the folios, then released at the end
  assert.match(c612.c, /itk_expect_folio\(c, 0, 0, 1, false, 1\);/);
  assert.match(c612.c, /put_page\(itk_page\(c, 0, 0\)\);/);
});

Deno.test("an op the model flags as a hazard ends the case; the rest is listed", () => {
  const t = load(`itertrace: 1
name: double
kernel: "6.12"
memory: { user: [{ region: buf, size: 8K }] }
ops:
  - { op: iov_iter_ubuf, iter: u, dir: dest, addr: buf, len: 0x1000 }
  - { op: iov_iter_extract_pages, iter: u, maxsize: 8K, maxpages: 4, as: p }
  - { op: unpin_user_pages, pages: p }
  - { op: unpin_user_pages, pages: p }
  - { op: iov_iter_advance, iter: u, bytes: 0 }
`);
  const c = exportCase(t, k612, "f");
  assert.equal(c.exported, 3);
  assert.deepEqual(c.skipped.map((s) => [s.index, s.op]), [[3, "unpin_user_pages"], [
    4,
    "iov_iter_advance",
  ]]);
  assert.match(c.skipped[0].why, /double_unpin/);
  assert.match(c.skipped[1].why, /after #3/);
  assert.deepEqual(c.skipped.map((s) => s.class), ["hazard", "after_end"]);
  // the suite's totals count them by class
  const x = exportKunit([t], k612);
  assert.deepEqual(x.totals.skippedByClass, { hazard: 1, after_end: 1 });
  assert.equal(x.totals.skippedOps, 2);
});

Deno.test("ops not run are counted by class: a kthread lacks the call, the model stops, when:", () => {
  const t = load(`itertrace: 1
name: classes
kernel: "6.12"
memory: { user: [{ region: buf, size: 8K }] }
ops:
  - { op: iov_iter_ubuf, iter: u, dir: dest, addr: buf, len: 0x1000 }
  - { op: iov_iter_advance, iter: u, bytes: 0x10, when: "<6.0" }
  - { op: fork }
  - { op: iov_iter_advance, iter: u, bytes: 0x10 }
`);
  const c = exportCase(t, k612, "f");
  assert.equal(c.exported, 1);
  assert.deepEqual(c.skipped.map((s) => [s.op, s.class]), [["fork", "no_kernel_call"], [
    "iov_iter_advance",
    "after_end",
  ]]);
  assert.equal(c.notInEra, 1);
  const stops = load(`itertrace: 1
name: stops
kernel: "6.12"
memory: { kernel: [{ region: k, kind: kmalloc, size: 4K }] }
ops:
  - { op: iov_iter_kvec, iter: k, dir: source, kvec: [{ base: k, len: 0x100 }] }
  - { op: iov_iter_get_pages, iter: k, maxsize: 4K, maxpages: 1, as: p }
`);
  const s = exportCase(stops, k612, "f");
  assert.deepEqual(s.skipped.map((x) => x.class), ["model_stops"]);
});

Deno.test("random shapes: deterministic per seed, and every op of them is exported", () => {
  const a = randomTraces(12, 7, k612), b = randomTraces(12, 7, k612);
  const ea = exportKunit(a, k612), eb = exportKunit(b, k612);
  assert.equal(ea.c, eb.c);
  assert.equal(ea.totals.exported, 12);
  assert.equal(ea.totals.skippedOps, 0);
  assert.notEqual(exportKunit(randomTraces(12, 8, k612), k612).c, ea.c);
  const r61 = exportKunit(randomTraces(12, 7, k61), k61);
  assert.equal(r61.totals.exported, 12);
  assert.ok(/\titk_user\(c,/.test(r61.c), "user memory in 6.1 cases too");
  assert.ok(!/iov_iter_folio_queue\(/.test(r61.c), "no FOLIOQ in 6.1 (added in 6.12)");
});

Deno.test("CLI: export kunit writes the suite and counts what it did not export", async () => {
  const io = fakeIo();
  const code = await runCli([
    "export",
    "kunit",
    "--kernel",
    "6.1",
    "traces/copy",
    "--random",
    "3",
    "-o",
    "x-virtual.c",
  ], io);
  assert.equal(code, 0, io.err);
  const c = await io.readTextFile("x-virtual.c");
  assert.match(c, /kunit_test_suites\(&itk_suite\);/);
  assert.match(
    io.err,
    /^export kunit --kernel 6\.1: \d+ test cases \(\d+ of \d+ traces, 3 random shapes of 3, seed 1\), \d+ kernel calls; \d+ ops not run/,
  );
  const bad = fakeIo();
  assert.equal(await runCli(["export", "kunit", "--kernel", "5.19", "traces/copy"], bad), 2);
  assert.match(bad.err, /releases 6\.1 and later/);
});

Deno.test("sg tables from pages: exported where the pages' physical adjacency is the model's", () => {
  const ok = load(`itertrace: 1
name: from-pages
kernel: "6.12"
memory: { kernel: [{ region: pg, kind: page_alloc, size: 16K }] }
ops:
  - { op: sg_alloc_table_from_pages_segment, sgt: t, pfns: [0x1000, 0x1001, 0x1003], offset: 0x100, size: 0x2e00, max_segment: 64K }
`);
  const c = exportCase(ok, k612, "f");
  assert.ok(c.c, c.unexportable ?? "");
  const r = new Replay(ok, { kernel: "6.12" });
  r.step(ok.ops[0]);
  const v = r.scope.vars.get("t");
  assert.ok(v?.type === "sgt");
  assert.ok(c.c.includes(`->nents, ${v.sgt.nents}U`));
  assert.match(c.c, /itk_sgt_from_pages\(c, pa\d+_pfns, 3, 0x100, 0x2e00, 0x10000, &iret\);/);
  // vmalloc pages are consecutive frames in the model, not in a kernel
  const vm = load(`itertrace: 1
name: from-vmalloc
kernel: "6.12"
memory: { kernel: [{ region: v, kind: vmalloc, size: 16K }] }
ops:
  - { op: sg_alloc_table_from_pages_segment, sgt: t, pfns: [0x1000, 0x1001], offset: 0, size: 0x2000, max_segment: 64K }
`);
  assert.match(exportCase(vm, k612, "f").unexportable!, /physically consecutive in the model/);
});
