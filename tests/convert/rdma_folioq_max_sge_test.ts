/**
 * smb_extract_folioq_to_rdma (fs/smb/client/smbdirect.c) before and after a379a8a2a003 "smb:
 * client: fix max_sge overflow in smb_extract_folioq_to_rdma()" (6.16; stable 6.12.35,
 * 6.15.4). Before, the loop ran while nr_sge < max_sge OR maxsize > 0 with maxsize never
 * lowered: past a full array to the queue's end, forever once the bytes were used up before
 * it, and with maxsize 0 (the OR's right side false) 0-byte pieces until the array was full.
 */
import assert from "node:assert/strict";
import { loadDocument } from "../../src/trace/load.ts";
import { Replay } from "../../src/replay/engine.ts";

const FIXED = ["6.12.35", "6.12.118", "6.15.4", "6.16", "7.0"];
const BROKEN = ["6.12", "6.12.34", "6.13", "6.14", "6.15", "6.15.3"];

/** A queue over file "f" as iterator "q", from slot 0, `count` bytes. */
const queue = (count: number) => ({
  op: "iov_iter_folio_queue",
  iter: "q",
  dir: "source",
  folios: "f",
  slot: 0,
  offset: 0,
  count,
});

/** `op` mapping `len` bytes of "q" into RDMA list "r" of max_sge entries. */
const toRdma = (op: string, len: number, maxSge: number) => ({
  op,
  iter: "q",
  len,
  rdma: "r",
  max_sge: maxSge,
  lkey: 1,
  dma_dir: "to_device",
});

/** Replays a trace; its steps and the state after the last. */
function replay(trace: { name: string; [key: string]: unknown }) {
  const loaded = loadDocument(JSON.stringify({ itertrace: 1, ...trace }), `${trace.name}.json`);
  assert.ok(loaded.trace, JSON.stringify(loaded.issues));
  const r = new Replay(loaded.trace, { changes: false });
  const steps = loaded.trace.ops.map((node) => r.step(node));
  return { steps, view: r.stateView() };
}

/** One queue of four 4 KiB folios; one call of `len` bytes from slot 0 into max_sge. */
function run(kernel: string, len: number, maxSge: number, count = 0x4000) {
  const { steps, view } = replay({
    name: "folioq-max-sge",
    kernel,
    dma: { iommu: false },
    memory: {
      files: [{
        name: "f",
        size: 0x4000,
        folios: [0, 1, 2, 3].map((i) => ({ index: i, order: 0, pfn: 0x100 + 2 * i })),
      }],
    },
    ops: [queue(count), toRdma("smb_extract_iter_to_rdma", len, maxSge)],
  });
  const v = view as unknown as {
    "iter.q": { count: number; slot: number; iov_offset: number };
    "rdma.r": { nr_sge: number; sge: { addr: string; length: number }[] };
  };
  return { step: steps[1], iter: v["iter.q"], rdma: v["rdma.r"] };
}

const codes = (s: { warnings: readonly { code: string }[] }) => s.warnings.map((w) => w.code);

Deno.test("a379a8a2a003: the FOLIOQ walk stops at max_sge where the fix is", () => {
  for (const k of FIXED) {
    const { step, iter, rdma } = run(k, 0x4000, 2);
    assert.equal(step.ret, 0x2000, k);
    assert.deepEqual(codes(step), [], k);
    assert.equal(rdma.nr_sge, 2, k);
    assert.deepEqual([iter.count, iter.slot, iter.iov_offset], [0x2000, 2, 0], k);
  }
});

Deno.test("before a379a8a2a003 the FOLIOQ walk writes past max_sge to the queue's end", () => {
  for (const k of BROKEN) {
    const { step, iter, rdma } = run(k, 0x4000, 2);
    assert.equal(step.ret, 0x4000, k);
    assert.deepEqual(codes(step), ["sge_overrun", "sge_overrun"], k);
    assert.deepEqual(step.warnings.map((w) => (w.fields as { entry: number }).entry), [2, 3]);
    assert.equal(rdma.nr_sge, 4, k);
    assert.deepEqual(rdma.sge.map((s) => s.length), [0x1000, 0x1000, 0x1000, 0x1000], k);
    assert.deepEqual([iter.count, iter.slot, iter.iov_offset], [0, 4, 0], k);
  }
});

Deno.test("before a379a8a2a003 bytes used up before the queue's end loop on 0-byte pieces", () => {
  for (const k of BROKEN) {
    // 0x1800 of a 0x4000 queue: the second folio is left half done
    const { step, iter, rdma } = run(k, 0x1800, 8, 0x1800);
    assert.equal(step.ret, 0x1800, k);
    assert.deepEqual(codes(step), ["zero_result_loop"], k);
    assert.deepEqual(rdma.sge.map((s) => [s.addr, s.length]), [
      ["0x100000", 0x1000],
      ["0x102000", 0x800],
      ["0x102800", 0],
    ]);
    assert.deepEqual([iter.count, iter.slot, iter.iov_offset], [0, 1, 0x800], k);
  }
  const { step, rdma } = run("6.12.35", 0x1800, 8, 0x1800);
  assert.deepEqual([step.ret, codes(step), rdma.nr_sge], [0x1800, [], 2]);
});

Deno.test("before a379a8a2a003 a maxsize of 0 maps 0-byte pieces until the list is full", () => {
  const { step, rdma } = run("6.14", 0, 3);
  assert.equal(step.ret, 0);
  assert.deepEqual(codes(step), []);
  assert.deepEqual(rdma.sge.map((s) => s.length), [0, 0, 0]);
});

/** A queue of two 4 KiB folios advanced over all its bytes, then mapped with `op`. */
function pastEnd(kernel: string, op: string) {
  return replay({
    name: "folioq-past-end",
    kernel,
    memory: { files: [{ name: "f", size: 0x2000, folio_order: 0 }] },
    ops: [
      queue(0x2000),
      { op: "iov_iter_advance", iter: "q", bytes: 0x2000 },
      toRdma(op, 0x1000, 4),
    ],
  }).steps[2];
}

Deno.test("a FOLIOQ iterator past its queue's last slot: WARN and -EIO in both copies", () => {
  for (
    const [k, op, fn] of [
      ["6.12", "smb_extract_iter_to_rdma", "smb_extract_folioq_to_rdma"],
      ["6.12.35", "smb_extract_iter_to_rdma", "smb_extract_folioq_to_rdma"],
      ["7.1", "smbdirect_map_sges_from_iter", "smbdirect_map_sges_from_folioq"],
    ]
  ) {
    const step = pastEnd(k, op);
    assert.equal(step.ret, -5, k);
    assert.deepEqual(codes(step), ["folioq_past_end"], k);
    assert.equal((step.warnings[0].fields as { fn: string }).fn, fn, k);
  }
});
