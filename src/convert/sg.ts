/**
 * Scatter-gather tables (include/linux/scatterlist.h, lib/scatterlist.c): sg_init_table,
 * sg_alloc_table, and sg_alloc_table_from_pages_segment / sg_alloc_append_table_from_pages
 * with the page-merge rule, max_segment rounding and chaining at SG_MAX_SINGLE_ALLOC.
 *
 * @module
 */
import { checkLimit } from "../limits.ts";
import type { Memory } from "../model/memory.ts";
import type { Pfn, Retention } from "../types.ts";
import { EntryRuns } from "../model/entry_runs.ts";

/** SG_MAX_SINGLE_ALLOC for 4 KiB pages and a 32-byte struct scatterlist. */
export const SG_MAX_SINGLE_ALLOC = 128;

/** One scatterlist entry. */
export interface SgEntry {
  readonly pfn: Pfn;
  readonly offset: number;
  length: number;
  dmaAddress: number | undefined;
  readonly retention: Retention;
  /** Whether a counted hold was taken for this entry. */
  readonly held: boolean;
  released: boolean;
  /** The step that made the entry. */
  readonly step: number;
}

/** A struct sg_table (or sg_append_table) and the storage behind it. */
export interface SgTable {
  readonly name: string;
  /** Entries [0, nents) in use; later slots are empty. */
  readonly entries: SgEntry[];
  /**
   * The run-encoded storage behind `entries` (tables made by sg_init_table): appends and
   * releases that can work on runs go through it; reading `entries` expands it for good.
   */
  readonly runs?: EntryRuns<SgEntry>;
  nents: number;
  origNents: number;
  /** Slots the storage has room for. */
  capacity: number;
  /** Index of the entry carrying the end mark, if any. */
  endMark: number | undefined;
  /** Whether the entries have been DMA-mapped. */
  mapped: boolean;
  /** Storage the sg code allocates (sg_alloc_table, *_from_pages) is chained in blocks. */
  chained: boolean;
  /** Direction of the data: DEST tables receive DMA. */
  dir: "source" | "dest" | undefined;
  ioComplete: boolean;

  readonly step: number;
}

/**
 * sg_init_table() as extract_iter_to_sg's callers use it: room for `n`, nents = orig_nents = 0,
 * and the end mark on the last slot (sg_init_marker; sg_set_page keeps it when the slot is
 * filled).
 */
export function sgInitTable(name: string, n: number, step: number): SgTable {
  return new RunSgTable(name, n, step);
}

/**
 * A table made by sg_init_table, its entries kept as runs until read. A class rather than an
 * object literal with a getter (and a property defined on it afterwards), which V8 kept as a
 * dictionary (every field read of extract_iter_to_sg a lookup by name). `entries` is a getter
 * of the class, so the table's own fields are a plain table's less `entries`, plus `runs`;
 * views and expectations read the fields by name.
 */
class RunSgTable implements SgTable {
  readonly runs = new EntryRuns<SgEntry>(sgAlike);
  nents = 0;
  origNents = 0;
  endMark: number | undefined;
  mapped = false;
  chained = false;
  dir: "source" | "dest" | undefined = undefined;
  ioComplete = false;
  constructor(readonly name: string, public capacity: number, readonly step: number) {
    this.endMark = capacity > 0 ? capacity - 1 : undefined;
  }

  get entries(): SgEntry[] {
    return this.runs.array();
  }
}

/** Whether two sg entries agree in everything but the page (a run of them can be stored). */
function sgAlike(a: SgEntry, b: SgEntry): boolean {
  return a.offset === b.offset && a.length === b.length && a.dmaAddress === undefined &&
    b.dmaAddress === undefined && a.retention === b.retention && a.held === b.held &&
    a.released === b.released && a.step === b.step;
}

/** sg_alloc_table(): -EINVAL for 0; nents = orig_nents = n (chained beyond SG_MAX_SINGLE_ALLOC). */
export function sgAllocTable(name: string, n: number, step: number): SgTable | number {
  if (n === 0) return -22;
  checkLimit("sg_entries", n);
  const t = sgInitTable(name, n, step);
  t.chained = true;
  t.nents = t.origNents = n;
  t.endMark = n - 1;
  for (let i = 0; i < n; i++) {
    t.entries.push({
      pfn: -1,
      offset: 0,
      length: 0,
      dmaAddress: undefined,
      retention: "none",
      held: false,
      released: false,
      step,
    });
  }
  return t;
}

