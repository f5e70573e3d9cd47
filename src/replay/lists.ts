/**
 * Page lists: the pages an op took (a page array, or the pages behind a BVEC, an sg table or
 * a bio), which the release ops and the hazard checks walk.
 *
 * @module
 */
import type { Direction, Pfn, Retention } from "../types.ts";
import type { SgTable } from "../convert/sg.ts";
import { type Bio, spanned } from "../convert/bio.ts";

/** One page of a list. */
export interface PageEntry {
  readonly pfn: Pfn;
  readonly retention: Retention;
  /** Whether a counted hold was taken (not for the zero page from 6.5, nor skipped slab). */
  readonly held: boolean;
  released: boolean;
  /** The step that listed it, where entries came over several steps (sg tables). */
  readonly step?: number;
}

/** A list of pages an op produced: a page array, or the pages behind a BVEC or table. */
export interface PageList {
  readonly name: string;
  readonly entries: PageEntry[];
  readonly offset0: number;
  readonly bytes: number;
  /** The step that took the pages. */
  readonly step: number;
  /** Direction of the source iterator: DEST lists receive DMA. */
  readonly dir: Direction;
  ioComplete: boolean;
}

/** The retention of a list's pages (lists are uniform). */
export function retentionOf(list: PageList): Retention {
  return list.entries[0]?.retention ?? "none";
}

/** Builds a page list from an extraction, taking its holds through `take`. */
export function makeList(
  take: (kind: "pin" | "ref", pfn: Pfn) => void,
  name: string,
  pfns: readonly Pfn[],
  holds: readonly Pfn[],
  retention: Retention,
  info: { offset0: number; bytes: number; dir: Direction; step: number },
): PageList {
  const pending = new Map<Pfn, number>();
  for (const p of holds) pending.set(p, (pending.get(p) ?? 0) + 1);
  const entries: PageEntry[] = pfns.map((pfn) => {
    const n = pending.get(pfn) ?? 0;
    if (n) pending.set(pfn, n - 1);
    return { pfn, retention, held: n > 0, released: false };
  });
  for (const e of entries) if (e.held) take(e.retention as "pin" | "ref", e.pfn);
  // a hold on a page the list does not name (6.14's BVEC get_pages took every ref on the
  // first page's folio): counted, and nothing in the list will ever drop it
  for (const [pfn, n] of pending) {
    for (let k = 0; k < n; k++) take(retention as "pin" | "ref", pfn);
  }
  return { name, entries, ...info, ioComplete: false };
}

/** An sg table's entries in use, as a page list (completion marks the table). */
export function sgtList(name: string, t: SgTable): PageList {
  return {
    name,
    entries: t.entries.slice(0, t.nents),
    offset0: t.entries[0]?.offset ?? 0,
    bytes: 0,
    step: t.step,
    dir: t.dir ?? "dest",
    get ioComplete() {
      return t.ioComplete;
    },
    set ioComplete(x: boolean) {
      t.ioComplete = x;
    },
  };
}

const bioEntries = new WeakMap<Bio, { shape: string; entries: PageEntry[] }>();

/**
 * A bio's pages as a page list: rebuilt when the bio grows, and marked released once
 * bio_release_pages ran.
 */
export function bioList(name: string, b: Bio, pageSize: number): PageList {
  const shape = `${b.bvec.length}:${b.size}`;
  let cached = bioEntries.get(b);
  if (!cached || cached.shape !== shape) {
    cached = {
      shape,
      entries: b.bvec.flatMap((bv) =>
        spanned(bv.pfn, bv.offset, bv.len, pageSize).map((pfn) => ({
          pfn,
          retention: b.pinned ? "pin" as const : b.reffed ? "ref" as const : "none" as const,
          held: b.pinned || b.reffed,
          released: b.released,
        }))
      ),
    };
    bioEntries.set(b, cached);
  }
  if (b.released) { for (const e of cached.entries) e.released = true; }
  return {
    name,
    entries: cached.entries,
    offset0: b.bvec[0]?.offset ?? 0,
    bytes: b.size,
    step: b.step,
    dir: b.dir,
    get ioComplete() {
      return b.ioComplete;
    },
    set ioComplete(x: boolean) {
      b.ioComplete = x;
    },
  };
}
