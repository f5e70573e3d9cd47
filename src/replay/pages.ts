/**
 * Page lists and the ops that make and release them: iov_iter_get_pages2/_alloc2,
 * iov_iter_get_pages/_alloc (up to 5.19), iov_iter_extract_pages, unpin_user_page(s),
 * unpin_user_pages_dirty_lock, put_page; and the lifecycle ops io_complete,
 * syscall_return, async_return, kfree, vfree, munmap, truncate and fork.
 *
 * @module
 */
import type { Replay } from "./engine.ts";
import type { OpNode } from "../trace/load.ts";
import { iovIterExtractPages, iovIterGetPages } from "../model/extract.ts";
import { ZERO_PFN } from "../model/memory.ts";
import type { Direction, Pfn, Retention } from "../types.ts";
import { hex } from "../types.ts";
import type { Handler, Handlers } from "./handler.ts";
import { netfsExtractUserIter } from "../convert/netfs.ts";
import { iovIterBvec } from "../model/construct.ts";

/** One page of a list. */
export interface PageEntry {
  readonly pfn: Pfn;
  readonly retention: Retention;
  /** Whether a counted hold was taken (not for the zero page from 6.5, nor skipped slab). */
  readonly held: boolean;
  released: boolean;
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

/** Builds a page list from an extraction, taking its holds in the ledger. */
export function makeList(
  r: Replay,
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
  for (const e of entries) if (e.held) r.hold(e.retention as "pin" | "ref", e.pfn);
  // a hold on a page the list does not name (6.14's BVEC get_pages took every ref on the
  // first page's folio): counted, and nothing in the list will ever drop it
  for (const [pfn, n] of pending) {
    for (let k = 0; k < n; k++) r.hold(retention as "pin" | "ref", pfn);
  }
  return { name, entries, ...info, ioComplete: false };
}

/** Creates a page list variable from an extraction. */
export function addList(
  r: Replay,
  name: string,
  pfns: readonly Pfn[],
  holds: readonly Pfn[],
  retention: Retention,
  info: { offset0: number; bytes: number; dir: Direction; step: number },
  path: (string | number)[],
): PageList {
  const list = makeList(r, name, pfns, holds, retention, info);
  r.define(name, { type: "pages", list }, path);
  return list;
}

function extractOp(kind: "get2" | "get" | "extract"): Handler<"iov_iter_extract_pages"> {
  return (r, a, node) => {
    const it = r.iter(a.iter);
    const alloc = node.op.includes("_alloc");
    const maxpages = alloc ? 0x7fffffff : a.maxpages;
    const o = { maxsize: a.maxsize, maxpages, step: node.index };
    const res = kind === "extract"
      ? iovIterExtractPages(r.ctx, it, { ...o, p2pdma: (a.flags ?? []).includes("p2pdma") })
      : iovIterGetPages(r.ctx, it, { ...o, advance: kind === "get2" });
    addList(r, a.as, res.ret > 0 ? res.pfns : [], res.ret > 0 ? res.holds : [], res.retention, {
      offset0: res.offset0,
      bytes: Math.max(res.ret, 0),
      dir: it.dir,
      step: node.index,
    }, ["as"]);
    r.stepExtras.offset0 = res.offset0;
    return res.ret;
  };
}

type ReleaseKind = "unpin" | "unpin_dirty" | "put";

/** Selects the entries an op releases: `index`, `range: [from, to)`, or all. */
function select(
  r: Replay,
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
    r.variable(a.pages, ["pages"]);
    const list = r.listOf(a.pages);
    if (!list) {
      return r.error(`"${a.pages}" is not a page list or a BVEC made by netfs_extract_user_iter`, [
        "pages",
      ]);
    }
    const entries = select(r, list, a, single);
    const fn = node.op;
    const kinds = new Set(entries.map((e) => e.retention));
    if (kinds.size > 1) {
      r.warn(
        "mixed_retention",
        `${fn} over "${list.name}", which mixes ${
          [...kinds].sort().join(" and ")
        } pages: one release cannot be right for all`,
        { cause: list.step },
      );
    }
    const dirty = kind === "unpin_dirty" && a.dirty === true;
    let missingDirty = false;
    for (const e of entries) {
      const page = r.mem.pageName(e.pfn);
      const zero = e.pfn === ZERO_PFN && r.profile.has("zero_page_unpinned");
      // every unpin reaches gup_put_folio and its counter, pinned or not
      const unpinMiss = () => {
        if (kind !== "put" && !zero) r.ledger.countRelease("pin");
      };
      if (e.released) {
        unpinMiss();
        r.warn(
          kind === "put" ? "release_mismatch" : "double_unpin",
          `${fn}: ${page} of "${list.name}" was already released${
            kind === "put" ? "" : ": the pin count underflows"
          }`,
          { cause: list.step, page, ...(kind === "put" ? { severity: "bug" as const } : {}) },
        );
        continue;
      }
      e.released = true;
      if (kind === "put") {
        if (e.retention === "ref") {
          if (e.held) r.release("ref", e.pfn);
          else if (!slabRefIgnored(r, e.pfn) && !r.release("ref", e.pfn)) {
            r.warn(
              "release_mismatch",
              `put_page on ${page}, which no ref was taken on: its refcount underflows and the page is freed while still in use`,
              { cause: list.step, page, severity: "bug" },
            );
          }
        } else if (e.retention === "pin") {
          r.warn(
            "release_mismatch",
            `put_page on ${page}, pinned at #${list.step}: put_page drops a plain ref and the pin stays; unpin_user_page() releases it`,
            { cause: list.step, page },
          );
        } else {
          r.warn(
            "release_mismatch",
            `put_page on ${page}, which ${
              node.op === "put_page" ? "extraction" : "it"
            } did not reference (retention none): drops someone else's reference`,
            { cause: list.step, page },
          );
        }
        continue;
      }
      if (e.retention === "pin") {
        if (zero) continue;
        if (!e.held || !r.release("pin", e.pfn)) unpinMiss();
        if (list.dir === "dest" && list.ioComplete && !dirty) missingDirty = true;
      } else if (e.retention === "ref") {
        unpinMiss();
        r.warn(
          "release_mismatch",
          `${fn} on ${page}, which holds a plain ref from #${list.step}: subtracts GUP_PIN_COUNTING_BIAS from a refcount that never had it; put_page() releases it`,
          { cause: list.step, page },
        );
      } else {
        unpinMiss();
        r.warn(
          "unpin_not_pinned",
          `${fn} on ${page}, which extraction listed without a pin (retention none): the refcount underflows`,
          { cause: (e as { step?: number }).step ?? list.step, page },
        );
      }
    }
    if (missingDirty) {
      r.warn(
        "missing_dirty",
        `${fn}${
          kind === "unpin_dirty" ? " with dirty false" : ""
        } after DMA into "${list.name}" (a read, taken at #${list.step}): the pages are not marked dirty; use unpin_user_pages_dirty_lock(..., true)`,
        { cause: list.step },
      );
    }
  };
}