/** Storage blocks a table of `n` entries needs when chained (the last slot links). */
export function sgBlocks(n: number): number {
  if (n <= SG_MAX_SINGLE_ALLOC) return 1;
  return Math.ceil((n - 1) / (SG_MAX_SINGLE_ALLOC - 1));
}

/** Arguments of sg_alloc_table_from_pages_segment / sg_alloc_append_table_from_pages. */
export interface FromPagesArgs {
  readonly pfns: readonly Pfn[];
  readonly offset: number;
  readonly size: number;
  readonly maxSegment: number;
  /** Pages still to be appended after these (append variant); 0 ends the table. */
  readonly leftPages: number;
  readonly append: boolean;
  readonly retention: Retention;
  readonly step: number;
}

/** pages_are_mergeable(): b follows a physically and both are ordinary or in one pgmap. */
function mergeable(mem: Memory, b: Pfn, a: Pfn): boolean {
  if (b !== a + 1) return false;
  const ra = mem.pageLoc(a)?.region, rb = mem.pageLoc(b)?.region;
  const dev = (r: typeof ra) => r?.kind === "p2p";
  if (dev(ra) || dev(rb)) return dev(ra) && dev(rb) && ra === rb;
  return true;
}

/**
 * sg_alloc_append_table_from_pages() (lib/scatterlist.c, 6.x): max_segment is rounded down
 * to a page (< PAGE: WARN, -EINVAL); when appending, an offset is WARN, -EINVAL and pages
 * physically following the previous entry's end first grow that entry a page at a time
 * while it stays within max_segment. The rest is cut into chunks: a page joins the chunk
 * while it follows the previous one and the chunk has fewer than max_segment bytes. Each
 * chunk's length is min(size, chunk - offset), `size` shrinking by whole chunks (as an
 * unsigned long: once exhausted, later chunks keep their full length). The end is marked
 * when `leftPages` is 0. Returns 0 or a negative errno.
 */
export function sgAppendFromPages(mem: Memory, t: SgTable, a: FromPagesArgs): number {
  const ps = mem.pageSize;
  const maxSeg = a.maxSegment - (a.maxSegment % ps);
  if (maxSeg < ps) return -22;
  let pages = a.pfns;
  let offset = a.offset;
  const prv = a.append && t.nents ? t.entries[t.nents - 1] : undefined;
  if (prv) {
    if (offset) return -22;
    const nextPfn = prv.pfn + Math.floor((prv.offset + prv.length) / ps);
    if (pages.length && pages[0] === nextPfn) {
      let last = nextPfn - 1;
      let k = 0;
      while (k < pages.length && mergeable(mem, pages[k], last)) {
        if (prv.length + ps > maxSeg) break;
        prv.length += ps;
        last = pages[k];
        k++;
      }
      pages = pages.slice(k);
      if (!pages.length) {
        if (a.leftPages === 0) t.endMark = t.nents - 1;
        return 0;
      }
    }
  }
  t.chained = true;
  let size = a.size;
  let cur = 0;
  const n = pages.length;
  while (cur < n) {
    let segLen = 0, j = cur + 1;
    for (; j < n; j++) {
      segLen += ps;
      if (segLen >= maxSeg || !mergeable(mem, pages[j], pages[j - 1])) break;
    }
    const chunk = (j - cur) * ps - offset;
    t.entries[t.nents] = {
      pfn: pages[cur],
      offset,
      length: size < 0 ? chunk : Math.min(size, chunk),
      dmaAddress: undefined,
      retention: a.retention,
      held: false,
      released: false,
      step: a.step,
    };
    t.nents++;
    size -= chunk;
    offset = 0;
    cur = j;
  }
  t.origNents = t.nents;
  t.capacity = Math.max(t.capacity, t.nents);
  if (a.leftPages === 0) t.endMark = t.nents - 1;
  return 0;
}
