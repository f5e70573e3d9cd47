/**
 * The lab's world: a fresh simulated memory and model context built from a trace's header for
 * one era, with the trace's iterator constructors applied through the model's own constructor
 * functions (src/model/construct.ts). Each strategy runs in a world of its own, so one
 * strategy's pins, populated pages and pipe buffers never leak into another's numbers.
 *
 * @module
 */
import { Memory, type Region } from "../model/memory.ts";
import type { ModelCtx } from "../model/ctx.ts";
import type { IovIter } from "../model/iter.ts";
import {
  importIovec,
  iovIterBvec,
  iovIterBvecQueue,
  iovIterDiscard,
  iovIterFolioQueue,
  iovIterInit,
  iovIterKvec,
  iovIterPipe,
  iovIterUbuf,
  iovIterXarray,
  type IterOrigin,
  ubufNrSegs,
} from "../model/construct.ts";
import {
  iovIterAdvance,
  iovIterReexpand,
  iovIterRevert,
  iovIterTruncate,
} from "../model/advance.ts";
import { newPipe, type Pipe } from "../model/pipe.ts";
import { type KernelProfile, kernelProfile } from "../profile.ts";
import { makeWarning, type Warning } from "../check/warnings.ts";
import type { LoadedHeader, OpNode } from "../trace/load.ts";
import { memorySpec } from "../trace/memory_spec.ts";
import { parsePageExpr } from "../trace/num.ts";
import { Resolver } from "../trace/resolve.ts";
import { DmaMapper } from "../convert/dma.ts";
import type { Pfn } from "../types.ts";

/** A warning a strategy raised: a code of the project's catalogue (no step: the lab has none). */
export type LabWarning = Warning;

/** One strategy's world. */
export interface World {
  readonly profile: KernelProfile;
  readonly mem: Memory;
  readonly ctx: ModelCtx;
  readonly dma: DmaMapper;
  readonly iters: Map<string, IovIter>;
  readonly pipes: Map<string, Pipe>;
  readonly warnings: LabWarning[];
  /** The mm user addresses resolve in when nothing names one: the trace's first task's. */
  readonly defaultTask: string;
}

/** A setup problem: the trace names something the world does not have. */
export class LabSetupError extends RangeError {
  constructor(readonly file: string, readonly line: number, message: string) {
    super(message);
  }
}

/** Builds an empty world for `era` from the trace's memory section. */
export function newWorld(h: LoadedHeader, era: string): World {
  const profile = kernelProfile(era, h.header.page_size);
  const spec = memorySpec(h.header);
  const mem = new Memory(spec, h.header.page_size);
  const warnings: LabWarning[] = [];
  const ctx: ModelCtx = {
    mem,
    profile,
    faults: [],
    warn(code, fields, message, detail) {
      warnings.push(makeWarning(code, fields, message, undefined, detail));
    },
  };
  const pipes = new Map<string, Pipe>();
  for (const p of mem.pipes.values()) pipes.set(p.name, newPipe(p.name, p.max_usage));
  return {
    profile,
    mem,
    ctx,
    dma: new DmaMapper(h.header.dma.iommu, h.header.page_size),
    iters: new Map(),
    pipes,
    warnings,
    defaultTask: spec.tasks[0]?.name ?? "task",
  };
}

/** Ops the lab applies to build the workload's source iterators. */
export const SETUP_OPS: ReadonlySet<string> = new Set([
  "iov_iter_ubuf",
  "iov_iter_init",
  "import_iovec",
  "iov_iter_kvec",
  "iov_iter_bvec",
  "iov_iter_xarray",
  "iov_iter_folio_queue",
  "iov_iter_bvec_queue",
  "iov_iter_discard",
  "iov_iter_pipe",
  "iov_iter_advance",
  "iov_iter_revert",
  "iov_iter_truncate",
  "iov_iter_reexpand",
  "fault_inject",
]);

// deno-lint-ignore no-explicit-any
type Args = any;

