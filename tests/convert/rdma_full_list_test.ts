/**
 * An SGE list already full when the call begins. smb_set_sge() (fs/smb/client/smbdirect.c,
 * 6.3 to 7.0) maps the first piece into sge[nr_sge] without looking at max_sge, so the list
 * ends one past its limit (sge_overrun); smbdirect_map_sges_single_page() (fs/smb/common/smbdirect, 7.1)
 * returns false when num_sge >= max_sge, before ib_dma_map_page(), and the walk returns -EIO
 * with nothing mapped and the iterator where it was.
 */
import assert from "node:assert/strict";
import { loadDocument } from "../../src/trace/load.ts";
import { Replay } from "../../src/replay/engine.ts";
import { setPerPageEntries } from "../../src/model/entry_runs.ts";

/** Two calls into list "r" (max_sge 2): the first fills it, the second starts full. */
function trace(kernel: string, op: string) {
  const call = (len: number) => ({
    op,
    iter: "b",
    len,
    rdma: "r",
    max_sge: 2,
    lkey: 7,
    dma_dir: "to_device",
  });
  return {
    itertrace: 1,
    name: "full-list",
    kernel,
    memory: { kernel: [{ region: "pg", kind: "page_alloc", size: 0x8000 }] },
    ops: [
      {
        op: "iov_iter_bvec",
        iter: "b",
        dir: "source",
        bvec: [0, 1, 2, 3].map((i) => ({ page: `pg[${i}]`, offset: 0, len: 0x1000 })),
      },
      call(0x2000),
      call(0x1000),
    ],
  };
}

function replay(kernel: string, op: string) {
  const loaded = loadDocument(JSON.stringify(trace(kernel, op)), "full-list.json");
  assert.ok(loaded.trace, JSON.stringify(loaded.issues));
  const r = new Replay(loaded.trace, { changes: false });
  const steps = loaded.trace.ops.map((node) => r.step(node));
  const view = r.stateView() as unknown as {
    "iter.b": { count: number };
    "rdma.r": { nr_sge: number; sge: unknown[] };
  };
  return { steps, view, end: r.finish() };
}

for (const perPage of [false, true]) {
  const how = perPage ? " (per-page reference)" : "";

  Deno.test(`smb_extract_iter_to_rdma (7.0) fills the slot past max_sge of a full list${how}`, () => {
    setPerPageEntries(perPage);
    try {
      const { steps, view } = replay("7.0", "smb_extract_iter_to_rdma");
      assert.equal(steps[1].ret, 0x2000);
      assert.equal(steps[2].ret, 0x1000);
      assert.deepEqual(steps[2].warnings.map((w) => w.code), ["segment_limit", "sge_overrun"]);
      assert.equal(view["rdma.r"].nr_sge, 3);
      assert.equal(view["rdma.r"].sge.length, 3);
      assert.equal(view["iter.b"].count, 0x1000);
    } finally {
      setPerPageEntries(false);
    }
  });

  Deno.test(`smbdirect_map_sges_from_iter (7.1) refuses a full list with -EIO${how}`, () => {
    setPerPageEntries(perPage);
    try {
      const { steps, view, end } = replay("7.1", "smbdirect_map_sges_from_iter");
      assert.equal(steps[1].ret, 0x2000);
      assert.equal(steps[2].ret, -5);
      assert.deepEqual(steps[2].warnings.map((w) => w.code), ["segment_limit"]);
      assert.equal(view["rdma.r"].nr_sge, 2);
      assert.equal(view["rdma.r"].sge.length, 2);
      assert.equal(view["iter.b"].count, 0x2000);
      assert.deepEqual(end.endWarnings.filter((w) => w.code === "dma_unmap_mismatch"), []);
    } finally {
      setPerPageEntries(false);
    }
  });
}
