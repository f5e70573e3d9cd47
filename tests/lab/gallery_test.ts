/**
 * The claims the lab's gallery table makes, each checked on the table's JSON
 * (`itertrace lab --format json`, run in-process over traces/lab/).
 */
import assert from "node:assert/strict";
import { runCli } from "../../src/cli/mod.ts";
import { fakeIo } from "../_io.ts";
import type { LabCell, LabReport, LabRow } from "../../src/lab/mod.ts";

async function gallery(args: string[] = []): Promise<LabReport> {
  const io = fakeIo();
  const code = await runCli(["lab", "--format", "json", ...args], io);
  assert.equal(code, 0, io.err);
  return JSON.parse(io.out);
}

const rep = await gallery();

function cell(r: LabRow, id: string): LabCell {
  const c = r.cells.find((c) => c.strategy === id);
  assert.ok(c, `${r.workload.id} has no cell ${id}`);
  return c;
}

function rows(pred: (r: LabRow) => boolean): LabRow[] {
  const out = rep.rows.filter(pred);
  assert.ok(out.length, "no such workload in the gallery");
  return out;
}

Deno.test("lab gallery covers DIO from IOVEC and UBUF, crypto from each kind, RDMA from BVEC/XARRAY/FOLIOQ, KVEC on rodata and vmalloc, PIPE", () => {
  const has = (purpose: string, source: string) =>
    rep.rows.some((r) => r.workload.purpose === purpose && r.workload.source === source);
  for (const k of ["iovec", "ubuf"]) assert.ok(has("dio", k), `dio from ${k}`);
  for (const k of ["ubuf", "iovec", "kvec", "bvec", "xarray", "folioq"]) {
    assert.ok(has("sg", k), `sg from ${k}`);
  }
  for (const k of ["bvec", "xarray", "folioq"]) assert.ok(has("rdma", k), `rdma from ${k}`);
  assert.ok(has("dio", "pipe"));
  assert.ok(rep.rows.some((r) => r.workload.file.includes("KVEC+rodata")));
  assert.ok(rep.rows.some((r) => r.workload.file.includes("KVEC+vmalloc")));
});

Deno.test("lab: the merged API (e) takes no unnecessary pin or ref on any gallery workload", () => {
  for (const r of rep.rows) {
    const e = cell(r, "e");
    assert.equal(e.status, "ran", `${r.workload.id}: ${e.reason}`);
    assert.equal(e.unnecessary, 0, r.workload.id);
    assert.equal(e.forbidden, 0, r.workload.id);
    assert.equal(e.refs, 0, r.workload.id);
    const user = r.workload.source === "ubuf" || r.workload.source === "iovec";
    if (!user) assert.equal(e.pins, 0, r.workload.id);
  }
});

Deno.test("lab: the merged API (e) builds no intermediate sglist on the RDMA path", () => {
  for (const r of rows((r) => r.workload.purpose === "rdma")) {
    const e = cell(r, "e");
    assert.equal(e.intermediate.sgTables, 0, r.workload.id);
    assert.ok(!e.allocations.some((a) => a.what === "sg table"), r.workload.id);
    assert.equal(e.final?.type, "sge");
    assert.equal(e.final?.bytes, r.workload.len);
  }
});

Deno.test("lab: the first attempt (a) takes refs on BVEC sources, all of them unnecessary", () => {
  for (const r of rows((r) => r.workload.source === "bvec")) {
    const a = cell(r, "a");
    assert.equal(a.status, "ran");
    assert.ok(a.refs > 0, r.workload.id);
    assert.equal(a.unnecessary, a.refs, r.workload.id);
    assert.equal(cell(r, "e").refs + cell(r, "e").pins, 0);
  }
});

Deno.test("lab: the first attempt (a) refcounts kernel pages a KVEC describes (kmalloc, rodata) when they come as bio_vecs", () => {
  const [r] = rows((r) => r.workload.file.includes("BVEC+kmalloc"));
  const a = cell(r, "a");
  assert.ok(a.forbidden > 0);
  assert.ok(a.forbiddenPages.some((p) => p.includes("kmalloc")), a.forbiddenPages.join());
  assert.ok(a.forbiddenPages.some((p) => p.includes("rodata")), a.forbiddenPages.join());
  assert.ok(a.hazards.some((h) => h.code === "ref_on_kernel_memory"));
  assert.equal(cell(r, "e").forbidden, 0);
});

