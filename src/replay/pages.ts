/**
 * Page lists and the ops that make and release them: iov_iter_get_pages2/_alloc2,
 * iov_iter_get_pages/_alloc (up to 5.19), iov_iter_extract_pages, unpin_user_page(s),
 * unpin_user_pages_dirty_lock, put_page, netfs_extract_user_iter.
 *
 * @module
 */
import { type Extraction, iovIterExtractPages, iovIterGetPages } from "../model/extract.ts";
import type { IovIter } from "../model/iter.ts";
import { ZERO_PFN } from "../model/memory.ts";
import type { Direction, Pfn, Retention } from "../types.ts";
import type { Handler, Handlers, OpCtx } from "./handler.ts";
import { type ListedPages, makeList, type PageList } from "./lists.ts";
import { netfsExtractUserIter } from "../convert/netfs.ts";
import { iovIterBvecRuns } from "../model/construct.ts";

/** Creates a page list variable from an extraction. */
export function addList(
  r: OpCtx,
  name: string,
  pages: ListedPages,
  retention: Retention,
  info: { offset0: number; bytes: number; dir: Direction; step: number },
  path: (string | number)[],
): PageList {
  const list = makeList(r.holds, name, pages, retention, info);
  r.scope.define(name, { type: "pages", list }, path);
  return list;
}

/**
 * The handler of one extraction op; `alloc`: the _alloc variant, which sizes the array itself
 * (no maxpages). Each call builds its options in one literal (no spread): the op runs once per
 * segment of a large direct I/O.
 */
function extractOp(
  kind: "get2" | "get" | "extract",
  alloc = false,
): Handler<"iov_iter_extract_pages"> {
  return (r, a, node) => {
    const it = r.scope.iter(a.iter);
    const maxpages = alloc ? 0x7fffffff : a.maxpages;
    const res = kind === "extract"
      ? iovIterExtractPages(r.model, it, {
        maxsize: a.maxsize,
        maxpages,
        step: node.index,
        p2pdma: a.flags !== undefined && a.flags.includes("p2pdma"),
        alloc: a.alloc === true,
      })
      : iovIterGetPages(r.model, it, {
        maxsize: a.maxsize,
        maxpages,
        step: node.index,
        advance: kind === "get2",
      });
    return extracted(r, a.as, it, res, node.index);
  };
}

/**
 * Defines the page list `as` from an extraction of `it` (empty when it failed) and reports
 * its offset0; returns the extraction's return value.
 */
export function extracted(
  r: OpCtx,
  as: string,
  it: IovIter,
  res: Extraction,
  step: number,
): number {
  // the holds count even when nothing is returned: a BVEC get_pages on an empty bvec that
  // starts mid-page takes a ref on that page and returns 0 (6.12 __iov_iter_get_pages_alloc:
  // want_pages_array(0 bytes, start > 0) is 1 page), and no caller puts it
  // read lazily: an extraction given as runs builds its page arrays only if they are needed
  addList(r, as, new Listed(res), res.retention, {
    offset0: res.offset0,
    bytes: Math.max(res.ret, 0),
    dir: it.dir,
    step,
  }, ["as"]);
  r.out.offset0 = res.offset0;
  return res.ret;
}

/** An extraction's pages as a list takes them (a class: see StoredList in lists.ts). */
class Listed implements ListedPages {
  readonly runs: ListedPages["runs"];
  constructor(private readonly res: Extraction) {
    this.runs = res.ret > 0 ? res.runs : undefined;
  }
  get pfns(): readonly Pfn[] {
    return this.res.ret > 0 ? this.res.pfns : [];
  }
  get holds(): readonly Pfn[] {
    return this.res.holds;
  }
}

type ReleaseKind = "unpin" | "unpin_dirty" | "put";

/** Selects the entries an op releases: `index`, `range: [from, to)`, or all. */
function select(
  r: OpCtx,
  list: PageList,
  a: { index?: number; range?: [number, number] },
  single: boolean,
) {
  const n = list.entries.length;
  if (a.index !== undefined) {
    if (a.index >= n) r.error(`"${list.name}" has ${n} pages, no index ${a.index}`, ["index"]);
    return [list.entries[a.index]];
  }
  if (a.range) {
    const [from, to] = a.range;
    if (from > to || to > n) {
      r.error(`range [${from}, ${to}) is outside "${list.name}" (${n} pages)`, ["range"]);
    }
    return list.entries.slice(from, to);
  }
  if (single && n !== 1) r.error(`"${list.name}" has ${n} pages: say which with index`, ["pages"]);
  return list.entries;
}

