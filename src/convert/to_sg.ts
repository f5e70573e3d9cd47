/**
 * extract_iter_to_sg() (6.3-6.4 netfs_extract_iter_to_sg in fs/netfs/iterator.c; 6.5+
 * lib/scatterlist.c): appends entries at sgt.nents without coalescing or an end mark, at
 * most sg_max of them, and advances the iterator by the bytes returned. UBUF/IOVEC are
 * extracted (pinned) one page per entry and rolled back to orig_nents on failure; BVEC
 * gives one entry per bvec, KVEC one per page, FOLIOQ one per folio piece, XARRAY one per
 * folio; other kinds WARN and return -EIO. Each era's known defects are reproduced.
 *
 * @module
 */
import type { ModelCtx } from "../model/ctx.ts";
import type { WarningFields } from "../check/warnings.ts";
import type { IovIter, UbufIter, VecIter } from "../model/iter.ts";
import { walkPieces } from "./_pieces.ts";
import { iovIterExtractPages } from "../model/extract.ts";
import { pagePieceRuns, PageRuns } from "../model/pfn_runs.ts";
import type { SgEntry, SgTable } from "./sg.ts";
import type { Holds } from "./holds.ts";
import type { Retention } from "../types.ts";
import { hex } from "../types.ts";

/** Options of one extract_iter_to_sg call. */
export interface ToSgOptions {
  readonly maxsize: number;
  readonly sgMax: number;
  readonly p2pdma: boolean;
  readonly step: number;
}

const UINT_MAX = 0xffffffff;

function entry(
  pfn: number,
  offset: number,
  length: number,
  retention: Retention,
  held: boolean,
  step: number,
): SgEntry {
  return { pfn, offset, length, dmaAddress: undefined, retention, held, released: false, step };
}

/** Appends an entry, flagging a write past the table's storage. */
function push(ctx: ModelCtx, t: SgTable, e: SgEntry, cause: number): void {
  if (t.nents >= t.capacity) {
    ctx.warn(
      "sg_overrun",
      { sgt: t.name, entry: t.nents, capacity: t.capacity },
      `extract_iter_to_sg writes entry ${t.nents} of "${t.name}", which has room for ${t.capacity}: the scatterlist array is overrun`,
      { cause },
    );
    t.capacity = t.nents + 1;
  }
  t.entries[t.nents++] = e;
}

/** Runs extract_iter_to_sg; returns bytes added or a negative errno. */
export function extractIterToSg(
  ctx: ModelCtx,
  it: IovIter,
  t: SgTable,
  o: ToSgOptions,
  holds: Holds,
): number {
  if (o.maxsize === 0) return 0;
  if (o.sgMax === 0 && ctx.profile.has("sg_max_zero_fix")) return 0;
  const countBefore = it.count;
  const nentsBefore = t.nents;
  let ret: number;
  switch (it.kind) {
    case "ubuf":
    case "iovec":
      ret = userToSg(ctx, it, t, o, holds);
      break;
    case "bvec":
    case "bvecq": // extract_bvecq_to_sg (7.4): one entry per bvec, not per page
    case "kvec":
    case "folioq":
    case "xarray": {
      // sg_max counts down per entry; 0 wrapped to UINT_MAX before the 2026 fix
      let sgMax = o.sgMax || UINT_MAX + 1;
      // extract_bvecq_to_sg alone caps maxsize at the count (v4: "limited by iter->count")
      const maxsize = it.kind === "bvecq" ? Math.min(o.maxsize, it.count) : o.maxsize;
      ret = walkPieces(ctx, it, maxsize, (pfn, offset, len) => {
        push(ctx, t, entry(pfn, offset, len, "none", false, o.step), it.createdAt);
        return --sgMax === 0;
      }, {
        kvecWholeLength: !ctx.profile.has("kvec_to_sg_len_fix"),
        xarrayOffsetFromStart: !ctx.profile.has("xarray_to_sg_offset_fix"),
      });
      break;
    }
    default:
      ctx.warn(
        "unsupported_kind",
        { fn: "extract_iter_to_sg", iter: it.name, kind: it.kind },
        `extract_iter_to_sg on ${it.kind.toUpperCase()} "${it.name}": WARN_ON_ONCE, -EIO`,
        {
          cause: it.createdAt,
        },
      );
      return -5;
  }
  const described = describedBytes(t, nentsBefore, t.nents);
  const advanced = countBefore - it.count;
  if (advanced !== described) {
    ctx.warn(
      "over_advance",
      { fn: "extract_iter_to_sg", iter: it.name, advanced, described },
      `extract_iter_to_sg advanced "${it.name}" by ${hex(advanced)} but the ${
        t.nents - nentsBefore
      } entries added to "${t.name}" describe ${hex(described)} bytes`,
      { cause: it.createdAt },
    );
  }
  return ret;
}

