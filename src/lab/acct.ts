/**
 * What one strategy did to one workload, counted as it runs: holds (pins and refs) with the
 * pages they were taken on, intermediate allocations, passes over the data, the final list,
 * notes; and the judgement of those counts (unnecessary holds, holds on memory that must never
 * be pinned or refcounted) once the run ends.
 *
 * @module
 */
import type { World } from "./world.ts";
import { pageLabel } from "./world.ts";
import type { IovIter } from "../model/iter.ts";
import { userBacked } from "../model/iter.ts";
import type { Pfn } from "../types.ts";
import { ZERO_PFN } from "../model/memory.ts";

/** Where an allocation lives. */
export type Storage = "kvmalloc" | "kmalloc" | "stack" | "per-MR (preallocated)" | "page allocator";

/** One allocation a strategy makes for a request. */
export interface Allocation {
  /** "page array", "bvec array", "sg table", "ib_sge array", "bounce pages". */
  readonly what: string;
  readonly count: number;
  readonly bytes: number;
  readonly storage: Storage;
  /** True when the allocation is the final list itself, false when it is intermediate. */
  readonly final: boolean;
  /** Kernel function that allocates it. */
  readonly by: string;
}

/** One entry of the final list. */
export interface FinalEntry {
  readonly page: string;
  /** The page frame the entry starts on (-1: none). */
  readonly pfn: Pfn;
  readonly offset: number;
  readonly len: number;
  /** DMA address, for SGEs. */
  readonly addr?: number;
}

/** The destination a strategy produced. */
export interface FinalList {
  /** "bvec"/"bvecq" (a copy iterator), "iter" (a copy of the source iterator), "sg", "sge". */
  readonly type: "bvec" | "bvecq" | "iter" | "sg" | "sge";
  readonly entries: readonly FinalEntry[];
  /** Bytes the list describes. */
  readonly bytes: number;
}

/** The sizes the lab charges (x86-64): struct page *, struct bio_vec, struct scatterlist, struct ib_sge. */
export const SIZEOF = { page_ptr: 8, bio_vec: 16, scatterlist: 32, ib_sge: 16, kvec: 16 } as const;

/** A hold taken during the run. */
export interface HoldRecord {
  readonly kind: "pin" | "ref";
  readonly pfn: Pfn;
  /** A second hold on a page this run already holds for the same purpose. */
  readonly redundant: boolean;
}

/** Mutable counters for one run. */
export class Acct {
  readonly holds: HoldRecord[] = [];
  readonly allocations: Allocation[] = [];
  readonly passes: string[] = [];
  readonly notes: string[] = [];
  /** Bytes by which the run grew a PIPE before the I/O wrote them. */
  pipeClaimed = 0;

  /** Records holds from a model call (its `holds` list). */
  hold(kind: "pin" | "ref", pfns: readonly Pfn[], redundant = false): void {
    for (const pfn of pfns) this.holds.push({ kind, pfn, redundant });
  }
  alloc(a: Allocation): void {
    this.allocations.push(a);
  }
  pass(what: string): void {
    this.passes.push(what);
  }
  note(text: string): void {
    if (!this.notes.includes(text)) this.notes.push(text);
  }
}

/** Whether the memory behind a page may be pinned or refcounted to keep it for I/O. */
export function holdable(w: World, pfn: Pfn): { ok: boolean; why?: string } {
  if (pfn < 0) return { ok: false, why: "no struct page" };
  if (pfn === ZERO_PFN) return { ok: true };
  const r = w.mem.pageLoc(pfn)?.region;
  if (!r) return { ok: false, why: "no struct page" };
  if (r.space === "kernel") {
    // page_alloc (and mapped highmem) pages are ordinary refcounted pages; everything else
    // is an object whose lifetime a page ref does not govern (kernel-semantics.md 3.6)
    if (r.kind === "page_alloc" || r.kind === "highmem") return { ok: true };
    return { ok: false, why: `${r.kind} memory` };
  }
  if (r.space === "user" && (r.kind === "io" || r.kind === "pfnmap")) {
    return { ok: false, why: `VM_${r.kind === "io" ? "IO" : "PFNMAP"} mapping` };
  }
  return { ok: true };
}

/** The judged counts of a run. */
export interface HoldSummary {
  readonly pins: number;
  readonly refs: number;
  /**
   * Holds on pages the destination could have borrowed: every hold when the source is not
   * user-backed (its creator keeps the memory alive), and second holds on pages already held.
   */
  readonly unnecessary: number;
  /** Holds on pages that must never be pinned or refcounted. */
  readonly forbidden: number;
  readonly forbiddenPages: readonly string[];
}

/** Judges the holds of a run against the workload's source. */
export function judgeHolds(w: World, src: IovIter, acct: Acct): HoldSummary {
  let pins = 0, refs = 0, forbidden = 0;
  const pages: string[] = [];
  for (const h of acct.holds) {
    if (h.kind === "pin") pins++;
    else refs++;
    const ok = holdable(w, h.pfn);
    if (!ok.ok) {
      forbidden++;
      const label = `${pageLabel(w, h.pfn)} (${ok.why})`;
      if (!pages.includes(label)) pages.push(label);
    }
  }
  return {
    pins,
    refs,
    unnecessary: userBacked(src) ? acct.holds.filter((h) => h.redundant).length : acct.holds.length,
    forbidden,
    forbiddenPages: pages,
  };
}

/** Entries of a list of (pfn, offset, len) pieces, named. */
export function entriesOf(
  w: World,
  list: readonly { pfn: Pfn; offset: number; len: number; addr?: number }[],
): FinalEntry[] {
  return list.map((e) => ({
    page: pageLabel(w, e.pfn),
    pfn: e.pfn,
    offset: e.offset,
    len: e.len,
    ...(e.addr === undefined ? {} : { addr: e.addr }),
  }));
}

/** Sum of entry lengths. */
export function bytesOf(list: readonly { len: number }[]): number {
  let n = 0;
  for (const e of list) n += e.len;
  return n;
}
