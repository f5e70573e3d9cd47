/**
 * Name resolution for memory: address expressions to a region and offset or a virtual
 * address, page expressions to a pfn, and addresses to the task (mm) they belong to.
 *
 * @module
 */
import { type Memory, type Region, ZERO_PFN } from "../model/memory.ts";
import type { Path } from "./locate.ts";
import { type AddrExpr, parseAddrExpr, parsePageExpr, scanRange } from "./num.ts";
import { hex, type Pfn } from "../types.ts";
import { type AddrSeg, addrSeg, NUM_ADDR_LIMIT, NumAddrSeg } from "../model/iter.ts";

/** A resolved memory location: a region and an offset into it. */
export interface Loc {
  readonly region: Region;
  readonly offset: number;
}

/** Resolves the trace's memory expressions against a model memory (replay and the lab). */
export class Resolver {
  constructor(
    private readonly mem: Memory,
    private readonly error: (message: string, path: Path) => never,
    /** The mm user addresses resolve in when nothing names one: the first task's. */
    readonly defaultTask: string,
  ) {}

  /** The task (mm) an address expression's user region belongs to. */
  taskOf(v: unknown): string {
    // "<the last region named>+<offset>": that region's (no expression object, no lookup)
    if (this.lastRegion?.space === "user" && this.lastOffset(v) >= 0) return this.lastRegion.task;
    const e = parseAddrExpr(v);
    if (e && "region" in e) {
      const r = this.mem.regions.get(e.region);
      if (r?.space === "user") return r.task;
    } else if (e) {
      for (const r of this.mem.regions.values()) {
        if (
          r.space === "user" && r.start !== undefined && e.abs >= r.start &&
          e.abs < r.start + BigInt(r.size)
        ) {
          return r.task;
        }
      }
    }
    return this.defaultTask;
  }

  /** Resolves an address expression to a region and offset. */
  loc(v: unknown, path: Path): Loc {
    return this.locOf(parseAddrExpr(v)!, path);
  }

  private locOf(e: AddrExpr, path: Path): Loc {
    if ("abs" in e) {
      const t = this.mem.translate(e.abs);
      if (!t) this.error(`address ${hex(e.abs)} is not inside any declared region`, path);
      return { region: t.region, offset: t.offset };
    }
    return { region: this.regionOf(e, path), offset: e.offset };
  }

  /** The region a `<region>+<offset>` expression names, the offset checked to be inside it. */
  private regionOf(e: { readonly region: string; readonly offset: number }, path: Path): Region {
    const region = this.mem.regions.get(e.region);
    if (!region) this.error(`unknown region "${e.region}"`, path);
    if (e.offset > region.size) {
      this.error(
        `offset ${hex(e.offset)} is past the end of "${e.region}" (size ${hex(region.size)})`,
        path,
      );
    }
    return region;
  }

  /**
   * The region with a virtual start (user, or vmalloc-space kernel) the last `vaddr` named (a
   * name is never given to another region): a trace's iovecs name one buffer over and over.
   */
  private lastRegion: Region | undefined;

  /**
   * The last region's start as a number when every address in it is below NUM_ADDR_LIMIT,
   * else -1.
   */
  private lastStart = -1;

  /**
   * The offset into the last region named that `v` gives when it is "<that region>+<plain
   * offset>" (what parseAddrExpr's hot path reads), found without its objects or a lookup by
   * name; -1 for anything else (which `vaddr` then reads in full, raising every error).
   */
  private lastOffset(v: unknown): number {
    const region = this.lastRegion;
    if (region === undefined || typeof v !== "string") return -1;
    const last = region.name;
    if (
      v.length > last.length + 1 && v.charCodeAt(last.length) === 43 /* + */ &&
      v.startsWith(last)
    ) {
      const off = scanRange(v, last.length + 1, v.length);
      if (off !== undefined && off >= 0 && off <= region.size) return off;
    }
    return -1;
  }

  /** `vaddr` of "<the last region named>+<plain offset>", or undefined (see lastOffset). */
  private lastVaddr(v: unknown): bigint | undefined {
    const off = this.lastOffset(v);
    // the start plus a BigInt of the offset: V8 adds 64-bit BigInts without a runtime call
    // and makes a BigInt of a small integer at once, where BigInt() of a sum held as a
    // double costs about twice as much (measured in isolation, 2*10^6 addresses)
    return off < 0 ? undefined : this.lastRegion!.start! + BigInt(off);
  }

  /** Resolves an address expression to a virtual address (iovec/kvec bases). */
  vaddr(v: unknown, path: Path): bigint {
    const fast = this.lastVaddr(v);
    if (fast !== undefined) return fast;
    const e: AddrExpr = parseAddrExpr(v)!;
    if ("abs" in e) return e.abs;
    const region = this.regionOf(e, path);
    if (region.start !== undefined) {
      this.lastRegion = region;
      // lastOffset gives offsets up to the size: the region's end bounds every address
      this.lastStart = region.start + BigInt(region.size) < NUM_ADDR_LIMIT
        ? Number(region.start)
        : -1;
    }
    const a = this.mem.virtAddr(region, e.offset);
    if (a === undefined) {
      this.error(`"${region.name}" is page cache and has no virtual address`, path);
    }
    return a;
  }

  /**
   * Segment `i` of the list under `key` (an iovec or kvec array): `len` bytes at `v`'s
   * address, whose path is built only when the address must be read in full. An address
   * below 2^52 (every user address) is kept as a number (NumAddrSeg), and one in the last
   * region named is found without a BigInt.
   */
  seg(v: unknown, len: number, key: string, i: number): AddrSeg {
    const start = this.lastStart;
    if (start >= 0) {
      const off = this.lastOffset(v);
      if (off >= 0) return new NumAddrSeg(start + off, len);
    }
    return addrSeg(this.vaddr(v, [key, i, "base"]), len);
  }

  /** Resolves a page reference to a pfn. */
  page(v: unknown, path: Path): Pfn {
    const p = parsePageExpr(v)!;
    if ("pfn" in p) return p.pfn;
    if ("alloc" in p) {
      if (p.alloc === "zero_page") return ZERO_PFN;
      const r = this.mem.regions.get(p.alloc);
      if (!r) this.error(`unknown page "${p.alloc}"`, path);
      return r.pfnOf(0);
    }
    const r = this.mem.regions.get(p.region);
    if (!r) this.error(`unknown region "${p.region}"`, path);
    if (p.index >= r.npages) {
      this.error(`"${p.region}" has ${r.npages} pages, no page ${p.index}`, path);
    }
    const pfn = r.pfnOf(p.index);
    if (pfn < 0) this.error(`page ${p.index} of "${p.region}" is a hole`, path);
    return pfn;
  }

  /** Canonical name of a page reference (for expectations); its text if it does not resolve. */
  canonPage = (v: unknown): string | undefined => {
    const p = parsePageExpr(v);
    if (!p) return undefined;
    if ("pfn" in p) return this.mem.pageName(p.pfn);
    if ("alloc" in p) return p.alloc;
    const r = this.mem.regions.get(p.region);
    if (!r || p.index >= r.npages || r.pfnOf(p.index) < 0) return `${p.region}[${p.index}]`;
    return this.mem.pageName(r.pfnOf(p.index));
  };
}
