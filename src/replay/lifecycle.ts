/**
 * Handlers of the lifecycle ops: io_complete, syscall_return, async_return, kfree, vfree,
 * munmap, truncate, fork, splice_return and free.
 *
 * @module
 */
import type { OpNode } from "../trace/load.ts";
import { hex } from "../types.ts";
import { parseBig } from "../trace/num.ts";
import type { Handlers, OpCtx } from "./handler.ts";
import type { Var } from "./vars.ts";
import { retentionOf } from "./lists.ts";

/** The step at which each freed kernel region was freed (regions are per replay). */
const freedAt = new WeakMap<object, number>();

/** Handlers of I/O completion, returns and frees. */
export const LIFECYCLE_HANDLERS = {
  io_complete(r, a) {
    r.scope.variable(a.of, ["of"]);
    const v = r.scope.get(a.of);
    if (v?.type === "rdma" || v?.type === "mr") return;
    // a bio or an sg table carries the flag itself: no need to list its pages to set it
    if (v?.type === "bio") return void (v.bio.ioComplete = true);
    if (v?.type === "sgt") return void (v.sgt.ioComplete = true);
    const list = r.scope.listOf(a.of);
    if (!list) return r.error(`"${a.of}" does not describe extracted memory`, ["of"]);
    list.ioComplete = true;
  },
  syscall_return: (r, a, node) => returnOp(r, a, node, false),
  async_return: (r, a, node) => returnOp(r, a, node, true),
  kfree: (r, a, node) => freeRegion(r, a, node),
  vfree: (r, a, node) => freeRegion(r, a, node),
  munmap(r, a) {
    const reg = r.mem.regions.get(a.region);
    if (!reg) return r.error(`unknown region "${a.region}"`, ["region"]);
    if (reg.space !== "user") r.error(`"${a.region}" is not a user region`, ["region"]);
    // unmapping a range with nothing mapped is not an error (__vm_munmap returns 0)
    reg.alive = false;
  },
  truncate(r, a) {
    const file = r.mem.regions.get(a.file);
    if (!file || file.space !== "file") return r.error(`unknown file "${a.file}"`, ["file"]);
    const first = Math.ceil(a.size / r.mem.pageSize);
    for (const list of r.scope.lists()) {
      if (list.ioComplete || retentionOf(list) !== "none") continue;
      const hit = list.entries.find((e) => {
        const loc = r.mem.pageLoc(e.pfn);
        return loc?.region === file && loc.index >= first;
      });
      if (hit) {
        r.warn(
          "object_freed_while_extracted",
          { fn: "truncate", region: a.file, list: list.name },
          `truncate of "${a.file}" to ${hex(a.size)} drops ${
            r.mem.pageName(hit.pfn)
          } from the page cache while "${list.name}" (extracted at #${list.step}, no ref) is under I/O`,
          { cause: list.step, page: r.mem.pageName(hit.pfn) },
        );
      }
    }
  },
  fork(r) {
    for (const list of r.scope.lists()) {
      if (list.ioComplete || list.dir !== "dest") continue;
      const hits = list.entries.filter((e) => {
        const reg = r.mem.pageLoc(e.pfn)?.region;
        return !e.released && e.retention === "ref" && reg?.space === "user" && reg.kind === "anon";
      });
      const hit = hits[0];
      if (hit) {
        r.warn(
          "fork_under_dma_ref",
          { list: list.name, pages: hits.length },
          `fork while ${
            r.mem.pageName(hit.pfn)
          } of "${list.name}" is held by a plain ref (taken at #${list.step}) for a DMA read: COW gives the parent a new page and the data lands in the child's`,
          { cause: list.step, page: r.mem.pageName(hit.pfn) },
        );
      }
    }
  },
  splice_return(r, a, node) {
    const pipe = r.scope.pipes.get(a.pipe);
    if (!pipe) return r.error(`unknown pipe "${a.pipe}"`, ["pipe"]);
    const ret = Number(parseBig(a.ret) ?? 0n);
    let data = 0;
    for (let h = pipe.tail; h < pipe.head; h++) data += pipe.bufs.get(h)?.len ?? 0;
    if (pipe.claimStep !== undefined && ret >= 0 && data > ret) {
      r.warn(
        "pipe_premature_claim",
        { pipe: a.pipe, bytes: data - ret },
        `splice returns ${hex(ret)} but "${a.pipe}" holds ${hex(data)} bytes: ${
          hex(data - ret)
        } bytes claimed by get_pages at #${pipe.claimStep} were never written and readers will see them`,
        { cause: pipe.claimStep },
      );
    }
    pipe.unlockedAt = node.index;
    return ret;
  },
  free(r, a) {
    r.scope.variable(a.var, ["var"]);
    r.scope.free(a.var);
  },
} satisfies Partial<Handlers>;