function releaseOp(kind: ReleaseKind, single: boolean): Handler<"unpin_user_pages"> {
  return (r, a, node) => {
    r.scope.variable(a.pages, ["pages"]);
    const list = r.scope.listOf(a.pages);
    if (!list) {
      return r.error(`"${a.pages}" is not a page list or a BVEC made by netfs_extract_user_iter`, [
        "pages",
      ]);
    }
    const fn = node.op;
    const dirty = kind === "unpin_dirty" && a.dirty === true;
    if (kind !== "put" && a.index === undefined && !a.range && !single && unpinRuns(r, list)) {
      if (list.dir === "dest" && list.ioComplete && !dirty) missingDirtyWarning(r, fn, kind, list);
      return;
    }
    const entries = select(r, list, a, single);
    const kinds = new Set(entries.map((e) => e.retention));
    if (kinds.size > 1) {
      r.warn(
        "mixed_retention",
        { fn, list: list.name },
        `${fn} over "${list.name}", which mixes ${
          [...kinds].sort().join(" and ")
        } pages: one release cannot be right for all`,
        { cause: list.step },
      );
    }
    let missingDirty = false;
    for (const e of entries) {
      let name: string | undefined;
      const pg = () => name ??= r.mem.pageName(e.pfn);
      const zero = e.pfn === ZERO_PFN && r.profile.has("zero_page_unpinned");
      // every unpin reaches gup_put_folio and its counter, pinned or not
      const unpinMiss = () => {
        if (kind !== "put" && !zero) r.holds.miss("pin");
      };
      if (e.released) {
        unpinMiss();
        const again = `${fn}: ${pg()} of "${list.name}" was already released`;
        const detail = { cause: list.step, page: pg() };
        if (kind === "put") r.warn("ref_underflow", { fn, list: list.name }, again, detail);
        else {
          r.warn(
            "double_unpin",
            { fn, list: list.name },
            `${again}: the pin count underflows`,
            detail,
          );
        }
        continue;
      }
      e.released = true;
      if (kind === "put") {
        if (e.retention === "ref") {
          if (e.held) r.holds.drop("ref", e.pfn);
          else if (!slabRefIgnored(r, e.pfn) && !r.holds.drop("ref", e.pfn)) {
            r.warn(
              "ref_underflow",
              { fn, list: list.name },
              `put_page on ${pg()}, which no ref was taken on: its refcount underflows and the page is freed while still in use`,
              { cause: list.step, page: pg() },
            );
          }
        } else if (e.retention === "pin") {
          r.warn(
            "release_mismatch",
            { fn, list: list.name, held: "pin", release: "put" },
            `put_page on ${pg()}, pinned at #${list.step}: put_page drops a plain ref and the pin stays; unpin_user_page() releases it`,
            { cause: list.step, page: pg() },
          );
        } else {
          r.warn(
            "release_mismatch",
            { fn, list: list.name, held: "none", release: "put" },
            `put_page on ${pg()}, which ${
              node.op === "put_page" ? "extraction" : "it"
            } did not reference (retention none): drops someone else's reference`,
            { cause: list.step, page: pg() },
          );
        }
        continue;
      }
      if (e.retention === "pin") {
        if (zero) continue;
        if (!e.held || !r.holds.drop("pin", e.pfn)) unpinMiss();
        if (list.dir === "dest" && list.ioComplete && !dirty) missingDirty = true;
      } else if (e.retention === "ref") {
        unpinMiss();
        r.warn(
          "release_mismatch",
          { fn, list: list.name, held: "ref", release: "unpin" },
          `${fn} on ${pg()}, which holds a plain ref from #${list.step}: subtracts GUP_PIN_COUNTING_BIAS from a refcount that never had it; put_page() releases it`,
          { cause: list.step, page: pg() },
        );
      } else {
        unpinMiss();
        r.warn(
          "unpin_not_pinned",
          { fn, list: list.name },
          `${fn} on ${pg()}, which extraction listed without a pin (retention none): the refcount underflows`,
          { cause: e.step ?? list.step, page: pg() },
        );
      }
    }
    if (missingDirty) missingDirtyWarning(r, fn, kind, list);
  };
}