Deno.test("lab: the first attempt (a) advances the PIPE at extraction; the merged path does not", () => {
  const [r] = rows((r) => r.workload.source === "pipe");
  const a = cell(r, "a");
  assert.ok(a.hazards.some((h) => h.code === "pipe_premature_claim"), JSON.stringify(a.hazards));
  assert.ok(a.refs > 0);
  const e = cell(r, "e");
  assert.equal(e.status, "ran");
  assert.ok(!e.hazards.some((h) => h.code === "pipe_premature_claim"));
});

Deno.test("lab: the cifs path (d) allocates a page list and an sglist per RDMA request", () => {
  for (const r of rows((r) => r.workload.purpose === "rdma" && r.workload.source !== "kvec")) {
    const d = cell(r, "d");
    const inter = d.allocations.filter((x) => !x.final);
    assert.ok(inter.some((x) => x.what === "page array"), r.workload.id);
    assert.ok(inter.some((x) => x.what === "sg table"), r.workload.id);
    assert.ok(d.intermediate.sgTables >= 1);
    assert.ok(d.intermediate.bytes > 0);
  }
});

Deno.test("lab: a DIO read into user memory held by refs (a, c, d) raises fork_under_dma_ref; pins (e) do not", () => {
  const [r] = rows((r) => r.workload.purpose === "dio" && r.workload.source === "iovec");
  for (const id of ["a", "c", "d"]) {
    assert.ok(cell(r, id).hazards.some((h) => h.code === "fork_under_dma_ref"), id);
  }
  const e = cell(r, "e");
  assert.equal(e.hazards.length, 0);
  assert.ok(e.pins > 0);
});

Deno.test("lab: every list a strategy produced describes the workload's bytes", () => {
  for (const r of rep.rows) {
    for (const c of r.cells) {
      if (c.status !== "ran") continue;
      assert.equal(c.final?.bytes, r.workload.len, `${r.workload.id} ${c.strategy}`);
    }
  }
});

Deno.test("lab --kernel 6.1: the merged API is not in the era, the proposals still run", async () => {
  const old = await gallery(["--kernel", "6.1", "traces/lab/IOVEC+async_dio.yaml"]);
  const [r] = old.rows;
  assert.equal(cell(r, "e").status, "n/a");
  assert.match(cell(r, "e").reason ?? "", /6\.3/);
  assert.equal(cell(r, "a").status, "ran");
  assert.equal(old.kernel, "6.1");
});

Deno.test("lab: the 7.4 answer (f) runs in 7.4, takes FOLIOQ buffers as BVECQ, holds nothing it could borrow", () => {
  for (const r of rep.rows) {
    const f = cell(r, "f");
    assert.equal(f.era, "7.4");
    if (r.workload.source === "pipe") {
      assert.equal(f.status, "n/a");
      assert.match(f.reason ?? "", /removed in 6\.5/);
      continue;
    }
    assert.equal(f.status, "ran", `${r.workload.id}: ${f.reason}`);
    assert.equal(f.unnecessary, 0, r.workload.id);
    assert.equal(f.forbidden, 0, r.workload.id);
    assert.equal(f.refs, 0, r.workload.id);
    assert.equal(f.intermediate.sgTables, 0, r.workload.id);
  }
  for (const r of rows((r) => r.workload.source === "folioq")) {
    const f = cell(r, "f");
    assert.ok(f.notes.some((n) => /ITER_BVECQ/.test(n)), f.notes.join());
  }
});

Deno.test("lab --kernel 6.12: the 7.4 answer is not in the era", async () => {
  const old = await gallery(["--kernel", "6.12", "traces/lab/FOLIOQ+rdma.yaml"]);
  const f = cell(old.rows[0], "f");
  assert.equal(f.status, "n/a");
  assert.match(f.reason ?? "", /7\.4/);
});