function returnOp(r: OpCtx, a: { iters: string[] }, node: OpNode, async: boolean): void {
  for (const name of a.iters) {
    r.scope.returned(name, node.index, ["iters"]);
  }
  if (async) return;
  // only a completed list can warn, and a released bio holds nothing: the others' pages are
  // not listed (a bio's list is built page by page)
  const mayHold = (v: Var) =>
    v.type === "bio" ? v.bio.ioComplete && !v.bio.released : v.type !== "sgt" || v.sgt.ioComplete;
  for (const list of r.scope.lists(mayHold)) {
    const held = list.entries.filter((e) => !e.released && e.held && e.retention === "pin");
    if (held.length && list.ioComplete) {
      r.warn(
        "long_held_pin",
        { list: list.name, pages: held.length },
        `${held.length} page${
          held.length === 1 ? "" : "s"
        } of "${list.name}" still pinned (taken at #${list.step}) after the I/O completed and the syscall returned: extraction pins are not FOLL_LONGTERM`,
        { cause: list.step, page: r.mem.pageName(held[0].pfn) },
      );
    }
  }
}

function freeRegion(r: OpCtx, a: { region: string }, node: OpNode): void {
  const reg = r.mem.regions.get(a.region);
  if (!reg) return r.error(`unknown region "${a.region}"`, ["region"]);
  if (reg.space !== "kernel") r.error(`"${a.region}" is not a kernel region`, ["region"]);
  if (!reg.alive) {
    // kfree: set_freepointer() BUG_ON (SLAB_FREELIST_HARDENED) or KASAN double-free;
    // vfree: remove_vm_area() finds nothing, WARN and return
    const freed = freedAt.get(reg);
    const again = freed === undefined ? "" : ` (freed at #${freed})`;
    const detail = freed === undefined ? {} : { cause: freed };
    if (node.op === "vfree") {
      r.warn(
        "double_vfree",
        { region: a.region },
        `vfree of "${a.region}" again${again}: WARN "Trying to vfree() nonexistent vm area", nothing done`,
        detail,
      );
    } else {
      r.warn(
        "double_free",
        { region: a.region },
        `kfree of "${a.region}" again${again}: the object is already on the freelist (BUG with SLAB_FREELIST_HARDENED, KASAN double-free)`,
        detail,
      );
    }
    return;
  }
  reg.alive = false;
  freedAt.set(reg, node.index);
  for (const list of r.scope.lists()) {
    if (list.ioComplete) continue;
    const hit = list.entries.find((e) => !e.released && r.mem.pageLoc(e.pfn)?.region === reg);
    if (hit && retentionOf(list) !== "pin") {
      r.warn(
        "object_freed_while_extracted",
        { fn: node.op, region: a.region, list: list.name },
        `${node.op} of "${a.region}" while ${
          r.mem.pageName(hit.pfn)
        } is listed in "${list.name}" (extracted at #${list.step}, I/O not complete); extraction holds nothing`,
        { cause: list.step, page: r.mem.pageName(hit.pfn) },
      );
    }
  }
}
