/**
 * The simulated machine's memory (trace-format.md section 2): user regions (VMAs) in one or
 * more mms, kernel allocations, page-cache files and pipes, with deterministic pfns and
 * virtual addresses, and real bytes stored lazily per page.
 *
 * @module
 */
import { limit, LimitError } from "../limits.ts";
import { type Addr, hex, type Pfn } from "../types.ts";
import { addrDiff } from "./addr_math.ts";
import { type Pattern, patternBytes } from "./fill.ts";

/** The kind of mapping behind a user region. */
export type VmaKind = "anon" | "file" | "shmem" | "hugetlb" | "pfnmap" | "io" | "p2p" | "unmapped";
/** The kind of allocation behind a kernel region. */
export type KernelKind =
  | "kmalloc"
  | "slab"
  | "page_alloc"
  | "vmalloc"
  | "module"
  | "rodata"
  | "stack"
  | "ioremap"
  | "highmem";

/** A user region as declared. */
export interface UserRegionSpec {
  readonly region: string;
  readonly addr?: bigint;
  readonly size: number;
  readonly vma: VmaKind;
  readonly prot: "rw" | "r";
  readonly folio_order: number;
  readonly populated: boolean;
  readonly pfns?: readonly number[];
}
/** A kernel region as declared. */
export interface KernelRegionSpec {
  readonly region: string;
  readonly kind: KernelKind;
  readonly size: number;
  readonly folio_order: number;
  readonly pfns?: readonly number[];
}
/** A page-cache file as declared. */
export interface FileSpec {
  readonly name: string;
  readonly size: number;
  readonly folio_order: number;
  readonly folios?: readonly { index: number; order: number; pfn?: number }[];
  /** "r": the file is open read-only everywhere (absent: "rw"). */
  readonly prot?: "rw" | "r";
}
/** A pipe as declared. */
export interface PipeSpec {
  readonly name: string;
  readonly max_usage: number;
}
/** The whole `memory:` section, normalised. */
export interface MemorySpec {
  readonly tasks: readonly {
    name: string;
    user: readonly UserRegionSpec[];
    /** mm_forbids_zeropage(): read faults allocate pages instead of mapping the zero page. */
    noZeroPage?: boolean;
  }[];
  readonly kernel: readonly KernelRegionSpec[];
  readonly files: readonly FileSpec[];
  readonly pipes: readonly PipeSpec[];
}

/** A folio: the head page's pfn and index in its region, and its order. */
export interface Folio {
  readonly headPfn: Pfn;
  readonly headIndex: number;
  readonly order: number;
}

/** A region of memory: a VMA, a kernel allocation, a file's page cache, or replay pages. */
export interface Region {
  readonly name: string;
  readonly space: "user" | "kernel" | "file" | "alloc";
  /** vma kind (user), allocation kind (kernel), "pagecache" (file) or "alloc". */
  readonly kind: VmaKind | KernelKind | "pagecache" | "alloc";
  readonly task: string;
  readonly size: number;
  readonly npages: number;
  /** Virtual start for user regions and vmalloc-space kernel regions. */
  readonly start: Addr | undefined;
  readonly prot: "rw" | "r";
  readonly folioOrder: number;
  readonly populated: boolean;
  /** Declaration order, for deterministic listings. */
  readonly seq: number;
  /** Page index → pfn, or -1 for a hole (files only). */
  pfnOf(index: number): Pfn;
  /**
   * The index where the run of consecutive pfns holding page `index` ends (user and kernel
   * regions): pages index..end-1 are frames pfnOf(index), pfnOf(index) + 1, ...
   */
  readonly pfnRunEnd?: (index: number) => number;
  /** The folio holding page `index`, or undefined for a hole. */
  folioOf(index: number): Folio | undefined;
  /** The first folio holding page `index` or a later one (xas_find), if any. */
  folioFrom(index: number): Folio | undefined;
  /** Whether the region is still alive (kfree, vfree, munmap end it). */
  alive: boolean;
  /** How many folios a file's page cache holds (files only; others are uniform). */
  readonly nfolios?: number;
}

/** Where a pfn lives. */
export interface PageLoc {
  readonly region: Region;
  readonly index: number;
}

/** A translated virtual address. */
export interface VirtLoc {
  readonly region: Region;
  /** Offset of the address from the region's start (for linear-map regions, page index based). */
  readonly offset: number;
  readonly pfn: Pfn;
}

