/**
 * The pin ledger: FOLL_PIN pins and FOLL_GET refs taken by traced ops, per page, with the
 * step that took each, after mm/gup.c (try_grab_folio, gup_put_folio) and include/linux/mm.h.
 * Counting follows nr_foll_pin_acquired/released: one per page, the zero page not counted
 * from 6.5 (profile row zero_page_unpinned).
 *
 * @module
 */
import type { Pfn } from "../types.ts";
import { GUP_PIN_COUNTING_BIAS } from "../profile.ts";
import { HoldRuns } from "./pin_runs.ts";
import type { PfnRun } from "./pfn_runs.ts";

/** One outstanding hold on a page. */
export interface Hold {
  readonly pfn: Pfn;
  readonly kind: "pin" | "ref";
  readonly step: number;
}

/** Acquired/released counters of one kind. */
export interface LedgerCounters {
  acquired: number;
  released: number;
}

/**
 * Pins and refs per page. Mutable; the replay owns one. Holds are kept as runs of pages held
 * alike (pin_runs.ts): memory follows what is held, not how many pages were walked.
 */
export class PinLedger {
  private readonly held = { pin: new HoldRuns(), ref: new HoldRuns() };
  readonly pins: LedgerCounters = { acquired: 0, released: 0 };
  readonly refs: LedgerCounters = { acquired: 0, released: 0 };

  /** Takes a hold on a page at `step`. */
  take(kind: "pin" | "ref", pfn: Pfn, step: number): void {
    this.takeRun(kind, pfn, 1, step);
  }

  /** Takes a hold at `step` on each of `n` consecutive pages from `first`. */
  takeRun(kind: "pin" | "ref", first: Pfn, n: number, step: number): void {
    if (n <= 0) return;
    this.held[kind].add(first, n, step);
    this.counters(kind).acquired += n;
  }

  /** Drops one hold of `kind` on a page; false when none is outstanding. */
  drop(kind: "pin" | "ref", pfn: Pfn): boolean {
    return this.dropRun(kind, pfn, 1) === 1;
  }

  /**
   * Drops the oldest hold of `kind` on each of `n` consecutive pages from `first` that has
   * one; returns how many were dropped (the others had none, and `onMiss` is told of them in
   * pfn order).
   */
  dropRun(
    kind: "pin" | "ref",
    first: Pfn,
    n: number,
    onMiss?: (first: Pfn, n: number) => void,
  ): number {
    if (n <= 0) return 0;
    const dropped = this.held[kind].remove(first, n, onMiss);
    this.counters(kind).released += dropped;
    return dropped;
  }

  /**
   * Takes a hold at `step` on each page of `runs` in order, then drops one hold on each page of
   * `drops` (every one a page these runs took), leaving what as many take() and drop() calls
   * leave, a run at a time. A page that held nothing before ends with the holds taken less
   * those given back, all taken at this step: its drops cancel takes instead (and are counted
   * as both). A page held before loses its oldest holds, which are not this step's: those
   * drops are made.
   */
  takeThenDrop(
    kind: "pin" | "ref",
    runs: readonly PfnRun[],
    drops: readonly Pfn[],
    step: number,
  ): void {
    // the runs as numbers, cut by the cancelled takes in place (the runs given are not ours)
    const net = NET, firsts = net.firsts, ns = net.ns;
    net.len = 0;
    for (const r of runs) {
      firsts[net.len] = r.first;
      ns[net.len++] = r.n;
    }
    let made: Pfn[] | undefined;
    if (drops.length) {
      let cancelled = 0, from = 0;
      for (const p of drops) {
        const at = this.count(kind, p) === 0 ? cancelTake(net, p, from) : -1;
        if (at >= 0) cancelled++, from = at;
        else (made ??= []).push(p);
      }
      const c = this.counters(kind);
      c.acquired += cancelled;
      c.released += cancelled;
    }
    let first = 0, n = 0;
    for (let i = 0; i < net.len; i++) {
      if (n && first + n === firsts[i]) n += ns[i];
      else {
        if (n) this.takeRun(kind, first, n, step);
        first = firsts[i];
        n = ns[i];
      }
    }
    if (n) this.takeRun(kind, first, n, step);
    if (made) { for (const p of made) this.drop(kind, p); }
  }

