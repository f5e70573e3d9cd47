/**
 * Op handlers: one function per trace op, mapping the trace's arguments onto the model and
 * returning the op's `ret`: iterator constructors, position ops, queries, copies and pipes.
 *
 * @module
 */
import type { OpNode } from "../trace/load.ts";
import type { Handlers, OpCtx } from "./handler.ts";
import type { Loc } from "../trace/resolve.ts";
import type { IovIter } from "../model/iter.ts";
import {
  importIovec,
  iovIterBvec,
  iovIterDiscard,
  iovIterFolioQueue,
  iovIterInit,
  iovIterKvec,
  iovIterPipe,
  iovIterUbuf,
  iovIterXarray,
  type IterOrigin,
  ubufNrSegs,
} from "../model/construct.ts";
import {
  dupIter,
  iovIterAdvance,
  iovIterReexpand,
  iovIterRestore,
  iovIterRevert,
  iovIterSaveState,
  iovIterTruncate,
} from "../model/advance.ts";
import {
  copyFromIter,
  copyFromIterFull,
  copyPageToIter,
  copyToIter,
  iovIterZero,
} from "../model/copy.ts";
import {
  iovIterAlignment,
  iovIterExtractWillPin,
  iovIterGapAlignment,
  iovIterIsAligned,
  iovIterNpages,
  iovIterSingleSegCount,
} from "../model/query.ts";
import { checkBvecBounds } from "./bvec_bounds.ts";
import { hex } from "../types.ts";

/**
 * The new iterator's name, step and mm: user addresses resolve in the task whose region the
 * first address names (the trace's first task otherwise).
 */
function origin(
  r: OpCtx,
  a: { iter: string; addr?: unknown; iov?: { base: unknown }[]; kvec?: { base: unknown }[] },
  node: OpNode,
  name = a.iter,
): IterOrigin {
  const first = a.addr ?? a.iov?.[0]?.base ?? a.kvec?.[0]?.base;
  return {
    name,
    task: first === undefined ? r.at.defaultTask : r.at.taskOf(first),
    step: node.index,
  };
}

function create(r: OpCtx, it: IovIter): number {
  r.scope.define(it.name, { type: "iter", iter: it }, ["iter"]);
  return it.count;
}

function segs(r: OpCtx, list: { base: unknown; len: number }[], key: string) {
  const at = r.at;
  return list.map((s, i) => at.seg(s.base, s.len, key, i));
}

/** Where `at` points, checked to hold `len` bytes inside its region. */
function span(r: OpCtx, at: unknown, len: number, path: string): Loc {
  const loc = r.at.loc(at, [path]);
  if (loc.offset + len > loc.region.size) {
    r.error(
      `${path}: ${hex(len)} bytes from +${
        hex(loc.offset)
      } run past the end of "${loc.region.name}"`,
      [path],
    );
  }
  return loc;
}

function readFrom(r: OpCtx, at: unknown, len: number, path: string): Uint8Array {
  const loc = span(r, at, len, path);
  return r.mem.readRegion(loc.region, loc.offset, len);
}

function writeTo(r: OpCtx, to: unknown, data: Uint8Array, path: string): void {
  const loc = span(r, to, data.length, path);
  r.mem.writeRegion(loc.region, loc.offset, data);
}

