/**
 * The lab's bad-entry oracle: entries are judged against the source's own bytes, so defects a
 * strategy does not know it has still show (the 2022 RFC's and pre-7.2 extract_xarray_to_sg's
 * folio offsets taken from the original start; the pre-CVE-2026-46289 KVEC entry overrun).
 */
import assert from "node:assert/strict";
import { loadDocument } from "../../src/trace/load.ts";
import { runLab } from "../../src/lab/mod.ts";
import type { LabCell, LabReport } from "../../src/lab/mod.ts";

const TRACE = `itertrace: 1
name: xa-mid
kernel: "6.12"
memory:
  files:
    - { name: data, size: 64K, folio_order: 2 }
  kernel:
    - { region: v, kind: vmalloc, size: 16K }
ops:
  - { op: iov_iter_xarray, iter: x, dir: source, file: data, start: 0x5000, count: 0x6000 }
  - { op: sg_init_table, sgt: sg, nents: 8 }
  - { op: extract_iter_to_sg, iter: x, maxsize: 0x6000, sgt: sg, sg_max: 8 }
  - { op: iov_iter_kvec, iter: k, dir: source, kvec: [{ base: "v+0x800", len: 0x2000 }] }
  - { op: sg_init_table, sgt: sg2, nents: 8 }
  - { op: extract_iter_to_sg, iter: k, maxsize: 0x2000, sgt: sg2, sg_max: 8 }
`;

function lab(kernel?: string): LabReport {
  const r = loadDocument(TRACE, "xa-mid.yaml");
  assert.ok(r.trace, JSON.stringify(r.issues));
  return runLab([r.trace], { kernel });
}

function cell(rep: LabReport, row: number, id: string): LabCell {
  return rep.rows[row].cells.find((c) => c.strategy === id)!;
}

Deno.test("lab oracle: a mid-folio XARRAY start shows the offset-from-start defect of (c) and of 6.12's extract_xarray_to_sg", () => {
  const rep = lab();
  assert.equal(cell(rep, 0, "c").badEntries, 1);
  assert.equal(cell(rep, 0, "e").badEntries, 1);
  for (const id of ["a", "b", "d", "f"]) assert.equal(cell(rep, 0, id).badEntries, 0, id);
});

Deno.test("lab oracle: 2bcd3ab37287 (7.2) clears the merged path's XARRAY entries; the RFC keeps its defect", () => {
  const rep = lab("7.2");
  assert.equal(cell(rep, 0, "e").badEntries, 0);
  assert.equal(cell(rep, 0, "c").badEntries, 1);
});

Deno.test("lab oracle: a multi-page vmalloc KVEC: virt_to_page in (b) and the pre-CVE-2026-46289 overrun in 6.12's (e)", () => {
  const rep = lab();
  assert.equal(cell(rep, 1, "b").badEntries, 3);
  const e = cell(rep, 1, "e");
  assert.ok(e.badEntries > 0);
  assert.ok(e.hazards.some((h) => h.code === "over_advance"));
  assert.equal(cell(rep, 1, "c").badEntries, 0);
  assert.equal(lab("7.1").rows[1].cells.find((c) => c.strategy === "e")!.badEntries, 0);
});