/** Base of the x86-64 direct map (page_offset_base without KASLR). */
export const LINEAR_MAP_BASE = 0xffff888000000000n;
/** Base of the vmalloc space (VMALLOC_START without KASLR). */
export const VMALLOC_BASE = 0xffffc90000000000n;
/** Where user regions without `addr` are placed. */
export const USER_BASE = 0x7f0000000000n;
/** First pfn handed to declared regions. */
export const FIRST_PFN = 0x1000;
/** First pfn handed to pages the replay allocates. */
export const FIRST_ALLOC_PFN = 0x100000;
/** The shared zero page's pfn in the model. */
export const ZERO_PFN = 0x0fff;

/**
 * A limit of src/limits.ts was exceeded while modelling (page data a replay holds, folios of
 * a queue, entries of a table): the replay reports it at the op, exit 2.
 */
export { LimitError as MemoryLimitError } from "../limits.ts";

/** Kernel region kinds that live in the direct map. */
export function isLinearKind(kind: string): boolean {
  return kind === "kmalloc" || kind === "slab" || kind === "page_alloc" || kind === "rodata" ||
    kind === "highmem";
}

/** Consecutive pfns [first, end) of one region, from page `firstIndex` of it. */
export interface PfnRange {
  readonly first: Pfn;
  readonly end: Pfn;
  readonly region: Region;
  readonly firstIndex: number;
}

/** A problem found while laying out memory (overlapping pfns or addresses). */
export interface LayoutProblem {
  readonly region: string;
  readonly message: string;
}

/**
 * The machine's memory. Bytes are stored per page on first write; unwritten pages read as 0.
 * Lookups are O(log regions).
 */
export class Memory {
  readonly pageSize: number;
  readonly regions = new Map<string, Region>();
  readonly pipes = new Map<string, PipeSpec>();
  readonly problems: LayoutProblem[] = [];
  private readonly pfnRanges: PfnRange[] = [];
  private readonly virtRanges: Region[] = [];
  /** The end address of each of virtRanges (built once they are sorted). */
  private virtEnds: bigint[] = [];
  /**
   * The virtRanges' starts as numbers (translateUser): exact below 2^53, and a start above it
   * (vmalloc space) still compares above every user address.
   */
  private virtStarts: number[] = [];
  private readonly bytes = new Map<Pfn, Uint8Array>();
  /**
   * Pages a fill covered whole, kept as their pattern and the pattern offset of their byte 0
   * until something writes part of them: a fill costs a few words per page, not the page.
   */
  private readonly patterned = new Map<Pfn, { pattern: Pattern; origin: number }>();
  /** Pages of non-populated user regions that have been written (populated) since. */
  private readonly touched = new Set<Pfn>();
  private nextAllocPfn = FIRST_ALLOC_PFN;
  private readonly allocCount = new Map<string, number>();
  private seq = 0;

  /** Tasks whose mm forbids the zero page (read faults allocate real pages). */
  readonly noZeroPage = new Set<string>();