/** Applies one setup op (a member of {@link SETUP_OPS}) to the world. */
export function applySetup(w: World, file: string, node: OpNode): void {
  const a: Args = node.args;
  const fail = (msg: string): never => {
    throw new LabSetupError(file, node.line, `${node.op}: ${msg}`);
  };
  const at = new Resolver(w.mem, fail, w.defaultTask);
  const vaddr = (v: unknown): bigint => at.vaddr(v, []);
  // user addresses resolve in the task whose region the first address names, as in replay
  const first = a.addr ?? a.iov?.[0]?.base ?? a.kvec?.[0]?.base;
  const o: IterOrigin = {
    name: a.iter,
    task: first === undefined ? w.defaultTask : at.taskOf(first),
    step: node.index,
  };
  const segs = (list: { base: unknown; len: number }[]) =>
    list.map((s) => ({ base: vaddr(s.base), len: s.len }));
  const iter = (name: string): IovIter => w.iters.get(name) ?? fail(`unknown iterator "${name}"`);
  const fileOf = (name: string): Region => {
    const r = w.mem.regions.get(name);
    return r ?? fail(`unknown region or file "${name}"`);
  };
  switch (node.op) {
    case "iov_iter_ubuf":
      w.iters.set(a.iter, iovIterUbuf(o, a.dir, vaddr(a.addr), a.len, ubufNrSegs(w.ctx)));
      return;
    case "iov_iter_init":
      w.iters.set(a.iter, iovIterInit(o, a.dir, segs(a.iov)));
      return;
    case "import_iovec": {
      const r = importIovec(w.ctx, o, a.dir, segs(a.iov));
      if ("errno" in r) return fail(`returned ${r.errno}`);
      w.iters.set(a.iter, r.iter);
      return;
    }
    case "iov_iter_kvec":
      w.iters.set(a.iter, iovIterKvec(o, a.dir, segs(a.kvec)));
      return;
    case "iov_iter_bvec": {
      const bv = (a.bvec as { page: unknown; offset: number; len: number }[]).map((b) => ({
        pfn: pageOf(w, b.page) ?? fail(`unknown page ${JSON.stringify(b.page)}`),
        offset: b.offset,
        len: b.len,
      }));
      w.iters.set(a.iter, iovIterBvec(o, a.dir, bv));
      return;
    }
    case "iov_iter_xarray": {
      const f = fileOf(a.file);
      if (f.space !== "file") return fail(`"${a.file}" is not a file`);
      w.iters.set(a.iter, iovIterXarray(o, a.dir, f, a.start, a.count));
      return;
    }
    case "iov_iter_folio_queue":
      w.iters.set(
        a.iter,
        iovIterFolioQueue(w.ctx, o, a.dir, fileOf(a.folios), {
          slot: a.slot,
          offset: a.offset,
          count: a.count,
          slotsPerSegment: a.slots_per_segment,
        }),
      );
      return;
    case "iov_iter_bvec_queue": {
      const queue = (a.queue as {
        bvec: { page?: unknown; offset: number; len: number }[];
        free: boolean;
        unpin: boolean;
      }[]).map((q) => ({
        free: q.free,
        unpin: q.unpin,
        bvec: q.bvec.map((b) => ({
          pfn: b.page === undefined
            ? undefined
            : pageOf(w, b.page) ?? fail(`unknown page ${JSON.stringify(b.page)}`),
          offset: b.offset,
          len: b.len,
        })),
      }));
      w.iters.set(a.iter, iovIterBvecQueue(o, a.dir, queue, a.slot, a.offset, a.count));
      return;
    }
    case "iov_iter_discard":
      w.iters.set(a.iter, iovIterDiscard(o, a.count));
      return;
    case "iov_iter_pipe": {
      const pipe = w.pipes.get(a.pipe) ?? fail(`unknown pipe "${a.pipe}"`);
      w.iters.set(a.iter, iovIterPipe(o, pipe, a.count));
      return;
    }
    case "iov_iter_advance":
      iovIterAdvance(w.ctx, iter(a.iter), a.bytes);
      return;
    case "iov_iter_revert":
      iovIterRevert(w.ctx, iter(a.iter), a.bytes);
      return;
    case "iov_iter_truncate":
      iovIterTruncate(iter(a.iter), a.count);
      return;
    case "iov_iter_reexpand":
      iovIterReexpand(iter(a.iter), a.count);
      return;
    case "fault_inject": {
      const start = vaddr(a.at);
      w.ctx.faults.push({ start, end: start + BigInt(a.len) });
      return;
    }
  }
  fail("not a setup op");
}

/** Resolves a page reference (`region[i]`, `{pfn}`) to a pfn. */
export function pageOf(w: World, v: unknown): Pfn | undefined {
  const p = parsePageExpr(v);
  if (!p) return undefined;
  if ("pfn" in p) return p.pfn;
  if ("alloc" in p) return undefined;
  const r = w.mem.regions.get(p.region);
  if (!r || p.index >= r.npages) return undefined;
  const pfn = r.pfnOf(p.index);
  return pfn < 0 ? undefined : pfn;
}

/** A page's trace name, or the pfn in hex when it has none. */
export function pageLabel(w: World, pfn: Pfn): string {
  return pfn < 0 ? "(no page)" : w.mem.pageName(pfn);
}
