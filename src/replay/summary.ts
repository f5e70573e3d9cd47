/**
 * The end of a replay: pin and ref counters per page, folio counts, and the summary.
 *
 * @module
 */
import { type Memory, ZERO_PFN } from "../model/memory.ts";
import type { PinLedger } from "../model/pin.ts";
import type { Warning } from "../check/warnings.ts";

/** Counters in the summary, per 4 KiB page as nr_foll_pin_acquired/released count. */
export interface Counters {
  /** Pins (or refs) taken by traced ops, per page. */
  readonly acquired: number;
  /** Pins (or refs) released, per page (a release of nothing still counts, as the kernel's does). */
  readonly released: number;
  /** Pins (or refs) still held at the end. */
  readonly outstanding: number;
}

/** The end-of-replay summary (the `summary` object of JSON output). */
export interface Summary {
  /** The kernel release replayed as, as the trace or `--kernel` named it. */
  readonly kernel: string;
  /** Steps run. */
  readonly steps: number;
  /** FOLL_PIN pins, as nr_foll_pin_acquired/released count them. */
  readonly pins: Counters;
  /** Page refs taken by traced ops. */
  readonly refs: Counters;
  /** Every hold still outstanding: its page, kind and the step that took it (leaks). */
  readonly outstanding: readonly { page: string; kind: "pin" | "ref"; step: number }[];
  /** Warnings by code, with their number. */
  readonly warnings: Readonly<Record<string, number>>;
  /** Failed expectations. */
  readonly failures: number;
  /** "clean", or the counts of failures and warnings by severity. */
  readonly verdict: string;
}

/** Pin or ref counters with the pages still held (and, for pins, each folio's counts). */
export type PageCounters = Counters & {
  /** Holds outstanding per page, by page name. */
  pages: Record<string, number>;
  /** Per folio (pins only), by head page name. */
  folios?: Record<string, FolioCounts>;
};

/** One folio's counts as `expect: pins: folios` compares them. */
export interface FolioCounts {
  /** The folio's refcount contribution from traced holds (a small folio's pin adds 1024). */
  refcount: number;
  /** _pincount of a large folio (0 for small folios). */
  pincount: number;
  /** folio_maybe_dma_pinned(). */
  maybe_dma_pinned: boolean;
}

/** Pin or ref counters, per page (and per folio for pins). */
export function counters(
  ledger: PinLedger,
  mem: Memory,
  kind: "pins" | "refs",
): PageCounters {
  const k = kind === "pins" ? "pin" : "ref";
  const c = ledger.counters(k);
  const pages: Record<string, number> = {};
  for (const h of ledger.outstanding(k)) {
    const n = mem.pageName(h.pfn);
    pages[n] = (pages[n] ?? 0) + 1;
  }
  return {
    acquired: c.acquired,
    released: c.released,
    outstanding: ledger.total(k),
    pages,
    ...(kind === "pins" ? { folios: folioView(ledger, mem) } : {}),
  };
}

/**
 * Every folio the traced ops hold, by head page: its refcount and _pincount as
 * try_grab_folio/gup_put_folio keep them (a small folio's pin adds GUP_PIN_COUNTING_BIAS,
 * a large folio's adds 1 to each; the mapping's own reference counts 1) and
 * folio_maybe_dma_pinned().
 */
export function folioView(ledger: PinLedger, mem: Memory): Record<string, FolioCounts> {
  const heads = new Map<number, number[]>();
  for (const kind of ["pin", "ref"] as const) {
    for (const h of ledger.outstanding(kind)) {
      if (h.pfn === ZERO_PFN) continue;
      const fo = mem.folioOfPfn(h.pfn);
      const pages = heads.get(fo.headPfn) ??
        Array.from({ length: 2 ** fo.order }, (_, i) => fo.headPfn + i);
      heads.set(fo.headPfn, pages);
    }
  }
  const out: Record<string, FolioCounts> = {};
  for (const [head, pages] of [...heads].sort((a, b) => a[0] - b[0])) {
    const large = pages.length > 1;
    const c = ledger.folioCounts(pages, large);
    out[mem.pageName(head)] = {
      refcount: 1 + c.refcount,
      pincount: c.pincount,
      maybe_dma_pinned: ledger.maybeDmaPinned(pages, large),
    };
  }
  return out;
}

/** The summary of a finished replay. */
export function summarize(o: {
  kernel: string;
  steps: number;
  failures: number;
  ledger: PinLedger;
  mem: Memory;
  pins: Counters;
  refs: Counters;
  warnings: readonly Warning[];
}): Summary {
  // counted per code, then the few codes sorted (not every warning: a long trace raises
  // thousands), in code-unit order, which for warning codes ([a-z0-9_]) is the order
  // localeCompare gave, without starting ICU's collator (tests/summary_order_test.ts)
  const counts = new Map<string, number>();
  for (const w of o.warnings) counts.set(w.code, (counts.get(w.code) ?? 0) + 1);
  const byCode: Record<string, number> = {};
  for (const code of [...counts.keys()].sort(byCodeUnits)) byCode[code] = counts.get(code)!;
  const sev = { bug: 0, warn: 0, hazard: 0 };
  for (const w of o.warnings) sev[w.severity]++;
  const parts = (["bug", "warn", "hazard"] as const).filter((s) => sev[s]).map((s) =>
    `${sev[s]} ${s === "warn" ? "warning" : s}${sev[s] === 1 ? "" : "s"}`
  );
  const held = (kind: "pin" | "ref") =>
    o.ledger.outstanding(kind).map((h) => ({ page: o.mem.pageName(h.pfn), kind, step: h.step }));
  return {
    kernel: o.kernel,
    steps: o.steps,
    pins: strip(o.pins),
    refs: strip(o.refs),
    outstanding: [...held("pin"), ...held("ref")],
    warnings: byCode,
    failures: o.failures,
    verdict: parts.length ? parts.join(", ") : "clean",
  };
}

/** Code-unit order of two strings. */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function strip(c: Counters): Counters {
  return { acquired: c.acquired, released: c.released, outstanding: c.outstanding };
}