  constructor(spec: MemorySpec, pageSize = 4096) {
    this.pageSize = pageSize;
    for (const t of spec.tasks) if (t.noZeroPage) this.noZeroPage.add(t.name);
    let cursor = FIRST_PFN;
    const take = (npages: number, order: number): Pfn => {
      const align = 2 ** order;
      cursor = Math.ceil(cursor / align) * align;
      const first = cursor;
      cursor += Math.ceil(npages / align) * align;
      return first;
    };
    const ps = BigInt(pageSize);
    // user regions: pfns and addresses
    for (const task of spec.tasks) {
      const explicit = task.user.filter((r) => r.addr !== undefined)
        .map((r) => [r.addr!, r.addr! + BigInt(r.size)] as const);
      let va = USER_BASE;
      for (const r of task.user) {
        const npages = Math.ceil(r.size / pageSize);
        const pfns = r.pfns ?? contiguous(take(npages, r.folio_order), npages);
        let start = r.addr;
        if (start === undefined) {
          const align = ps * (1n << BigInt(r.folio_order));
          va = (va + align - 1n) / align * align;
          for (const [s, e] of explicit) {
            if (va < e && va + BigInt(r.size) > s) va = (e + ps + align - 1n) / align * align;
          }
          start = va;
          va += BigInt(npages) * ps + ps;
        }
        this.addRegion({
          name: r.region,
          space: "user",
          kind: r.vma,
          task: task.name,
          size: r.size,
          start,
          prot: r.prot,
          folioOrder: r.folio_order,
          populated: r.populated,
        }, pfns);
      }
    }
    let kva = VMALLOC_BASE;
    for (const r of spec.kernel) {
      const npages = Math.ceil(r.size / pageSize);
      const pfns = r.pfns ?? contiguous(take(npages, r.folio_order), npages);
      let start: Addr | undefined;
      if (!isLinearKind(r.kind)) {
        start = kva;
        kva += BigInt(npages + 1) * ps;
      }
      this.addRegion({
        name: r.region,
        space: "kernel",
        kind: r.kind,
        task: "",
        size: r.size,
        start,
        prot: r.kind === "rodata" ? "r" : "rw",
        folioOrder: r.folio_order,
        populated: true,
      }, pfns);
    }
    for (const f of spec.files) {
      const npages = Math.ceil(f.size / pageSize);
      let folios: Folio[];
      if (f.folios) {
        folios = [...f.folios].sort((a, b) => a.index - b.index).map((fo) => ({
          headIndex: fo.index,
          order: fo.order,
          headPfn: fo.pfn ?? take(2 ** fo.order, fo.order),
        }));
      } else {
        // a fully cached file: folios laid out arithmetically, no per-folio objects
        const base = take(npages, f.folio_order);
        this.addFileRegion(f, npages, { base, order: f.folio_order });
        continue;
      }
      this.addFileRegion(f, npages, folios);
    }
    for (const p of spec.pipes) this.pipes.set(p.name, p);
    this.checkDeclarations(spec);
    this.pfnRanges.sort((a, b) => a.first - b.first);
    for (const r of this.pfnRanges) {
      if (r.first <= ZERO_PFN && ZERO_PFN < r.end) {
        this.problems.push({
          region: r.region.name,
          message: `pfn ${
            hex(ZERO_PFN)
          } of "${r.region.name}" is the model's shared zero page; declare pfns from ${
            hex(FIRST_PFN)
          }`,
        });
      }
      // pages the replay allocates (pipe buffers, bounce pages) come after every declared one
      if (r.end > this.nextAllocPfn) this.nextAllocPfn = r.end;
    }
    for (let i = 1; i < this.pfnRanges.length; i++) {
      const a = this.pfnRanges[i - 1], b = this.pfnRanges[i];
      if (b.first < a.end) {
        this.problems.push({
          region: b.region.name,
          message: `pfn ${hex(b.first)} of "${b.region.name}" is also used by "${a.region.name}"`,
        });
      }
    }
    this.virtRanges.sort((a, b) => (a.start! < b.start! ? -1 : a.start! > b.start! ? 1 : 0));
    this.virtEnds = this.virtRanges.map((r) => r.start! + BigInt(r.size));
    this.virtStarts = this.virtRanges.map((r) => Number(r.start!));
    for (let i = 1; i < this.virtRanges.length; i++) {
      const a = this.virtRanges[i - 1], b = this.virtRanges[i];
      if (a.task === b.task && b.start! < a.start! + BigInt(a.size)) {
        this.problems.push({
          region: b.name,
          message: `region "${b.name}" at ${hex(b.start!)} overlaps region "${a.name}"`,
        });
      }
    }
  }

