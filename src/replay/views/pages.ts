/**
 * The view of a page list: its pages (released ones marked), retention and first offset.
 *
 * @module
 */
import type { Memory } from "../../model/memory.ts";
import type { Pfn, Retention } from "../../types.ts";
import type { PageList } from "../lists.ts";

/** A page list's state, unformatted. */
export interface PagesRaw {
  readonly pfns: readonly Pfn[];
  readonly released: readonly boolean[];
  readonly retention: Retention;
  readonly offset0: number;
}

/** Copies what a page list's change shows. */
export function capturePages(l: PageList): PagesRaw {
  return {
    pfns: l.entries.map((e) => e.pfn),
    released: l.entries.map((e) => e.released),
    retention: l.entries[0]?.retention ?? "none",
    offset0: l.offset0,
  };
}

/** A page list as its changes show it. */
export function pagesFields(mem: Memory, r: PagesRaw): Record<string, unknown> {
  return {
    pages: r.pfns.map((pfn, i) => `${mem.pageName(pfn)}${r.released[i] ? " (released)" : ""}`)
      .join(" "),
    retention: r.retention,
    offset0: r.offset0,
  };
}