/** Handlers for page extraction, release and lifecycle ops. */
export const PAGE_OPS = {
  netfs_extract_user_iter(r, a, node) {
    const orig = r.iter(a.iter);
    const res = netfsExtractUserIter(r.ctx, orig, a.len, {
      p2pdma: (a.flags ?? []).includes("p2pdma"),
      step: node.index,
    });
    if (res.ret < 0) return res.ret;
    for (const p of res.leaked) r.hold("pin", p);
    const list = makeList(r, a.new, res.bvec.map((b) => b.pfn), res.recorded, "pin", {
      offset0: res.bvec[0]?.offset ?? 0,
      bytes: res.count,
      dir: orig.dir,
      step: node.index,
    });
    const bv = iovIterBvec({ name: a.new, task: orig.task, step: node.index }, orig.dir, res.bvec);
    bv.count = res.count;
    r.define(a.new, { type: "iter", iter: bv, list }, ["new"]);
    if (res.leaked.length) {
      r.warn(
        "pin_leak",
        `netfs_extract_user_iter dropped an extraction result: ${res.leaked.length} page${
          res.leaked.length === 1 ? "" : "s"
        } pinned but never recorded in "${a.new}" (the error is only logged)`,
        { cause: node.index, page: r.mem.pageName(res.leaked[0]) },
      );
    }
    return res.ret;
  },
  iov_iter_get_pages2: extractOp("get2"),
  iov_iter_get_pages_alloc2: extractOp("get2"),
  iov_iter_get_pages: extractOp("get"),
  iov_iter_get_pages_alloc: extractOp("get"),
  iov_iter_extract_pages: extractOp("extract"),
  unpin_user_page: releaseOp("unpin", true),
  unpin_user_pages: releaseOp("unpin", false),
  unpin_user_pages_dirty_lock: releaseOp("unpin_dirty", false),
  put_page: releaseOp("put", false),

  io_complete(r, a) {
    r.variable(a.of, ["of"]);
    const v = r.vars.get(a.of);
    if (v?.type === "rdma" || v?.type === "mr") return;
    const list = r.listOf(a.of);
    if (!list) return r.error(`"${a.of}" does not describe extracted memory`, ["of"]);
    list.ioComplete = true;
  },
  syscall_return: (r, a, node) => returnOp(r, a, node, false),
  async_return: (r, a, node) => returnOp(r, a, node, true),
  kfree: (r, a, node) => freeRegion(r, a, node),
  vfree: (r, a, node) => freeRegion(r, a, node),
  munmap(r, a) {
    const reg = r.mem.regions.get(a.region)!;
    if (reg.space !== "user") r.error(`"${a.region}" is not a user region`, ["region"]);
    reg.alive = false;
  },
  truncate(r, a, node) {
    const file = r.mem.regions.get(a.file);
    if (!file || file.space !== "file") return r.error(`unknown file "${a.file}"`, ["file"]);
    const first = Math.ceil(a.size / r.mem.pageSize);
    for (const list of r.lists()) {
      if (list.ioComplete || retentionOf(list) !== "none") continue;
      const hit = list.entries.find((e) => {
        const loc = r.mem.pageLoc(e.pfn);
        return loc?.region === file && loc.index >= first;
      });
      if (hit) {
        r.warn(
          "object_freed_while_extracted",
          `truncate of "${a.file}" to ${hex(a.size)} drops ${
            r.mem.pageName(hit.pfn)
          } from the page cache while "${list.name}" (extracted at #${list.step}, no ref) is under I/O`,
          { cause: list.step, page: r.mem.pageName(hit.pfn) },
        );
      }
    }
    void node;
  },
  fork(r) {
    for (const list of r.lists()) {
      if (list.ioComplete || list.dir !== "dest") continue;
      const hit = list.entries.find((e) => {
        const reg = r.mem.pageLoc(e.pfn)?.region;
        return !e.released && e.retention === "ref" && reg?.space === "user" && reg.kind === "anon";
      });
      if (hit) {
        r.warn(
          "fork_under_dma_ref",
          `fork while ${
            r.mem.pageName(hit.pfn)
          } of "${list.name}" is held by a plain ref (taken at #${list.step}) for a DMA read: COW gives the parent a new page and the data lands in the child's`,
          { cause: list.step, page: r.mem.pageName(hit.pfn) },
        );
      }
    }
  },
} satisfies Partial<Handlers>;