/** extract_user_to_sg(): extraction into the sg array's tail, one entry per page. */
function userToSg(
  ctx: ModelCtx,
  it: UbufIter | VecIter,
  t: SgTable,
  o: ToSgOptions,
  holds: Holds,
): number {
  const ps = ctx.mem.pageSize;
  let maxsize = o.maxsize, sgMax = o.sgMax, ret = 0;
  let res = 0;
  const scratch = new Scratch(
    ctx.profile.has("user_to_sg_scratch_fix") ? t.nents : 0,
    o.sgMax,
  );
  // the pins of every extraction, taken into the ledger at once (same step, same order) when
  // the call ends or before a rollback releases some: one ledger update per run of pages
  // rather than one per segment
  const pins = new PageRuns();
  // the era's answers, asked once per call rather than once per segment
  const zeroFails = ctx.profile.has("extract_to_sg_zero_fail");
  const loopFix = ctx.profile.has("extract_user_to_sg_loop_fix");
  const take = () => {
    for (const run of pins.runs) holds.takeRun("pin", run.first, run.n);
    pins.runs.length = 0;
  };
  // extract_user_to_sg's entries (page, off, len) for `n` pinned pages from pfn, as one run
  const appendRun = (pfn: number, n: number, offset: number, length: number) => {
    t.runs!.push(entry(pfn, offset, length, "pin", true, o.step), n);
    t.nents += n;
  };
  do {
    const r = iovIterExtractPages(ctx, it, {
      maxsize,
      maxpages: sgMax,
      step: o.step,
      p2pdma: o.p2pdma,
    });
    const runs = r.runs;
    if (runs) { for (let k = 0; k < runs.length; k++) pins.add(runs[k].first, runs[k].n); }
    else for (const p of r.holds) pins.add(p);
    res = r.ret;
    if (res < 0 || (res === 0 && zeroFails)) {
      take();
      return rollback(ctx, t, res, holds, it);
    }
    if (res === 0) {
      take();
      ctx.warn(
        "zero_result_loop",
        { fn: "extract_user_to_sg", iter: it.name },
        `extract_user_to_sg: extraction from "${it.name}" returned 0 and the loop retries forever (fixed in 2024); the model stops here`,
        { cause: it.createdAt },
      );
      return ret;
    }
    let len = res, off = r.offset0;
    maxsize -= len;
    ret += len;
    let npages = Math.ceil((off + len) / ps);
    sgMax -= npages;
    if (!loopFix) continue;
    scratch.check(ctx, t, npages, it.createdAt);
    if (runs && t.runs?.runs() && t.nents + npages <= t.capacity) {
      // every page held, none past the storage: the entries go in as runs
      pagePieceRuns(runs, off, len, ps, appendRun);
      continue;
    }
    const heldSet = new Map<number, number>();
    for (const p of r.holds) heldSet.set(p, (heldSet.get(p) ?? 0) + 1);
    for (let k = 0; npages > 0; npages--, k++) {
      const seg = Math.min(ps - off, len);
      const pfn = r.pfns[k];
      const h = heldSet.get(pfn) ?? 0;
      if (h) heldSet.set(pfn, h - 1);
      push(ctx, t, entry(pfn, off, seg, "pin", h > 0, o.step), it.createdAt);
      len -= seg;
      off = 0;
    }
  } while (maxsize > 0 && sgMax > 0);
  take();
  return ret;
}

/** Bytes the entries [from, to) of a table describe. */
function describedBytes(t: SgTable, from: number, to: number): number {
  let sum = 0;
  const runs = t.runs?.runs();
  if (!runs) {
    for (let i = from; i < to; i++) sum += t.entries[i].length;
    return sum;
  }
  let at = 0;
  for (const r of runs) {
    const a = Math.max(at, from), b = Math.min(at + r.n, to);
    if (a < b) sum += (b - a) * r.tmpl.length;
    at += r.n;
  }
  return sum;
}

/** The failure path: release every entry from orig_nents to nents and return the error. */
function rollback(ctx: ModelCtx, t: SgTable, res: number, holds: Holds, it: IovIter): number {
  const unpin = ctx.profile.has("extract_to_sg_unpin");
  while (t.nents > t.origNents) {
    const e = t.entries[--t.nents];
    const page = ctx.mem.pageName(e.pfn);
    if (e.retention !== "pin") {
      ctx.warn(
        "mixed_retention",
        { fn: "extract_iter_to_sg", list: t.name },
        `extract_iter_to_sg rollback ${
          unpin ? "unpins" : "puts"
        } ${page} (entry ${t.nents} of "${t.name}"), which was added without a pin`,
        { cause: e.step, page },
      );
    } else if (!unpin) {
      ctx.warn(
        "release_mismatch",
        { fn: "extract_iter_to_sg", list: t.name, held: "pin", release: "put" },
        `extract_iter_to_sg rollback releases pinned ${page} with put_page (before mid-2023): the pin stays`,
        { cause: e.step, page },
      );
    } else if (e.held) holds.drop("pin", e.pfn);
    e.released = true;
  }
  t.entries.length = t.nents;
  void it;
  return res;
}