function missingDirtyWarning(r: OpCtx, fn: string, kind: ReleaseKind, list: PageList): void {
  r.warn(
    "missing_dirty",
    { fn, list: list.name },
    `${fn}${
      kind === "unpin_dirty" ? " with dirty false" : ""
    } after DMA into "${list.name}" (a read, taken at #${list.step}): the pages are not marked dirty; use unpin_user_pages_dirty_lock(..., true)`,
    { cause: list.step },
  );
}

/**
 * Unpins a whole list run by run when every run is pinned pages not yet released (and not the
 * zero page): what the per-page loop does for such entries, without a warning to order, so
 * one ledger update per run. Returns false, doing nothing, when the list is not run-encoded
 * or a run needs the per-page path.
 */
function unpinRuns(r: OpCtx, list: PageList): boolean {
  const runs = list.runs?.();
  if (!runs?.length) return false;
  // indexed loops: one release per extracted segment, mostly before V8 optimizes this
  for (let i = 0; i < runs.length; i++) {
    const { tmpl, n } = runs[i];
    if (tmpl.retention !== "pin" || tmpl.released) return false;
    if (tmpl.pfn <= ZERO_PFN && ZERO_PFN < tmpl.pfn + n) return false;
  }
  for (let i = 0; i < runs.length; i++) {
    const { tmpl, n } = runs[i];
    (tmpl as { released: boolean }).released = true;
    const dropped = tmpl.held ? r.holds.dropRun("pin", tmpl.pfn, n) : 0;
    // every unpin reaches gup_put_folio and its counter, pinned or not
    for (let k = dropped; k < n; k++) r.holds.miss("pin");
  }
  return true;
}

/** Handlers of page extraction and release. */
export const PAGE_HANDLERS = {
  netfs_extract_user_iter(r, a, node) {
    const orig = r.scope.iter(a.iter);
    const res = netfsExtractUserIter(r.model, orig, a.len, {
      p2pdma: (a.flags ?? []).includes("p2pdma"),
      step: node.index,
    });
    if (res.ret < 0) return res.ret;
    for (const p of res.leaked) r.holds.take("pin", p);
    // the bvecs' pages, read from the runs unless something needs them one by one
    const pages: ListedPages = {
      get pfns() {
        return res.bvec.map((b) => b.pfn);
      },
      get holds() {
        return res.recorded;
      },
      runs: res.runs,
    };
    const list = makeList(r.holds, a.new, pages, "pin", {
      offset0: res.bvecRuns.at(0)?.offset ?? 0,
      bytes: res.count,
      dir: orig.dir,
      step: node.index,
    });
    const o = { name: a.new, task: orig.task, step: node.index };
    const bv = iovIterBvecRuns(o, orig.dir, res.bvecRuns, res.count);
    r.scope.define(a.new, { type: "iter", iter: bv, list }, ["new"]);
    if (res.leaked.length) {
      r.warn(
        "pin_leak",
        { pages: res.leaked.length },
        `netfs_extract_user_iter dropped an extraction result: ${res.leaked.length} page${
          res.leaked.length === 1 ? "" : "s"
        } pinned but never recorded in "${a.new}" (the error is only logged)`,
        { cause: node.index, page: r.mem.pageName(res.leaked[0]) },
      );
    }
    return res.ret;
  },
  iov_iter_get_pages2: extractOp("get2"),
  iov_iter_get_pages_alloc2: extractOp("get2", true),
  iov_iter_get_pages: extractOp("get"),
  iov_iter_get_pages_alloc: extractOp("get", true),
  iov_iter_extract_pages: extractOp("extract"),
  unpin_user_page: releaseOp("unpin", true),
  unpin_user_pages: releaseOp("unpin", false),
  unpin_user_pages_dirty_lock: releaseOp("unpin_dirty", false),
  put_page: releaseOp("put", false),
} satisfies Partial<Handlers>;

/** put_page ignores slab pages once their refcount is frozen (slab_refcount_frozen). */
function slabRefIgnored(r: OpCtx, pfn: Pfn): boolean {
  if (!r.profile.has("slab_refcount_frozen")) return false;
  const reg = r.mem.pageLoc(pfn)?.region;
  return reg?.kind === "slab" || (reg?.kind === "kmalloc" && reg.size <= 2 * r.mem.pageSize);
}
