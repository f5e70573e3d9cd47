/**
 * Page lists: the pages an op took (a page array, or the pages behind a BVEC, an sg table or
 * a bio), which the release ops and the hazard checks walk.
 *
 * @module
 */
import type { Direction, Pfn, Retention } from "../types.ts";
import type { SgTable } from "../convert/sg.ts";
import { type Bio, spanned } from "../convert/bio.ts";
import { consecutive, type EntryRun, EntryRuns } from "../model/entry_runs.ts";
import type { Holds } from "../convert/holds.ts";
import type { PfnRun } from "../model/pfn_runs.ts";

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
  /**
   * The entries as runs of consecutive pages listed alike, while nothing has expanded them
   * (reading `entries` does); release works on them without building an object per page.
   */
  readonly runs?: () => readonly EntryRun<PageEntry>[] | undefined;
}

/** Whether two page entries agree in everything but the page. */
function entryAlike(a: PageEntry, b: PageEntry): boolean {
  return a.retention === b.retention && a.held === b.held && a.released === b.released &&
    a.step === b.step;
}

/** Attaches `runs` to a list without making it part of what prints or compares. */
function withRuns(list: PageList, runs: () => readonly EntryRun<PageEntry>[] | undefined) {
  Object.defineProperty(list, "runs", { value: runs, enumerable: false });
  return list;
}

/** The retention of a list's pages (lists are uniform). */
export function retentionOf(list: PageList): Retention {
  return list.entries[0]?.retention ?? "none";
}

/** The pages an extraction listed, the pages it held, and (when they agree) both as runs. */
export interface ListedPages {
  readonly pfns: readonly Pfn[];
  readonly holds: readonly Pfn[];
  /** Given when `holds` lists exactly `pfns`: the pages as runs of consecutive pfns. */
  readonly runs?: readonly PfnRun[];
}

/** Builds a page list from an extraction, taking its holds through `holds`. */
export function makeList(
  holds: Pick<Holds, "take" | "takeRun">,
  name: string,
  pages: ListedPages,
  retention: Retention,
  info: { offset0: number; bytes: number; dir: Direction; step: number },
): PageList {
  const store = new EntryRuns<PageEntry>(entryAlike);
  if (store.runs() && pages.runs && retention !== "none") {
    // every page held once, in order: one entry run and one ledger update per run
    for (const r of pages.runs) {
      store.push({ pfn: r.first, retention, held: true, released: false }, r.n);
      holds.takeRun(retention, r.first, r.n);
    }
  } else if (
    store.runs() && pages.pfns.length && sameList(pages.pfns, pages.holds) &&
    retention !== "none"
  ) {
    const pfns = pages.pfns;
    consecutive(pfns, (k, n) => {
      store.push({ pfn: pfns[k], retention, held: true, released: false }, n);
      holds.takeRun(retention, pfns[k], n);
    });
  } else {
    const pending = new Map<Pfn, number>();
    for (const p of pages.holds) pending.set(p, (pending.get(p) ?? 0) + 1);
    const entries: PageEntry[] = pages.pfns.map((pfn) => {
      const n = pending.get(pfn) ?? 0;
      if (n) pending.set(pfn, n - 1);
      return { pfn, retention, held: n > 0, released: false };
    });
    for (const e of entries) if (e.held) holds.take(e.retention as "pin" | "ref", e.pfn);
    // a hold on a page the list does not name (6.14's BVEC get_pages took every ref on the
    // first page's folio): counted, and nothing in the list will ever drop it
    for (const [pfn, n] of pending) {
      for (let k = 0; k < n; k++) holds.take(retention as "pin" | "ref", pfn);
    }
    store.array().push(...entries);
  }
  return new StoredList(name, store, info);
}

/**
 * A page list over its EntryRuns store: `entries` and `runs` live on the prototype, so they
 * neither print nor compare, and making one costs a constructor call (an object literal with
 * a getter is built through V8's runtime, about a microsecond, once per extraction).
 */
class StoredList implements PageList {
  readonly offset0: number;
  readonly bytes: number;
  readonly step: number;
  readonly dir: Direction;
  ioComplete = false;
  constructor(
    readonly name: string,
    private readonly store: EntryRuns<PageEntry>,
    info: { offset0: number; bytes: number; dir: Direction; step: number },
  ) {
    this.offset0 = info.offset0;
    this.bytes = info.bytes;
    this.step = info.step;
    this.dir = info.dir;
  }
  get entries(): PageEntry[] {
    return this.store.array();
  }
  runs(): readonly EntryRun<PageEntry>[] | undefined {
    return this.store.runs();
  }
}

/** Whether two page arrays list the same pages in the same order. */
function sameList(a: readonly Pfn[], b: readonly Pfn[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** An sg table's entries in use, as a page list (completion marks the table). */
export function sgtList(name: string, t: SgTable): PageList {
  let entries: PageEntry[] | undefined;
  return withRuns({
    name,
    get entries() {
      return entries ??= t.entries.slice(0, t.nents);
    },
    // the first entry's offset, read from the runs while they are runs
    offset0: (t.runs?.runs()?.[0]?.tmpl ?? t.entries[0])?.offset ?? 0,
    bytes: 0,
    step: t.step,
    dir: t.dir ?? "dest",
    get ioComplete() {
      return t.ioComplete;
    },
    set ioComplete(x: boolean) {
      t.ioComplete = x;
    },
  }, () => entries || t.runs?.length !== t.nents ? undefined : t.runs.runs());
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