/** Handlers of the iterator, copy and pipe ops. */
export const ITER_HANDLERS = {
  iov_iter_ubuf(r, a, node) {
    const addr = r.at.vaddr(a.addr, ["addr"]);
    return create(r, iovIterUbuf(origin(r, a, node), a.dir, addr, a.len, ubufNrSegs(r.model)));
  },
  iov_iter_init(r, a, node) {
    return create(r, iovIterInit(origin(r, a, node), a.dir, segs(r, a.iov, "iov")));
  },
  import_iovec(r, a, node) {
    const res = importIovec(r.model, origin(r, a, node), a.dir, segs(r, a.iov, "iov"));
    if ("errno" in res) {
      r.scope.failed.set(a.iter, `import_iovec at step ${node.index} returned ${res.errno}`);
      return res.errno;
    }
    create(r, res.iter);
    return res.total;
  },
  iov_iter_kvec(r, a, node) {
    return create(r, iovIterKvec(origin(r, a, node), a.dir, segs(r, a.kvec, "kvec")));
  },
  iov_iter_bvec(r, a, node) {
    const bv = (a.bvec as { page: unknown; offset: number; len: number }[]).map((b, i) => ({
      pfn: r.at.page(b.page, ["bvec", i, "page"]),
      offset: b.offset,
      len: b.len,
    }));
    bv.forEach((b, i) => checkBvecBounds(r, `bvec[${i}]`, b));
    return create(r, iovIterBvec(origin(r, a, node), a.dir, bv));
  },
  iov_iter_xarray(r, a, node) {
    const file = r.mem.regions.get(a.file);
    if (!file || file.space !== "file") return r.error(`unknown file "${a.file}"`, ["file"]);
    return create(r, iovIterXarray(origin(r, a, node), a.dir, file, a.start, a.count));
  },
  iov_iter_folio_queue(r, a, node) {
    const src = r.mem.regions.get(a.folios);
    if (!src) return r.error(`unknown region or file "${a.folios}"`, ["folios"]);
    return create(
      r,
      iovIterFolioQueue(r.model, origin(r, a, node), a.dir, src, {
        slot: a.slot,
        offset: a.offset,
        count: a.count,
        slotsPerSegment: a.slots_per_segment,
      }),
    );
  },
  iov_iter_discard(r, a, node) {
    return create(r, iovIterDiscard(origin(r, a, node), a.count));
  },
  iov_iter_pipe(r, a, node) {
    const pipe = r.scope.pipes.get(a.pipe);
    if (!pipe) return r.error(`unknown pipe "${a.pipe}"`, ["pipe"]);
    if (pipe.head - pipe.tail >= pipe.maxUsage) {
      r.warn(
        "pipe_wrong_use",
        { fn: "iov_iter_pipe", iter: a.iter },
        `iov_iter_pipe on full pipe "${a.pipe}": WARN_ON(pipe_full)`,
      );
    }
    pipe.unlockedAt = undefined;
    pipe.claimStep = undefined;
    return create(
      r,
      iovIterPipe({ name: a.iter, task: r.at.defaultTask, step: node.index }, pipe, a.count),
    );
  },

  iov_iter_advance(r, a) {
    iovIterAdvance(r.model, r.scope.iter(a.iter), a.bytes);
  },
  iov_iter_revert(r, a) {
    iovIterRevert(r.model, r.scope.iter(a.iter), a.bytes);
  },
  iov_iter_truncate(r, a) {
    iovIterTruncate(r.scope.iter(a.iter), a.count);
  },
  iov_iter_reexpand(r, a) {
    iovIterReexpand(r.scope.iter(a.iter), a.count);
  },
  iov_iter_save_state(r, a, node) {
    r.scope.define(
      a.state,
      { type: "state", state: iovIterSaveState(r.scope.iter(a.iter)), step: node.index },
      ["state"],
    );
  },
  iov_iter_restore(r, a) {
    const s = r.scope.variable(a.state, ["state"]);
    if (s.type !== "state") return r.error(`"${a.state}" is not a saved iterator state`, ["state"]);
    iovIterRestore(r.model, r.scope.iter(a.iter), s.state);
  },
  dup_iter(r, a, node) {
    const src = r.scope.iter(a.iter);
    if (src.kind === "pipe") {
      r.warn(
        "pipe_wrong_use",
        { fn: "dup_iter", iter: a.iter },
        `dup_iter on PIPE "${a.iter}": WARN, NULL`,
        { cause: src.createdAt },
      );
    }
    const { iter, dup } = dupIter(src, a.as, node.index);
    r.scope.define(a.as, { type: "iter", iter }, ["as"]);
    return dup;
  },
  iov_iter_count: (r, a) => r.scope.iter(a.iter).count,
  iov_iter_npages: (r, a) => iovIterNpages(r.model, r.scope.iter(a.iter), a.maxpages),
  iov_iter_alignment: (r, a) => hex(iovIterAlignment(r.model, r.scope.iter(a.iter))),
  iov_iter_gap_alignment: (r, a) => hex(iovIterGapAlignment(r.model, r.scope.iter(a.iter))),
  iov_iter_is_aligned: (r, a) =>
    iovIterIsAligned(r.model, r.scope.iter(a.iter), a.addr_mask, a.len_mask),
  iov_iter_single_seg_count: (r, a) => iovIterSingleSegCount(r.scope.iter(a.iter)),
  iov_iter_extract_will_pin: (r, a) => iovIterExtractWillPin(r.scope.iter(a.iter)),

  fill(r, a) {
    const loc = r.at.loc(a.at, ["at"]);
    if (loc.offset + a.len > loc.region.size) {
      r.error(
        `fill of ${hex(a.len)} bytes from +${
          hex(loc.offset)
        } runs past the end of "${loc.region.name}"`,
        ["len"],
      );
    }
    r.mem.fillRegion(
      loc.region,
      loc.offset,
      a.len,
      a.pattern,
      a.origin === "region" ? loc.offset : 0,
    );
  },
  copy_to_iter(r, a) {
    const it = r.scope.iter(a.iter);
    const data = readFrom(r, a.from, Math.min(a.bytes, it.count), "from");
    return copyToIter(r.model, it, data);
  },
  copy_from_iter(r, a) {
    const data = copyFromIter(r.model, r.scope.iter(a.iter), a.bytes);
    writeTo(r, a.to, data, "to");
    return data.length;
  },
  copy_from_iter_full(r, a) {
    const { data, ok } = copyFromIterFull(r.model, r.scope.iter(a.iter), a.bytes);
    writeTo(r, a.to, data, "to");
    return ok;
  },
  copy_page_to_iter(r, a) {
    return copyPageToIter(
      r.model,
      r.scope.iter(a.iter),
      r.at.page(a.page, ["page"]),
      a.offset,
      a.bytes,
    );
  },
  iov_iter_zero: (r, a) => iovIterZero(r.model, r.scope.iter(a.iter), a.bytes),
  fault_inject(r, a) {
    const start = r.at.vaddr(a.at, ["at"]);
    r.model.faults.push({ start, end: start + BigInt(a.len) });
  },
} satisfies Partial<Handlers>;
