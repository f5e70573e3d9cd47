/**
 * get_user_pages_fast / pin_user_pages_fast over the simulated mm (mm/gup.c, 6.x): walks
 * `npages` pages from a page-aligned user address and returns the pages it could take, or
 * an errno when the first page fails. What cannot be taken is kernel-semantics.md 3.5:
 * unmapped addresses, VM_IO/VM_PFNMAP, FOLL_WRITE on read-only mappings, P2P pages without
 * FOLL_PCI_P2PDMA (-EREMOTEIO); a read of never-touched private anonymous memory maps the
 * shared zero page, which pin_user_pages does not count from 6.5 ("mm: Don't pin ZERO_PAGE in
 * pin_user_pages()"); fixtures/pins measures exactly that on a 6.18 kernel (case e_ksmzero).
 *
 * @module
 */
import type { ModelCtx } from "./ctx.ts";
import { type Region, ZERO_PFN } from "./memory.ts";
import { hex, type Pfn } from "../types.ts";
import { TASK_SIZE_MAX } from "../profile.ts";
import { endsBeyond } from "./addr_math.ts";
import { PageRuns, perPage, type PfnRun } from "./pfn_runs.ts";

/** GUP flags the model distinguishes. */
export interface GupFlags {
  /** FOLL_WRITE: the caller will write (DMA into) the pages. */
  readonly write: boolean;
  /** FOLL_PIN (pin_user_pages*) rather than FOLL_GET. */
  readonly pin: boolean;
  /** FOLL_PCI_P2PDMA. */
  readonly p2pdma: boolean;
  /** FOLL_NOFAULT. */
  readonly nofault: boolean;
}

/** Pages taken, or a negative errno when none could be. */
export type GupResult =
  | {
    /** The pages taken (built from `runs` when first read). */
    readonly pfns: Pfn[];
    /** The same pages as runs of consecutive pfns. */
    readonly runs: readonly PfnRun[];
    /** How many. */
    readonly count: number;
  }
  | { readonly errno: number };

/**
 * The result for the pages in `out`: a class rather than an object literal with a getter,
 * which V8 builds through a runtime call each time (one GUP per extracted segment).
 */
class Taken {
  readonly runs: readonly PfnRun[];
  readonly count: number;
  constructor(private readonly out: PageRuns) {
    this.runs = out.runs;
    this.count = out.count;
  }
  /** The pages taken (built from `runs` when first read). */
  get pfns(): Pfn[] {
    return this.out.pfns();
  }
}

function taken(out: PageRuns): GupResult {
  return new Taken(out);
}

/**
 * Why GUP refuses every page of the VMA `r`, as a negative errno, or 0 when it takes them:
 * no VMA or an unmapped one, VM_IO/VM_PFNMAP (check_vma_flags) and FOLL_WRITE on a read-only
 * mapping are -EFAULT; a PCI P2PDMA page without FOLL_PCI_P2PDMA is -EREMOTEIO
 * (follow_page_pte). The one test of a VMA both the walk and gupOneRun() make.
 */
function vmaRefusal(r: Region | undefined, write: boolean, p2pdma: boolean): number {
  if (!r || r.space !== "user" || !r.alive || r.kind === "unmapped") return -14;
  if (r.kind === "io" || r.kind === "pfnmap") return -14;
  if (write && r.prot === "r") return -14;
  if (r.kind === "p2p" && !p2pdma) return -121;
  return 0;
}

/**
 * vmaRefusal() at `addr` (the `k`-th page asked for), a refusal at the first page of an
 * unpinnable or P2P mapping warned about. Kept out of gupUser so that the walk every
 * extraction runs stays small.
 */
function refusal(
  ctx: ModelCtx,
  r: Region | undefined,
  addr: number,
  k: number,
  flags: GupFlags,
  cause: number | undefined,
): number {
  const errno = vmaRefusal(r, flags.write, flags.p2pdma);
  if (!errno || k !== 0 || !r) return errno;
  const what = flags.pin ? "pin_user_pages_fast" : "get_user_pages_fast";
  if (r.kind === "io" || r.kind === "pfnmap") {
    ctx.warn(
      "pin_unpinnable",
      { fn: what, addr: hex(addr) },
      `${what} at ${hex(addr)} in "${r.name}": a VM_${
        r.kind === "io" ? "IO" : "PFNMAP"
      } mapping has no pinnable struct page, -EFAULT`,
      { cause },
    );
  } else if (errno === -121) {
    ctx.warn(
      "p2p_without_flag",
      { fn: what, addr: hex(addr) },
      `${what} at ${
        hex(addr)
      } in "${r.name}": PCI P2PDMA memory without FOLL_PCI_P2PDMA, -EREMOTEIO`,
      { cause },
    );
  }
  return errno;
}

