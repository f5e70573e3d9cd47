/**
 * Op handlers: one function per trace op, mapping the trace's arguments onto the model and
 * returning the op's `ret`. Era gates come from the profile table.
 *
 * @module
 */
import type { OpNode } from "../trace/load.ts";
import type { Replay } from "./engine.ts";
import type { IovIter } from "../model/iter.ts";
import {
  importIovec,
  iovIterBvec,
  iovIterDiscard,
  iovIterFolioQueue,
  iovIterInit,
  iovIterKvec,
  iovIterUbuf,
  iovIterXarray,
  type IterOrigin,
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
import { patternBytes } from "../model/fill.ts";
import { notInEraReason } from "../profile.ts";
import { opDecl } from "../trace/ops/mod.ts";
import type { Handlers } from "./handler.ts";
import { hex } from "../types.ts";
import { parseBig } from "../trace/num.ts";

/** Stops the replay when the op does not exist in the era (not_in_era, exit 2). */
export function checkEra(r: Replay, op: string): void {
  const f = opDecl(op)?.era;
  if (!f) return;
  const why = notInEraReason(f, r.profile);
  if (why) r.error(`not_in_era: ${op} does not exist in this era (${why})`, ["op"]);
}

/**
 * The new iterator's name, step and mm: user addresses resolve in the task whose region the
 * first address names (the trace's first task otherwise).
 */
function origin(
  r: Replay,
  a: { iter: string; addr?: unknown; iov?: { base: unknown }[]; kvec?: { base: unknown }[] },
  node: OpNode,
  name = a.iter,
): IterOrigin {
  const first = a.addr ?? a.iov?.[0]?.base ?? a.kvec?.[0]?.base;
  return { name, task: first === undefined ? r.defaultTask : r.taskOf(first), step: node.index };
}

function create(r: Replay, it: IovIter): number {
  r.define(it.name, { type: "iter", iter: it }, ["iter"]);
  return it.count;
}

function segs(r: Replay, list: { base: unknown; len: number }[], key: string) {
  return list.map((s, i) => ({ base: r.vaddr(s.base, [key, i, "base"]), len: s.len }));
}

function readFrom(r: Replay, at: unknown, len: number, path: string): Uint8Array {
  const loc = r.loc(at, [path]);
  if (loc.offset + len > loc.region.size) {
    r.error(
      `${path}: ${hex(len)} bytes from +${
        hex(loc.offset)
      } run past the end of "${loc.region.name}"`,
      [path],
    );
  }
  return r.mem.readRegion(loc.region, loc.offset, len);
}

function writeTo(r: Replay, to: unknown, data: Uint8Array, path: string): void {
  const loc = r.loc(to, [path]);
  if (loc.offset + data.length > loc.region.size) {
    r.error(
      `${path}: ${hex(data.length)} bytes from +${
        hex(loc.offset)
      } run past the end of "${loc.region.name}"`,
      [path],
    );
  }
  r.mem.writeRegion(loc.region, loc.offset, data);
}

/** Handlers by op name. */
export const OPS = {
  iov_iter_ubuf(r, a, node) {
    return create(r, iovIterUbuf(origin(r, a, node), a.dir, r.vaddr(a.addr, ["addr"]), a.len));
  },
  iov_iter_init(r, a, node) {
    return create(r, iovIterInit(origin(r, a, node), a.dir, segs(r, a.iov, "iov")));
  },
  import_iovec(r, a, node) {
    const res = importIovec(r.ctx, origin(r, a, node), a.dir, segs(r, a.iov, "iov"));
    if ("errno" in res) {
      r.failed.set(a.iter, `import_iovec at step ${node.index} returned ${res.errno}`);
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
      pfn: r.page(b.page, ["bvec", i, "page"]),
      offset: b.offset,
      len: b.len,
    }));
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
      iovIterFolioQueue(r.ctx, origin(r, a, node), a.dir, src, {
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
    const pipe = r.pipes.get(a.pipe);
    if (!pipe) return r.error(`unknown pipe "${a.pipe}"`, ["pipe"]);
    if (pipe.head - pipe.tail >= pipe.maxUsage) {
      r.warn("pipe_wrong_use", `iov_iter_pipe on full pipe "${a.pipe}": WARN_ON(pipe_full)`, {});
    }
    pipe.unlockedAt = undefined;
    pipe.claimStep = undefined;
    return create(r, {
      name: a.iter,
      task: r.defaultTask,
      createdAt: node.index,
      dir: "dest",
      count: a.count,
      iovOffset: 0,
      nofault: false,
      kind: "pipe",
      pipe,
      head: pipe.head,
      startHead: pipe.head,
      lastOffset: 0,
    });
  },
  splice_return(r, a, node) {
    const pipe = r.pipes.get(a.pipe);
    if (!pipe) return r.error(`unknown pipe "${a.pipe}"`, ["pipe"]);
    const ret = Number(parseBig(a.ret) ?? 0n);
    let data = 0;
    for (let h = pipe.tail; h < pipe.head; h++) data += pipe.bufs.get(h)?.len ?? 0;
    if (pipe.claimStep !== undefined && ret >= 0 && data > ret) {
      r.warn(
        "pipe_premature_claim",
        `splice returns ${hex(ret)} but "${a.pipe}" holds ${hex(data)} bytes: ${
          hex(data - ret)
        } bytes claimed by get_pages at #${pipe.claimStep} were never written and readers will see them`,
        { cause: pipe.claimStep },
      );
    }
    pipe.unlockedAt = node.index;
    return ret;
  },

  iov_iter_advance(r, a) {
    iovIterAdvance(r.ctx, r.iter(a.iter), a.bytes);
  },
  iov_iter_revert(r, a) {
    iovIterRevert(r.ctx, r.iter(a.iter), a.bytes);
  },
  iov_iter_truncate(r, a) {
    iovIterTruncate(r.iter(a.iter), a.count);
  },
  iov_iter_reexpand(r, a) {
    iovIterReexpand(r.iter(a.iter), a.count);
  },
  iov_iter_save_state(r, a, node) {
    r.define(
      a.state,
      { type: "state", state: iovIterSaveState(r.iter(a.iter)), step: node.index },
      ["state"],
    );
  },
  iov_iter_restore(r, a) {
    const s = r.variable(a.state, ["state"]);
    if (s.type !== "state") return r.error(`"${a.state}" is not a saved iterator state`, ["state"]);
    iovIterRestore(r.ctx, r.iter(a.iter), s.state);
  },
  dup_iter(r, a, node) {
    const src = r.iter(a.iter);
    if (src.kind === "pipe") {
      r.warn("pipe_wrong_use", `dup_iter on PIPE "${a.iter}": WARN, NULL`, {
        cause: src.createdAt,
      });
    }
    const { iter, dup } = dupIter(src, a.as, node.index);
    r.define(a.as, { type: "iter", iter }, ["as"]);
    return dup;
  },
  iov_iter_count: (r, a) => r.iter(a.iter).count,
  iov_iter_npages: (r, a) => iovIterNpages(r.ctx, r.iter(a.iter), a.maxpages),
  iov_iter_alignment: (r, a) => hex(iovIterAlignment(r.ctx, r.iter(a.iter))),
  iov_iter_gap_alignment: (r, a) => hex(iovIterGapAlignment(r.ctx, r.iter(a.iter))),
  iov_iter_is_aligned: (r, a) => iovIterIsAligned(r.ctx, r.iter(a.iter), a.addr_mask, a.len_mask),
  iov_iter_single_seg_count: (r, a) => iovIterSingleSegCount(r.iter(a.iter)),
  iov_iter_extract_will_pin: (r, a) => iovIterExtractWillPin(r.iter(a.iter)),

  fill(r, a) {
    const loc = r.loc(a.at, ["at"]);
    if (loc.offset + a.len > loc.region.size) {
      r.error(
        `fill of ${hex(a.len)} bytes from +${
          hex(loc.offset)
        } runs past the end of "${loc.region.name}"`,
        ["len"],
      );
    }
    r.mem.writeRegion(
      loc.region,
      loc.offset,
      patternBytes(a.pattern, a.origin === "region" ? loc.offset : 0, a.len),
    );
  },
  copy_to_iter(r, a) {
    const it = r.iter(a.iter);
    const data = readFrom(r, a.from, Math.min(a.bytes, it.count), "from");
    return copyToIter(r.ctx, it, data);
  },
  copy_from_iter(r, a) {
    const data = copyFromIter(r.ctx, r.iter(a.iter), a.bytes);
    writeTo(r, a.to, data, "to");
    return data.length;
  },
  copy_from_iter_full(r, a) {
    const { data, ok } = copyFromIterFull(r.ctx, r.iter(a.iter), a.bytes);
    writeTo(r, a.to, data, "to");
    return ok;
  },
  copy_page_to_iter(r, a) {
    return copyPageToIter(r.ctx, r.iter(a.iter), r.page(a.page, ["page"]), a.offset, a.bytes);
  },
  iov_iter_zero: (r, a) => iovIterZero(r.ctx, r.iter(a.iter), a.bytes),
  fault_inject(r, a) {
    const start = r.vaddr(a.at, ["at"]);
    r.ctx.faults.push({ start, end: start + BigInt(a.len) });
  },
  free(r, a) {
    r.variable(a.var, ["var"]);
    r.vars.delete(a.var);
  },
} satisfies Partial<Handlers>;