  private addRegion(
    r: Omit<Region, "npages" | "pfnOf" | "folioOf" | "folioFrom" | "alive" | "seq">,
    pfns: readonly Pfn[] | { base: Pfn; n: number },
  ): Region {
    const npages = Math.ceil(r.size / this.pageSize);
    const order = r.folioOrder;
    const pfnOf = "base" in pfns
      ? (i: number) => pfns.base + i
      : (i: number) => (pfns as readonly Pfn[])[i] ?? -1;
    // first index of each run of consecutive pfns, for pfnRunEnd
    const runStarts: number[] = [];
    const region: Region = {
      ...r,
      npages,
      seq: this.seq++,
      alive: true,
      pfnOf,
      pfnRunEnd: "base" in pfns ? () => npages : (i) => {
        let lo = 0, hi = runStarts.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (runStarts[mid] <= i) lo = mid + 1;
          else hi = mid;
        }
        return lo < runStarts.length ? runStarts[lo] : npages;
      },
      folioOf(i) {
        const head = i - (i % 2 ** order);
        return { headIndex: head, order, headPfn: pfnOf(head) };
      },
      folioFrom(i) {
        return i < npages ? region.folioOf(i) : undefined;
      },
    };
    this.regions.set(r.name, region);
    if ("base" in pfns) {
      this.pfnRanges.push({ first: pfns.base, end: pfns.base + npages, region, firstIndex: 0 });
    } else {
      // merge runs of consecutive pfns into ranges
      let runStart = 0;
      for (let i = 1; i <= npages; i++) {
        if (i === npages || pfns[i] !== pfns[i - 1] + 1) {
          runStarts.push(runStart);
          this.pfnRanges.push({
            first: pfns[runStart],
            end: pfns[runStart] + (i - runStart),
            region,
            firstIndex: runStart,
          });
          runStart = i;
        }
      }
    }
    if (r.start !== undefined) this.virtRanges.push(region);
    return region;
  }

  /**
   * A file's page cache: either fully cached in folios of one order (laid out arithmetically,
   * no per-folio objects) or the explicit folios declared, with holes between them.
   */
  private addFileRegion(
    f: FileSpec,
    npages: number,
    layout: readonly Folio[] | { base: Pfn; order: number },
  ): void {
    let pfnOf: (i: number) => Pfn, folioOf: (i: number) => Folio | undefined;
    let folioFrom: (i: number) => Folio | undefined;
    let ranges: { first: Pfn; end: Pfn; firstIndex: number }[];
    if (!Array.isArray(layout)) {
      const { base, order } = layout as { base: Pfn; order: number };
      const n = 2 ** order;
      folioOf = folioFrom = (i) =>
        i >= 0 && i < npages
          ? { headIndex: i - (i % n), order, headPfn: base + i - (i % n) }
          : undefined;
      pfnOf = (i) => (i >= 0 && i < npages ? base + i : -1);
      ranges = [{ first: base, end: base + npages, firstIndex: 0 }];
    } else {
      const folios = layout as readonly Folio[];
      // the first folio whose end lies past page i (binary search over sorted heads)
      const firstEndingAfter = (i: number): number => {
        let lo = 0, hi = folios.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (folios[mid].headIndex + 2 ** folios[mid].order <= i) lo = mid + 1;
          else hi = mid;
        }
        return lo;
      };
      folioOf = (i) => {
        const fo = folios[firstEndingAfter(i)];
        return fo && fo.headIndex <= i ? fo : undefined;
      };
      folioFrom = (i) => folios[firstEndingAfter(i)];
      pfnOf = (i) => {
        const fo = folioOf(i);
        return fo ? fo.headPfn + (i - fo.headIndex) : -1;
      };
      ranges = folios.map((fo) => ({
        first: fo.headPfn,
        end: fo.headPfn + 2 ** fo.order,
        firstIndex: fo.headIndex,
      }));
    }
    const region: Region = {
      name: f.name,
      space: "file",
      kind: "pagecache",
      task: "",
      size: f.size,
      npages,
      start: undefined,
      prot: f.prot ?? "rw",
      folioOrder: f.folio_order,
      populated: true,
      seq: this.seq++,
      alive: true,
      pfnOf,
      folioOf,
      folioFrom,
      nfolios: Array.isArray(layout)
        ? layout.length
        : Math.ceil(npages / 2 ** (layout as { order: number }).order),
    };
    this.regions.set(f.name, region);
    for (const r of ranges) this.pfnRanges.push({ ...r, region });
  }

  /** Declaration problems no schema can see: names, pfn lists, folio layouts. */
  private checkDeclarations(spec: MemorySpec): void {
    const seen = new Set<string>();
    const names = [
      ...spec.tasks.flatMap((t) => t.user.map((r) => r.region)),
      ...spec.kernel.map((r) => r.region),
      ...spec.files.map((f) => f.name),
      ...spec.pipes.map((p) => p.name),
    ];
    for (const n of names) {
      if (seen.has(n)) {
        this.problems.push({ region: n, message: `the name "${n}" is declared twice` });
      }
      seen.add(n);
    }
    for (const r of [...spec.tasks.flatMap((t) => t.user), ...spec.kernel]) {
      const npages = Math.ceil(r.size / this.pageSize);
      if (r.pfns && r.pfns.length !== npages) {
        this.problems.push({
          region: r.region,
          message: `"${r.region}" has ${npages} pages but ${r.pfns.length} pfns`,
        });
      }
    }
    for (const f of spec.files) {
      const npages = Math.ceil(f.size / this.pageSize);
      const sorted = [...(f.folios ?? [])].sort((a, b) => a.index - b.index);
      sorted.forEach((fo, k) => {
        const n = 2 ** fo.order;
        if (fo.index % n) {
          this.problems.push({
            region: f.name,
            message:
              `folio at index ${fo.index} of "${f.name}" is not aligned to its order ${fo.order}`,
          });
        }
        if (fo.index + n > Math.max(npages, n)) {
          this.problems.push({
            region: f.name,
            message:
              `folio at index ${fo.index} runs past the end of "${f.name}" (${npages} pages)`,
          });
        }
        const next = sorted[k + 1];
        if (next && next.index < fo.index + n) {
          this.problems.push({
            region: f.name,
            message: `folios at indexes ${fo.index} and ${next.index} of "${f.name}" overlap`,
          });
        }
      });
    }
  }

  /**
   * Allocates `n` fresh pages for `owner` (pipe buffers, bounce pages), named `owner:k`.
   * Returns their pfns.
   */
  allocPages(owner: string, n: number): Pfn[] {
    const out: Pfn[] = [];
    for (let k = 0; k < n; k++) {
      const idx = this.allocCount.get(owner) ?? 0;
      this.allocCount.set(owner, idx + 1);
      const pfn = this.nextAllocPfn++;
      const name = `${owner}:${idx}`;
      const region: Region = {
        name,
        space: "alloc",
        kind: "alloc",
        task: "",
        size: this.pageSize,
        npages: 1,
        start: undefined,
        prot: "rw",
        folioOrder: 0,
        populated: true,
        seq: this.seq++,
        alive: true,
        pfnOf: () => pfn,
        folioOf: () => ({ headIndex: 0, order: 0, headPfn: pfn }),
        folioFrom: (i) => i === 0 ? { headIndex: 0, order: 0, headPfn: pfn } : undefined,
      };
      this.regions.set(name, region);
      // allocations are increasing: appending keeps the ranges sorted
      this.pfnRanges.push({ first: pfn, end: pfn + 1, region, firstIndex: 0 });
      out.push(pfn);
    }
    return out;
  }

  /** Where a pfn lives, or undefined for a frame no region declares. */
  pageLoc(pfn: Pfn): PageLoc | undefined {
    const r = this.pfnRange(pfn);
    return r ? { region: r.region, index: r.firstIndex + (pfn - r.first) } : undefined;
  }

  /**
   * The range of consecutive pfns of one region that holds a pfn (its page index in the region
   * is firstIndex + pfn - first), or undefined: pageLoc() without an object per lookup, for a
   * walk over every page a bio takes.
   */
  pfnRange(pfn: Pfn): PfnRange | undefined {
    const rs = this.pfnRanges;
    let lo = 0, hi = rs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = rs[mid];
      if (pfn < r.first) hi = mid - 1;
      else if (pfn >= r.end) lo = mid + 1;
      else return r;
    }
    return undefined;
  }

  /** The trace's name for a page: `region[i]`, `owner:n`, `zero_page` or `pfn 0x...`. */
  pageName(pfn: Pfn): string {
    if (pfn === ZERO_PFN) return "zero_page";
    const loc = this.pageLoc(pfn);
    if (!loc) return `pfn ${hex(pfn)}`;
    if (loc.region.space === "alloc") return loc.region.name;
    return `${loc.region.name}[${loc.index}]`;
  }

  /** The folio holding a pfn (order 0 for unknown frames). */
  folioOfPfn(pfn: Pfn): Folio {
    const loc = this.pageLoc(pfn);
    const fo = loc ? loc.region.folioOf(loc.index) : undefined;
    if (!loc || !fo) return { headPfn: pfn, headIndex: 0, order: 0 };
    return fo;
  }

  /** The virtual address of a region offset, for regions that have one. */
  virtAddr(region: Region, offset: number): Addr | undefined {
    if (region.start !== undefined) return region.start + BigInt(offset);
    if (region.space === "kernel" || region.space === "alloc") {
      const pfn = region.pfnOf(Math.floor(offset / this.pageSize));
      return LINEAR_MAP_BASE + BigInt(pfn) * BigInt(this.pageSize) +
        BigInt(offset % this.pageSize);
    }
    return undefined;
  }

  /**
   * Translates a virtual address: user and vmalloc-space addresses through their region's
   * page table, direct-map addresses through the pfn. `task` restricts user lookups to one mm.
   */
  translate(addr: Addr, task?: string): VirtLoc | undefined {
    if (addr >= LINEAR_MAP_BASE && addr < VMALLOC_BASE) {
      const rel = addr - LINEAR_MAP_BASE;
      const ps = BigInt(this.pageSize);
      const pfn = Number(rel / ps);
      const loc = this.pageLoc(pfn);
      if (!loc) return undefined;
      return {
        region: loc.region,
        offset: loc.index * this.pageSize + Number(rel % ps),
        pfn,
      };
    }
    const vr = this.virtRanges, ends = this.virtEnds;
    let lo = 0, hi = vr.length - 1;
    let found: Region | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = vr[mid];
      if (addr < r.start!) hi = mid - 1;
      else {
        if (addr < ends[mid]) {
          found = r;
          break;
        }
        lo = mid + 1;
      }
    }
    if (!found) {
      // tasks may overlap in address: fall back to a linear scan
      found = vr.find((r) =>
        (task === undefined || r.task === task || r.space === "kernel") && addr >= r.start! &&
        addr < r.start! + BigInt(r.size)
      );
    } else if (task !== undefined && found.space === "user" && found.task !== task) {
      found = vr.find((r) =>
        r.space === "user" && r.task === task && addr >= r.start! &&
        addr < r.start! + BigInt(r.size)
      );
    }
    if (!found) return undefined;
    const offset = addrDiff(addr, found.start!);
    return { region: found, offset, pfn: found.pfnOf(Math.floor(offset / this.pageSize)) };
  }

  /**
   * translate() of a user address held as a number (below TASK_SIZE_MAX, so exact): the same
   * region, offset and pfn, without a BigInt per comparison. GUP walks every extracted segment
   * through here; in code V8 has not optimized yet a BigInt operation costs about a
   * microsecond, which made the address arithmetic most of a 1 GiB extraction's time.
   */
  translateUser(addr: number, task: string): VirtLoc | undefined {
    const at = this.userRangeAt(addr, task);
    if (at < 0) return undefined;
    const found = this.virtRanges[at];
    const offset = addr - this.virtStarts[at];
    return { region: found, offset, pfn: found.pfnOf(Math.floor(offset / this.pageSize)) };
  }

  /**
   * The region translateUser() finds for `addr` and the offset into it, written to `out`
   * (the caller's, reused), without an object per translation; false when none holds it.
   * GUP's one-run path asks this once per extracted segment.
   */
  translateUserTo(addr: number, task: string, out: { region: Region; offset: number }): boolean {
    const at = this.userRangeAt(addr, task);
    if (at < 0) return false;
    out.region = this.virtRanges[at];
    out.offset = addr - this.virtStarts[at];
    return true;
  }

  /** Index in virtRanges of the region translateUser() finds for `addr`, or -1. */
  private userRangeAt(addr: number, task: string): number {
    const vr = this.virtRanges, starts = this.virtStarts;
    let lo = 0, hi = vr.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (addr < starts[mid]) hi = mid - 1;
      else {
        if (addr < starts[mid] + vr[mid].size) {
          at = mid;
          break;
        }
        lo = mid + 1;
      }
    }
    // as translate(): tasks may overlap in address, so look further when the region found
    // belongs to another mm or none was found
    if (at < 0) at = this.scanUser(addr, task, false);
    else if (vr[at].space === "user" && vr[at].task !== task) at = this.scanUser(addr, task, true);
    return at;
  }

  /**
   * translateUser()'s linear scan: the first of `task`'s user regions (and, unless
   * `userOnly`, kernel regions) holding `addr`, or -1. A method rather than a closure made
   * on every translation, which runs once per extracted segment.
   */
  private scanUser(addr: number, task: string, userOnly: boolean): number {
    const vr = this.virtRanges, starts = this.virtStarts;
    for (let i = 0; i < vr.length; i++) {
      const r = vr[i];
      const mine = r.space === "user" ? r.task === task : !userOnly && r.space === "kernel";
      if (mine && addr >= starts[i] && addr < starts[i] + r.size) return i;
    }
    return -1;
  }

  /** Whether a user page has been populated (declared populated, or written since). */
  isPopulated(region: Region, index: number): boolean {
    return region.populated || this.touched.has(region.pfnOf(index));
  }

  /** Marks a page populated (faulted in) without writing it. */
  populate(pfn: Pfn): void {
    this.touched.add(pfn);
  }

  /** Reads bytes of one page; unwritten bytes are 0. */
  readPage(pfn: Pfn, offset: number, len: number): Uint8Array {
    const page = this.bytes.get(pfn);
    if (page) return page.slice(offset, offset + len);
    const lazy = this.patterned.get(pfn);
    if (lazy) return patternBytes(lazy.pattern, lazy.origin + offset, len);
    return new Uint8Array(len);
  }

  /** Told of every write (the replay reports written ranges as changes). */
  onWrite?: (pfn: Pfn, offset: number, len: number) => void;

  /** Pages holding data, real or patterned, against page_data. */
  private reserve(): void {
    const held = (this.bytes.size + this.patterned.size + 1) * this.pageSize;
    if (held > limit("page_data")) throw new LimitError("page_data", held);
  }

  /** Writes bytes into one page, populating it. */
  writePage(pfn: Pfn, offset: number, data: Uint8Array): void {
    if (pfn === ZERO_PFN) return;
    this.onWrite?.(pfn, offset, data.length);
    let page = this.bytes.get(pfn);
    if (!page) {
      const lazy = this.patterned.get(pfn);
      if (lazy) {
        // a partial write into a patterned page: the page becomes real bytes (already counted)
        page = patternBytes(lazy.pattern, lazy.origin, this.pageSize);
        this.patterned.delete(pfn);
        this.bytes.set(pfn, page);
      } else {
        let allZero = true;
        for (let i = 0; i < data.length; i++) {
          if (data[i] !== 0) {
            allZero = false;
            break;
          }
        }
        if (allZero) {
          this.touched.add(pfn);
          return;
        }
        // pages of real bytes are bounded (page_data); unwritten pages cost nothing
        this.reserve();
        page = new Uint8Array(this.pageSize);
        this.bytes.set(pfn, page);
      }
    }
    page.set(data, offset);
    this.touched.add(pfn);
  }

  /**
   * Fills `len` bytes of a region from `offset` with a pattern whose offset at `offset` is
   * `origin`, populating the pages. Whole pages are recorded as patterned (their bytes are
   * made when read, or when a later write lands on part of them); only the partial pages at
   * the ends are written. Holes are skipped. What the fill holds counts against page_data
   * as written bytes do.
   */
  fillRegion(region: Region, offset: number, len: number, pattern: Pattern, origin: number): void {
    this.walkRegion(region, offset, len, (pfn, inPage, n, done) => {
      if (pfn < 0 || pfn === ZERO_PFN) return;
      if (n < this.pageSize) {
        this.writePage(pfn, inPage, patternBytes(pattern, origin + done, n));
        return;
      }
      this.onWrite?.(pfn, 0, n);
      this.touched.add(pfn);
      const had = this.bytes.delete(pfn) || this.patterned.delete(pfn);
      if (pattern === "zero") return;
      if (!had) this.reserve();
      this.patterned.set(pfn, { pattern, origin: origin + done });
    });
  }

  /**
   * Reads `len` bytes of a region from `offset`, page by page (region-relative, so a
   * kernel region with scattered pfns reads its own pages in order). Holes read as 0.
   */
  readRegion(region: Region, offset: number, len: number): Uint8Array {
    const out = new Uint8Array(len);
    this.walkRegion(region, offset, len, (pfn, inPage, n, done) => {
      if (pfn >= 0) out.set(this.readPage(pfn, inPage, n), done);
    });
    return out;
  }

  /** Writes bytes into a region from `offset` (holes are skipped). */
  writeRegion(region: Region, offset: number, data: Uint8Array): void {
    this.walkRegion(region, offset, data.length, (pfn, inPage, n, done) => {
      if (pfn >= 0) this.writePage(pfn, inPage, data.subarray(done, done + n));
    });
  }

  /** Splits a region range into per-page pieces. */
  walkRegion(
    region: Region,
    offset: number,
    len: number,
    fn: (pfn: Pfn, inPage: number, n: number, done: number) => void,
  ): void {
    let done = 0;
    while (done < len) {
      const off = offset + done;
      const index = Math.floor(off / this.pageSize);
      const inPage = off % this.pageSize;
      const n = Math.min(len - done, this.pageSize - inPage);
      fn(region.pfnOf(index), inPage, n, done);
      done += n;
    }
  }
}

function contiguous(base: Pfn, n: number): { base: Pfn; n: number } {
  return { base, n };
}