function returnOp(r: Replay, a: { iters: string[] }, node: OpNode, async: boolean): void {
  for (const name of a.iters) {
    r.iter(name, ["iters"]);
    r.dead.set(name, node.index);
  }
  if (async) return;
  for (const list of r.lists()) {
    const held = list.entries.filter((e) => !e.released && e.held && e.retention === "pin");
    if (held.length && list.ioComplete) {
      r.warn(
        "long_held_pin",
        `${held.length} page${
          held.length === 1 ? "" : "s"
        } of "${list.name}" still pinned (taken at #${list.step}) after the I/O completed and the syscall returned: extraction pins are not FOLL_LONGTERM`,
        { cause: list.step, page: r.mem.pageName(held[0].pfn) },
      );
    }
  }
}

function freeRegion(r: Replay, a: { region: string }, node: OpNode): void {
  const reg = r.mem.regions.get(a.region)!;
  if (reg.space !== "kernel") r.error(`"${a.region}" is not a kernel region`, ["region"]);
  reg.alive = false;
  for (const list of r.lists()) {
    if (list.ioComplete) continue;
    const hit = list.entries.find((e) => !e.released && r.mem.pageLoc(e.pfn)?.region === reg);
    if (hit && retentionOf(list) !== "pin") {
      r.warn(
        "object_freed_while_extracted",
        `${node.op} of "${a.region}" while ${
          r.mem.pageName(hit.pfn)
        } is listed in "${list.name}" (extracted at #${list.step}, I/O not complete); extraction holds nothing`,
        { cause: list.step, page: r.mem.pageName(hit.pfn) },
      );
    }
  }
}

/** put_page ignores slab pages once their refcount is frozen (slab_refcount_frozen). */
function slabRefIgnored(r: Replay, pfn: Pfn): boolean {
  if (!r.profile.has("slab_refcount_frozen")) return false;
  const reg = r.mem.pageLoc(pfn)?.region;
  return reg?.kind === "slab" || (reg?.kind === "kmalloc" && reg.size <= 2 * r.mem.pageSize);
}