/**
 * The common GUP, without the walk: when one VMA that vmaRefusal() passes (so nothing is
 * warned either) maps all `npages` pages from `start` as populated consecutive frames, the
 * first frame; otherwise undefined, and gupUser() decides. What gupUser() would answer then
 * is exactly these `npages` pages as one run.
 */
export function gupOneRun(
  ctx: ModelCtx,
  task: string,
  start: number,
  npages: number,
  write: boolean,
  p2pdma: boolean,
): Pfn | undefined {
  const ps = ctx.mem.pageSize;
  if (start + npages * ps > USER_END || perPage()) return undefined;
  const loc = oneRunLoc;
  if (!ctx.mem.translateUserTo(start, task, loc)) return undefined;
  const r = loc.region;
  if (vmaRefusal(r, write, p2pdma) || !r.populated || !r.pfnRunEnd) return undefined;
  const first = Math.floor(loc.offset / ps);
  if (first + npages > r.npages || first + npages > r.pfnRunEnd(first)) return undefined;
  return r.pfnOf(first);
}

/** gupOneRun's translation, one object refilled per call (read during the call only). */
const oneRunLoc = { region: undefined as unknown as Region, offset: 0 };

/**
 * Takes up to `npages` user pages from `start` (page-aligned) in the mm `task`. The caller
 * records the holds in the ledger. Failures raise pin_unpinnable / p2p_without_flag.
 */
export function gupFast(
  ctx: ModelCtx,
  task: string,
  start: bigint,
  npages: number,
  flags: GupFlags,
  cause: number | undefined,
): GupResult {
  // gup_fast_fallback(): a range ending beyond user space is refused whole, before any page
  // is looked at (the end > TASK_SIZE_MAX check; access_ok() before it in older releases)
  if (endsBeyond(start, npages * ctx.mem.pageSize, TASK_SIZE_MAX)) return { errno: -14 };
  return gupUser(ctx, task, Number(start), npages, flags, cause);
}

/** TASK_SIZE_MAX as a number (exact: below 2^53). */
const USER_END = Number(TASK_SIZE_MAX);

/**
 * gupFast() from a user address held as a number, which every address GUP can take is (below
 * TASK_SIZE_MAX): the same walk and answer without BigInt arithmetic, for the extraction of
 * each user segment.
 */
export function gupUser(
  ctx: ModelCtx,
  task: string,
  start: number,
  npages: number,
  flags: GupFlags,
  cause: number | undefined,
): GupResult {
  const ps = ctx.mem.pageSize;
  // exact: start is below 2^53 and npages * ps far below it
  if (start + npages * ps > USER_END) return { errno: -14 };
  const out = new PageRuns();
  const noZero = ctx.mem.noZeroPage;
  let k = 0;
  while (k < npages) {
    const addr = start + k * ps;
    const loc = ctx.mem.translateUser(addr, task);
    const errno = refusal(ctx, loc?.region, addr, k, flags, cause);
    if (errno) return out.count ? taken(out) : { errno };
    // the checks above hold for the whole VMA: the rest of the walk inside this region
    // only looks at each page's pfn and whether it was faulted in
    const reg = loc!.region;
    const first = Math.floor(loc!.offset / ctx.mem.pageSize);
    const end = Math.min(reg.npages, first + (npages - k));
    const zeroOk = !flags.write && reg.kind === "anon" && !noZero.has(reg.task);
    const populated = reg.populated;
    if (populated && reg.pfnRunEnd && !perPage()) {
      // every page is mapped: the region's runs of consecutive frames, whole
      for (let index = first; index < end;) {
        const stop = Math.min(end, reg.pfnRunEnd(index));
        out.add(reg.pfnOf(index), stop - index);
        k += stop - index;
        index = stop;
      }
      continue;
    }
    for (let index = first; index < end; index++, k++) {
      const pfn = reg.pfnOf(index);
      if (!populated && !ctx.mem.isPopulated(reg, index)) {
        if (flags.nofault) return out.count ? taken(out) : { errno: -14 };
        // a read fault maps the shared zero page unless the mm forbids it (mm_forbids_zeropage())
        if (zeroOk) {
          out.add(ZERO_PFN);
          continue;
        }
        ctx.mem.populate(pfn);
      }
      out.add(pfn);
    }
  }
  return taken(out);
}