/** sizeof(struct scatterlist) and of a page pointer on x86-64. */
const SG_SIZE = 32, PTR_SIZE = 8;

/**
 * The page-pointer array extract_user_to_sg() decants each extraction into: the last
 * sg_max pointers' worth of bytes of the sg_max entries from `base` (the first free entry
 * since 118cf3f55975; entry 0 before it). It moves forward as pointers are consumed. Two
 * overlaps corrupt the table: pointers written over live entries, and an entry written over
 * a pointer not yet read (a later entry then takes a garbage page).
 */
class Scratch {
  private start: number;
  private warned = false;
  constructor(base: number, sgMax: number) {
    this.start = SG_SIZE * (base + sgMax) - PTR_SIZE * sgMax;
  }

  /** Checks one extraction of `n` pointers and the `n` entries written from it. */
  check(ctx: ModelCtx, t: SgTable, n: number, cause: number): void {
    // (no closures here: this runs once per extracted segment, mostly before V8 optimizes it)
    const live = SG_SIZE * t.nents;
    if (this.start < live) {
      this.warn(
        ctx,
        { sgt: t.name, entry: Math.floor(this.start / SG_SIZE) },
        `extract_user_to_sg decants ${n} page pointer${n === 1 ? "" : "s"} over live entry ${
          Math.floor(this.start / SG_SIZE)
        } of "${t.name}" (the scratch array sits at the tail of entries 0..sg_max, not after the ${t.nents} in use)`,
        cause,
      );
    }
    // entry k is written while pointers k+1.. are unread: the first pointer j > k that
    // overlaps it (slot(j) + PTR_SIZE > e0) is the only candidate, as the pointers that
    // follow lie further on. With D = (SG_SIZE * nents - start) / PTR_SIZE that pointer is
    // max(k + 1, D + 4k), so an overlap can only start at one of three entries: the first
    // two where k + 1 is the candidate (3k > -D - 3) and the first where D + 4k is (3k >=
    // 1 - D); each is checked exactly, the first that overlaps is the one warned about
    const d = (SG_SIZE * t.nents - this.start) / PTR_SIZE;
    const kb = Math.max(0, Math.floor((-d - 3) / 3) + 1);
    let k = kb, j = this.overlap(t, n, k);
    if (j < 0) j = this.overlap(t, n, k = kb + 1);
    if (j < 0) j = this.overlap(t, n, k = Math.max(0, Math.ceil((1 - d) / 3)));
    if (j >= 0) {
      this.warn(
        ctx,
        { sgt: t.name, entry: t.nents + j },
        `extract_user_to_sg writes entry ${
          t.nents + k
        } of "${t.name}" over page pointer ${j} of the scratch array before it is read: entry ${
          t.nents + j
        } gets a garbage page`,
        cause,
      );
    }
    // lib/scatterlist.c extract_user_to_sg() (6.3 on; 6.12.118 checked on the kernel): each
    // pointer is written by iov_iter_extract_pages(), then `*pages++ = NULL` as its entry is
    // filled. One on the page_link word of the end-marked slot leaves it 0 and sg_set_page()
    // keeps those flags: the end mark is gone (recorded in fixtures/kunit/6.12, itk_218).
    // Pointer k sits on that slot when start + PTR_SIZE * k is its byte offset
    if (t.endMark !== undefined) {
      const k = (SG_SIZE * t.endMark - this.start) / PTR_SIZE;
      if (Number.isInteger(k) && k >= 0 && k < n) t.endMark = undefined;
    }
    this.start += PTR_SIZE * n;
  }

  /**
   * The pointer entry `k` of this extraction overwrites before it is read (slot j lies at
   * start + PTR_SIZE * j), or -1 when none does.
   */
  private overlap(t: SgTable, n: number, k: number): number {
    if (k < 0 || k >= n) return -1;
    const e0 = SG_SIZE * (t.nents + k), e1 = e0 + SG_SIZE;
    const j = Math.max(k + 1, Math.floor((e0 - PTR_SIZE - this.start) / PTR_SIZE) + 1);
    return j < n && this.start + PTR_SIZE * j < e1 ? j : -1;
  }

  private warn(
    ctx: ModelCtx,
    fields: WarningFields<"scratch_overlap">,
    message: string,
    cause: number,
  ): void {
    if (this.warned) return;
    this.warned = true;
    ctx.warn("scratch_overlap", fields, message, { cause });
  }
}
