/**
 * The view of an sg table: `expect: sgt` compares its entries as data; its changes show each
 * entry as one line.
 *
 * @module
 */
import type { Memory } from "../../model/memory.ts";
import { sgBlocks, type SgEntry, type SgTable } from "../../convert/sg.ts";
import { hex } from "../../types.ts";

/** An sg table as `expect: sgt` compares it. */
export function sgtView(mem: Memory, t: SgTable): Record<string, unknown> {
  return {
    nents: t.nents,
    orig_nents: t.origNents,
    end: t.endMark ?? null,
    blocks: t.chained ? sgBlocks(Math.max(t.capacity, t.nents)) : 1,
    entries: t.entries.slice(0, t.nents).map((e) => ({
      page: mem.pageName(e.pfn),
      offset: e.offset,
      length: e.length,
      dma_address: e.dmaAddress === undefined ? null : hex(e.dmaAddress),
    })),
  };
}

/** An sg table's state, unformatted. */
export interface SgtRaw {
  readonly nents: number;
  readonly origNents: number;
  readonly entries: readonly SgEntry[];
}

/** Copies what an sg table's change shows. */
export function captureSgt(t: SgTable): SgtRaw {
  return {
    nents: t.nents,
    origNents: t.origNents,
    entries: t.entries.slice(0, t.nents).map((e) => ({ ...e })),
  };
}

/** An sg table as its changes show it. */
export function sgtFields(mem: Memory, t: SgtRaw): Record<string, unknown> {
  return {
    nents: t.nents,
    orig_nents: t.origNents,
    entries: t.entries.map((e) =>
      `${mem.pageName(e.pfn)} +${hex(e.offset)} len ${hex(e.length)}${
        e.dmaAddress !== undefined ? ` dma ${hex(e.dmaAddress)}` : ""
      }${e.retention === "pin" ? " pin" : ""}${e.released ? " (released)" : ""}`
    ),
  };
}
