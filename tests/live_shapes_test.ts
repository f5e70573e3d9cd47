/**
 * The `itertrace live` pipeline without a kernel, judged by the recorded runs
 * (fixtures/live/*.jsonl, made on a real kernel with `live --random N --seed S`): the shape
 * generator reproduces the recorded shapes for the recorded seed, a case's trace is rebuilt
 * from its shape and the recorded page frames exactly as recorded, `live TRACE` reads the shape
 * back from it, and growing a case call by call reaches the kernel's recorded answer.
 */
import assert from "node:assert/strict";
import { randomShapes, rng } from "../src/live/shapes.ts";
import { shapeOfTrace } from "../src/live/from_trace.ts";
import { caseTrace, type MachineFacts, modelCase } from "../src/live/to_trace.ts";

const DIR = new URL("../fixtures/live/", import.meta.url);
const files = [...Deno.readDirSync(DIR)].map((e) => e.name).filter((n) => n.endsWith(".jsonl"))
  .sort();

interface Rec {
  case: number;
  shape: { syscall: string; size: number; thp: boolean; touched: boolean; segs: unknown[] };
  kernel: { ret: number; acquired: number; released: number; thp: boolean };
  trace: {
    name: string;
    memory: { user: { pfns?: string[] }[] };
    ops: { op: string }[];
  };
}

function load(f: string): { facts: MachineFacts; seed: number; count: number; recs: Rec[] } {
  const lines = Deno.readTextFileSync(new URL(f, DIR)).trim().split("\n");
  const head = JSON.parse(lines[0]);
  return { ...head, recs: lines.slice(1).map((l) => JSON.parse(l)) };
}

Deno.test("rng is mulberry32: its first outputs for seed 1", () => {
  const r = rng(1);
  // mulberry32(1), computed by a separate implementation of the published algorithm (in
  // Python, 32-bit wrapping arithmetic): 2693262067, 11749833, 2265367787 (of 2^32)
  assert.deepEqual([r(), r(), r()].map((x) => Math.round(x * 2 ** 32)), [
    2693262067,
    11749833,
    2265367787,
  ]);
});

for (const f of files) {
  Deno.test(`live ${f}: --seed reproduces every recorded shape`, () => {
    const { seed, count, recs } = load(f);
    const shapes = randomShapes(count, seed);
    assert.equal(shapes.length, recs.length);
    recs.forEach((rec, i) => assert.deepEqual(shapes[i], rec.shape, `case ${rec.case}`));
  });

  Deno.test(`live ${f}: each case's trace is rebuilt from its shape, and read back as it`, () => {
    const { facts, recs } = load(f);
    let rebuilt = 0;
    for (const rec of recs) {
      const calls = rec.trace.ops.filter((o) =>
        o.op === "bio_iov_iter_get_pages" || o.op === "iov_iter_get_pages2"
      ).length;
      const pfns = rec.trace.memory.user[0].pfns?.map((p) =>
        Number(p)
      );
      if (pfns) {
        const doc = caseTrace(
          rec.trace.name,
          rec.shape as never,
          facts,
          pfns,
          rec.kernel.thp,
          calls,
        );
        assert.deepEqual(doc, rec.trace, `case ${rec.case}`);
        rebuilt++;
      }
      const back = shapeOfTrace(JSON.stringify(rec.trace));
      assert.ok(typeof back !== "string", `case ${rec.case}: ${back}`);
      assert.equal(back.syscall, rec.shape.syscall);
      assert.deepEqual(back.segs, rec.shape.segs);
      assert.equal(back.thp, rec.kernel.thp);
    }
    assert.ok(rebuilt > recs.length / 2, `${rebuilt} of ${recs.length} rebuilt`);
  });

  Deno.test(`live ${f}: growing a case call by call reaches the kernel's recorded answer`, async () => {
    const { facts, recs } = load(f);
    const bad: string[] = [];
    // the first 40 cases: every syscall and alignment class appears among them
    for (const rec of recs.slice(0, 40)) {
      const pfns = rec.trace.memory.user[0].pfns?.map((p) => Number(p));
      if (!pfns) continue;
      const { outcome } = await modelCase(
        rec.trace.name,
        rec.shape as never,
        facts,
        pfns,
        rec.kernel.thp,
      );
      const k = rec.kernel;
      if (
        outcome.ret !== k.ret || outcome.acquired !== k.acquired || outcome.released !== k.released
      ) {
        bad.push(`#${rec.case}: kernel ${k.ret} ${k.acquired}/${k.released}, model ${outcome.ret}`);
      }
    }
    assert.deepEqual(bad, []);
  });
}

Deno.test("live TRACE: traces that cannot run on a kernel say why", () => {
  const base = (user: string, ops: string) =>
    `itertrace: 1\nname: t\nmemory: { user: [${user}] }\nops:\n${ops}`;
  const io = "  - { op: iov_iter_init, iter: u, dir: dest, iov: [{ base: buf, len: 512 }] }\n";
  const bio = "  - { op: bio_iov_iter_get_pages, iter: u, bio: b, max_vecs: 4 }\n";
  assert.match(String(shapeOfTrace("{")), /^not a YAML\/JSON trace/);
  assert.match(
    String(
      shapeOfTrace(
        base(
          "{ region: buf, size: 4K }",
          "  - { op: iov_iter_kvec, iter: k, dir: source, kvec: [] }\n",
        ),
      ),
    ),
    /first iterator is not user memory/,
  );
  assert.match(
    String(shapeOfTrace(base("{ region: buf, size: 4K, vma: file }", io + bio))),
    /not a private read-write anonymous/,
  );
  assert.match(String(shapeOfTrace(base("{ region: buf, size: 4K }", io))), /reaches neither/);
  const ok = shapeOfTrace(base("{ region: buf, size: 6K, populated: false }", io + bio));
  assert.deepEqual(ok, {
    syscall: "preadv",
    size: 8192,
    thp: false,
    touched: false,
    segs: [{ off: 0, len: 512 }],
    kind: "trace+untouched",
  });
});