  /**
   * Counts a release that matched no hold, as the kernel's counter does: gup_put_folio()
   * adds to nr_foll_pin_released on every unpin, pinned or not.
   */
  countRelease(kind: "pin" | "ref", n = 1): void {
    this.counters(kind).released += n;
  }

  /** Outstanding holds of `kind` in all. */
  total(kind: "pin" | "ref"): number {
    return this.held[kind].total;
  }

  /** Outstanding holds of `kind` on a page. */
  count(kind: "pin" | "ref", pfn: Pfn): number {
    return this.held[kind].count(pfn);
  }

  /** Counters of a kind. */
  counters(kind: "pin" | "ref"): LedgerCounters {
    return kind === "pin" ? this.pins : this.refs;
  }

  /** Every outstanding hold of `kind`, ordered by pfn then step. */
  outstanding(kind: "pin" | "ref"): Hold[] {
    const out: Hold[] = [];
    for (const { pfn, steps } of this.held[kind].pages()) {
      for (const step of steps) out.push({ pfn, kind, step });
    }
    return out;
  }

  /**
   * The folio's refcount and _pincount contributions from traced holds: a small folio's pin
   * adds GUP_PIN_COUNTING_BIAS to the refcount, a large folio's adds 1 to both.
   */
  folioCounts(pfns: readonly Pfn[], large: boolean): { refcount: number; pincount: number } {
    let pins = 0, refs = 0;
    for (const p of pfns) {
      pins += this.count("pin", p);
      refs += this.count("ref", p);
    }
    return large
      ? { refcount: refs + pins, pincount: pins }
      : { refcount: refs + pins * GUP_PIN_COUNTING_BIAS, pincount: 0 };
  }

  /**
   * folio_maybe_dma_pinned(): exact for large folios (_pincount > 0); for small ones
   * refcount >= GUP_PIN_COUNTING_BIAS, which 1024 plain refs also satisfy.
   */
  maybeDmaPinned(pfns: readonly Pfn[], large: boolean, baseRefcount = 1): boolean {
    const c = this.folioCounts(pfns, large);
    return large ? c.pincount > 0 : c.refcount + baseRefcount >= GUP_PIN_COUNTING_BIAS;
  }
}

/**
 * takeThenDrop's runs as numbers (first pfns and page counts), the first `len` of each array,
 * reused from call to call: the ledger calls nothing that comes back into takeThenDrop while
 * it reads them. A count rather than `length = 0`, which frees the arrays' storage (V8) and
 * made each call allocate it again.
 */
const NET = { firsts: [] as Pfn[], ns: [] as number[], len: 0 };

/**
 * Takes page `p` out of one of the runs (`firsts[i]`, `ns[i]` pages), looking from run `from`
 * on first (a call gives pages back in the order it took them, so the run is seldom before the
 * last one found); returns the index of the run it was taken from, or -1 when none holds it.
 */
function cancelTake(net: typeof NET, p: Pfn, from: number): number {
  const { firsts, ns, len } = net;
  let i = from;
  while (i < len && !(firsts[i] <= p && p < firsts[i] + ns[i])) i++;
  if (i === len) {
    i = 0;
    while (i < from && !(firsts[i] <= p && p < firsts[i] + ns[i])) i++;
    if (i === from) return -1;
  }
  const f = firsts[i], n = ns[i];
  if (p === f) {
    firsts[i] = p + 1;
    ns[i] = n - 1;
  } else if (p === f + n - 1) ns[i] = n - 1;
  else {
    // the run is cut in two around p
    for (let k = len; k > i + 1; k--) {
      firsts[k] = firsts[k - 1];
      ns[k] = ns[k - 1];
    }
    ns[i] = p - f;
    firsts[i + 1] = p + 1;
    ns[i + 1] = f + n - p - 1;
    net.len = len + 1;
  }
  return i;
}
