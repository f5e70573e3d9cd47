/**
 * The trace's ops as kernel calls: one entry per op name, writing the C call and the
 * expectations on its direct results (return value, iterator, page array, sg table) from the
 * model's state after the step. Memory and folio expectations are added by the case writer
 * for every op. The table is keyed by the trace format's op names only, so how ops are
 * declared inside the replay engine does not matter here.
 *
 * @module
 */
import type { StepResult } from "../replay/engine.ts";
import type { OpNode } from "../trace/load.ts";
import type { Replay } from "../replay/engine.ts";
import type { Kapi } from "./kapi.ts";
import type { Region } from "../model/memory.ts";
import { sgtView } from "../replay/views/mod.ts";
import { Inexpressible } from "./inexpressible.ts";

/** What an op translation may use of the case writer. */
export interface Emit {
  readonly r: Replay;
  readonly kapi: Kapi;
  decl(line: string): void;
  emit(line: string): void;
  fresh(prefix: string, traceName: string): string;
  define(name: string, type: "iter" | "pages" | "sgt" | "state", ctype: string): string;
  cvar(name: string, type: "iter" | "pages" | "sgt" | "state"): string;
  page(pfn: number): string;
  loc(v: unknown): { g: Region; id: number; off: number };
  uaddr(v: unknown): string;
  kaddr(v: unknown): string;
  buffer(v: unknown, len: number): { ptr: string; writeBack?: string };
  checkIter(name: string, step: number): void;
}

type OpC = (w: Emit, node: OpNode, res: StepResult) => void;

/** Ops that only mark a point in the trace's story and make no kernel call: listed, not run. */
export const MARKERS: Readonly<Record<string, string>> = {
  io_complete: "a lifecycle marker (the device finished): no kernel call",
  syscall_return: "a lifecycle marker: the test function's frame stays live",
  async_return: "a lifecycle marker: the test function's frame stays live",
  free: "a lifecycle marker: the test frees everything when it ends",
};

/** Ops with no kernel call a KUnit kthread can make, and why: listed, and they end the case. */
export const NO_KERNEL_CALL: Readonly<Record<string, string>> = {
  bio_iov_iter_get_pages:
    "needs a block device: bio_iov_iter_get_pages reads its queue limits and alignment",
  bio_release_pages: "releases a bio, which a KUnit case cannot build (no block device)",
  smb_extract_iter_to_rdma: "static to fs/smb/client/smbdirect.c and needs an RDMA device",
  ib_map_mr_sg: "needs an RDMA device",
  netfs_extract_user_iter: "netfs is not built into the KUnit kernel",
  netfs_limit_iter: "netfs is not built into the KUnit kernel",
  iov_iter_pipe: "ITER_PIPE needs a pipe inside a splice call",
  splice_return: "ends a splice call, which a KUnit case does not make",
  kfree: "frees memory the case still describes: the test would use freed memory",
  vfree: "frees memory the case still describes: the test would use freed memory",
  munmap: "unmaps memory the case still describes",
  truncate: "the case's page cache belongs to no inode, so there is nothing to truncate",
  fork: "a KUnit kthread cannot fork its mm",
  fault_inject: "a KUnit case cannot make a user address fault on demand",
};

/**
 * Warnings that leave the kernel's state sound when the op runs: anything else (double unpin,
 * put_page on a pin, a use after free, ...) would corrupt the test kernel, so the case ends
 * before such an op.
 */
export const SAFE_WARNINGS: ReadonlySet<string> = new Set([
  "iter_used_after_return",
  "long_held_pin",
  "missing_dirty",
  "pin_leak",
  "segment_limit",
  "extract_beyond_count",
  "zero_result_loop",
]);

const dirC = (d: string) => (d === "source" ? "ITER_SOURCE" : "ITER_DEST");

function modelIter(w: Emit, name: string) {
  const v = w.r.scope.vars.get(name);
  if (v?.type !== "iter") throw new Error(`internal: "${name}" is not an iterator after its op`);
  return v.iter;
}

function checkRet(w: Emit, node: OpNode, res: StepResult, ctype: string, expr = "ret"): void {
  const ret = res.ret;
  const v = typeof ret === "boolean" ? (ret ? 1 : 0) : ret;
  if (typeof v !== "number") return;
  w.emit(
    `\tKUNIT_EXPECT_EQ_MSG(test, (${ctype})${expr}, (${ctype})${
      v < 0 ? `(${v})` : cn(v)
    }, "#${node.index} ${node.op}");`,
  );
}

function cn(n: number): string {
  return n < 10 ? String(n) : `0x${n.toString(16)}`;
}

/** The low bits of an address-derived result that do not depend on where memory was placed. */
const ADDR_MASK = 0xfff;

function declRet(w: Emit): void {
  w.decl("\tlong ret;");
}

/** The page array entries an op names (`index`, `range` or all), as the model selects them. */
function selected(w: Emit, a: { pages: string; index?: number; range?: [number, number] }) {
  const list = w.r.scope.listOf(a.pages);
  const n = list?.entries.length ?? 0;
  if (a.index !== undefined) return [a.index, a.index + 1];
  if (a.range) return a.range;
  return [0, n];
}

/** A C expression for entry i of a page-list variable (a page array or an sg table). */
function entryOf(w: Emit, name: string): (i: number) => string {
  const v = w.r.scope.vars.get(name);
  if (v?.type === "sgt") {
    const t = w.cvar(name, "sgt");
    return (i) => `sg_page(itk_sg(${t}, ${i}))`;
  }
  if (v?.type === "pages") {
    const p = w.cvar(name, "pages");
    return (i) => `${p}[${i}]`;
  }
  throw new Inexpressible(`"${name}" is not a page array or sg table made by an exported op`);
}

function release(fn: "unpin" | "unpin_dirty" | "put" | "unpin_one"): OpC {
  return (w, node) => {
    const a = node.args;
    const [from, to] = selected(w, a);
    const e = entryOf(w, a.pages);
    const isArray = w.r.scope.vars.get(a.pages)?.type === "pages";
    if (fn === "unpin_one") w.emit(`\tunpin_user_page(${e(from)});`);
    else if (fn === "unpin" && isArray) {
      w.emit(`\tunpin_user_pages(${w.cvar(a.pages, "pages")} + ${from}, ${to - from});`);
    } else if (fn === "unpin_dirty" && isArray) {
      w.emit(
        `\tunpin_user_pages_dirty_lock(${w.cvar(a.pages, "pages")} + ${from}, ${to - from}, ${
          a.dirty === true
        });`,
      );
    } else {
      for (let i = from; i < to; i++) {
        w.emit(`\t${fn === "put" ? "put_page" : "unpin_user_page"}(${e(i)});`);
      }
    }
  };
}

function extract(kind: "get2" | "alloc2" | "extract"): OpC {
  return (w, node, res) => {
    const a = node.args;
    const it = w.cvar(a.iter, "iter");
    if (kind === "extract" && !w.kapi.has("extract_pages")) {
      throw new Inexpressible(`iov_iter_extract_pages does not exist in ${w.kapi.era}`);
    }
    declRet(w);
    const p = w.define(a.as, "pages", "struct page **");
    const off = w.fresh("off", a.as);
    w.decl(`\tsize_t ${off};`);
    if (kind === "get2") {
      if (a.maxpages > 65536) throw new Inexpressible(`maxpages ${a.maxpages}: too large an array`);
      w.emit(
        `\t${p} = itk_keep(c, kvcalloc(${
          Math.max(a.maxpages, 1)
        }, sizeof(struct page *), GFP_KERNEL));`,
      );
      w.emit(
        `\tret = iov_iter_get_pages2(&${it}, ${p}, ${cn(a.maxsize)}, ${cn(a.maxpages)}, &${off});`,
      );
    } else if (kind === "alloc2") {
      w.emit(`\t${p} = NULL;`);
      w.emit(`\tret = iov_iter_get_pages_alloc2(&${it}, &${p}, ${cn(a.maxsize)}, &${off});`);
      w.emit(`\tif (${p})\n\t\titk_keep(c, ${p});`);
    } else {
      const flags = (a.flags ?? []).includes("p2pdma") ? "ITER_ALLOW_P2PDMA" : "0";
      w.emit(`\t${p} = NULL;`);
      w.emit(
        `\tret = iov_iter_extract_pages(&${it}, &${p}, ${cn(a.maxsize)}, ${
          cn(a.maxpages)
        }, ${flags}, &${off});`,
      );
      w.emit(`\tif (${p})\n\t\titk_keep(c, ${p});`);
    }
    checkRet(w, node, res, "long");
    w.checkIter(a.iter, node.index);
    const ret = res.ret as number;
    if (ret > 0) {
      w.emit(
        `\tKUNIT_EXPECT_EQ_MSG(test, ${off}, (size_t)${
          cn(w.r.stepExtras.offset0 ?? 0)
        }, "#${node.index} offset0");`,
      );
      const list = w.r.scope.listOf(a.as)!;
      list.entries.forEach((e, i) => {
        w.emit(
          `\tKUNIT_EXPECT_PTR_EQ_MSG(test, ${p}[${i}], ${
            w.page(e.pfn)
          }, "#${node.index} ${a.as}[${i}]");`,
        );
      });
    }
  };
}

function constructor(build: (w: Emit, node: OpNode, it: string) => void): OpC {
  return (w, node) => {
    const it = w.define(node.args.iter, "iter", "struct iov_iter");
    build(w, node, it);
    w.checkIter(node.args.iter, node.index);
  };
}

/**
 * iov_iter_init / iov_iter_kvec: an on-stack array of {iov_base, iov_len} from the op's
 * `iov` / `kvec` argument, then the call over its total length.
 */
function vecConstructor(
  type: "iovec" | "kvec",
  prefix: string,
  base: (w: Emit, v: unknown) => string,
): OpC {
  const fn = type === "iovec" ? "iov_iter_init" : "iov_iter_kvec";
  const field = type === "iovec" ? "iov" : "kvec";
  return constructor((w, node, it) => {
    const a = node.args;
    const segs: { base: unknown; len: number }[] = a[field];
    const arr = w.fresh(prefix, a.iter);
    w.decl(`\tstruct ${type} ${arr}[${Math.max(segs.length, 1)}];`);
    let total = 0;
    segs.forEach((s, i) => {
      w.emit(`\t${arr}[${i}].iov_base = ${base(w, s.base)};`);
      w.emit(`\t${arr}[${i}].iov_len = ${cn(s.len)};`);
      total += s.len;
    });
    w.emit(`\t${fn}(&${it}, ${dirC(a.dir)}, ${arr}, ${segs.length}, ${cn(total)});`);
  });
}

function iterOp(call: (it: string, a: Record<string, number>) => string, ret?: string): OpC {
  return (w, node, res) => {
    const it = w.cvar(node.args.iter, "iter");
    if (ret) {
      declRet(w);
      w.emit(`\tret = ${call(it, node.args)};`);
      checkRet(w, node, res, ret);
    } else w.emit(`\t${call(it, node.args)};`);
    w.checkIter(node.args.iter, node.index);
  };
}

function sgChecks(w: Emit, node: OpNode, name: string): void {
  const v = w.r.scope.vars.get(name);
  if (v?.type !== "sgt") return;
  const t = w.cvar(name, "sgt");
  const view = sgtView(w.r.mem, v.sgt) as {
    nents: number;
    orig_nents: number;
    end: number | null;
  };
  const at = `"#${node.index} ${name}"`;
  w.emit(`\tKUNIT_EXPECT_EQ_MSG(test, ${t}->nents, ${view.nents}U, ${at});`);
  w.emit(`\tKUNIT_EXPECT_EQ_MSG(test, ${t}->orig_nents, ${view.orig_nents}U, ${at});`);
  v.sgt.entries.slice(0, v.sgt.nents).forEach((e, i) => {
    const sg = `itk_sg(${t}, ${i})`;
    const ati = `"#${node.index} ${name}[${i}]"`;
    w.emit(`\tKUNIT_EXPECT_PTR_EQ_MSG(test, sg_page(${sg}), ${w.page(e.pfn)}, ${ati});`);
    w.emit(`\tKUNIT_EXPECT_EQ_MSG(test, ${sg}->offset, ${cn(e.offset)}U, ${ati});`);
    w.emit(`\tKUNIT_EXPECT_EQ_MSG(test, ${sg}->length, ${cn(e.length)}U, ${ati});`);
    w.emit(`\tKUNIT_EXPECT_EQ_MSG(test, sg_is_last(${sg}), ${view.end === i}, ${ati});`);
  });
}

/**
 * The pages an sg-from-pages op names, as a C array filled from the page-list variable or
 * the pfns. The kernel merges physically consecutive pages, so the case must have the same
 * physical adjacency as the model: consecutive pages of one page_alloc or kmalloc region
 * are consecutive in both; anything else must be apart in the model too.
 */
function pagesArray(w: Emit, a: { pages?: string; pfns?: number[] }): { arr: string; n: number } {
  const pfns = a.pfns ?? w.r.scope.listOf(a.pages!)?.entries.map((e) => e.pfn) ?? [];
  const mem = w.r.mem;
  for (let i = 1; i < pfns.length; i++) {
    const la = mem.pageLoc(pfns[i - 1]), lb = mem.pageLoc(pfns[i]);
    const fixed = (l: typeof la) =>
      !!l && l.region.space === "kernel" && ["page_alloc", "kmalloc"].includes(l.region.kind);
    const model = pfns[i] === pfns[i - 1] + 1;
    const real = fixed(la) && la!.region === lb?.region && lb.index === la!.index + 1;
    if (model !== real) {
      throw new Inexpressible(
        `pages ${mem.pageName(pfns[i - 1])} and ${mem.pageName(pfns[i])} are ${
          model ? "" : "not "
        }physically consecutive in the model but need not be so in a test kernel`,
      );
    }
  }
  const arr = w.fresh("pa", a.pages ?? "pfns");
  w.decl(`\tstruct page **${arr};`);
  w.emit(`\t${arr} = itk_pages(c, ${pfns.length});`);
  const fromVar = a.pages && w.r.scope.vars.get(a.pages)?.type === "pages"
    ? w.cvar(a.pages, "pages")
    : undefined;
  pfns.forEach((pfn, i) => {
    w.emit(`\t${arr}[${i}] = ${fromVar ? `${fromVar}[${i}]` : w.page(pfn)};`);
  });
  return { arr, n: pfns.length };
}

/** Append tables by trace name: the C sg_append_table behind an sg table variable. */
const APPENDS = new WeakMap<Emit, Map<string, string>>();

/** Trace ops with a kernel call. */
export const C_OPS: Readonly<Record<string, OpC>> = {
  iov_iter_ubuf: constructor((w, node, it) => {
    const a = node.args;
    w.emit(`\tiov_iter_ubuf(&${it}, ${dirC(a.dir)}, ${w.uaddr(a.addr)}, ${cn(a.len)});`);
  }),
  iov_iter_init: vecConstructor("iovec", "iov", (w, v) => w.uaddr(v)),
  import_iovec: (w, node, res) => {
    const a = node.args;
    if (!w.kapi.has("user_mm")) throw new Inexpressible("import_iovec needs user memory");
    declRet(w);
    const it = w.define(a.iter, "iter", "struct iov_iter");
    const arr = w.fresh("iov", a.iter);
    const iovp = w.fresh("iovp", a.iter);
    const fast = w.fresh("fast", a.iter);
    const n = a.iov.length;
    w.decl(`\tstruct iovec ${arr}[${Math.max(n, 1)}];`);
    w.decl(`\tstruct iovec ${fast}[UIO_FASTIOV];`);
    w.decl(`\tstruct iovec *${iovp};`);
    a.iov.forEach((s: { base: unknown; len: number }, i: number) => {
      w.emit(`\t${arr}[${i}].iov_base = ${w.uaddr(s.base)};`);
      w.emit(`\t${arr}[${i}].iov_len = (size_t)${s.len < 0 ? `(${s.len})` : cn(s.len)};`);
    });
    // as every caller does: an on-stack array of UIO_FASTIOV, used when the vector fits
    w.emit(`\t${iovp} = ${fast};`);
    w.emit(
      `\tret = import_iovec(${
        dirC(a.dir)
      }, itk_uvec(c, ${arr}, ${n}), ${n}, UIO_FASTIOV, &${iovp}, &${it});`,
    );
    w.emit(`\tif (${iovp} != ${fast})\n\t\titk_keep(c, ${iovp});`);
    checkRet(w, node, res, "long");
    if (typeof res.ret === "number" && res.ret >= 0) w.checkIter(a.iter, node.index);
  },
  iov_iter_kvec: vecConstructor("kvec", "kv", (w, v) => w.kaddr(v)),
  iov_iter_bvec: constructor((w, node, it) => {
    const a = node.args;
    const arr = w.fresh("bv", a.iter);
    const n = a.bvec.length;
    w.decl(`\tstruct bio_vec ${arr}[${Math.max(n, 1)}];`);
    const m = modelIter(w, a.iter);
    if (m.kind !== "bvec") throw new Error("internal: bvec");
    let total = 0;
    m.segs.forEach((s, i) => {
      w.emit(`\t${arr}[${i}].bv_page = ${w.page(s.pfn)};`);
      w.emit(`\t${arr}[${i}].bv_offset = ${cn(s.offset)};`);
      w.emit(`\t${arr}[${i}].bv_len = ${cn(s.len)};`);
      total += s.len;
    });
    w.emit(`\tiov_iter_bvec(&${it}, ${dirC(a.dir)}, ${arr}, ${n}, ${cn(total)});`);
  }),
  iov_iter_xarray: constructor((w, node, it) => {
    const a = node.args;
    const g = w.r.mem.regions.get(a.file)!;
    const id = w.loc(a.file).id;
    for (let i = 0; i < g.npages; i++) {
      const fo = g.folioOf(i);
      if (fo && fo.order > 0) {
        throw new Inexpressible(
          `"${a.file}" has a large folio at index ${fo.headIndex}: a multi-index xarray entry needs CONFIG_XARRAY_MULTI, which a UML kernel lacks`,
        );
      }
    }
    w.emit(
      `\tiov_iter_xarray(&${it}, ${dirC(a.dir)}, itk_xarray(c, ${id}), ${cn(a.start)}, ${
        cn(a.count)
      });`,
    );
  }),
  iov_iter_folio_queue: constructor((w, node, it) => {
    const a = node.args;
    if (!w.kapi.has("folio_queue")) {
      throw new Inexpressible(`ITER_FOLIOQ does not exist in ${w.kapi.era}`);
    }
    const m = modelIter(w, a.iter);
    if (m.kind !== "folioq") throw new Error("internal: folioq");
    if (m.slotsPerSegment !== 31 && m.slots.length > m.slotsPerSegment) {
      throw new Inexpressible(
        `slots_per_segment ${m.slotsPerSegment}: a kernel folio_queue segment has 31 slots`,
      );
    }
    const n = m.slots.length;
    const fr = w.fresh("fqr", a.iter), fi = w.fresh("fqi", a.iter);
    w.decl(`\tint ${fr}[${Math.max(n, 1)}];`);
    w.decl(`\tunsigned long ${fi}[${Math.max(n, 1)}];`);
    m.slots.forEach((s, i) => {
      const loc = w.r.mem.pageLoc(s.headPfn);
      if (!loc) throw new Inexpressible("a folio the replay allocated");
      const id = w.loc(loc.region.name).id;
      const fo = w.r.mem.folioOfPfn(s.headPfn);
      if (s.size !== 4096 * 2 ** fo.order) {
        throw new Inexpressible(`slot ${i} is ${s.size} bytes, not its folio's size`);
      }
      w.emit(`\t${fr}[${i}] = ${id};`);
      w.emit(`\t${fi}[${i}] = ${cn(loc.index)};`);
    });
    w.emit(
      `\tiov_iter_folio_queue(&${it}, ${dirC(a.dir)}, itk_folioq(c, ${fr}, ${fi}, ${n}), ${
        cn(a.slot)
      }, ${cn(a.offset)}, ${cn(a.count)});`,
    );
  }),
  iov_iter_discard: constructor((w, node, it) => {
    w.emit(`\tiov_iter_discard(&${it}, ITER_DEST, ${cn(node.args.count)});`);
  }),

  iov_iter_advance: iterOp((it, a) => `iov_iter_advance(&${it}, ${cn(a.bytes)})`),
  iov_iter_revert: iterOp((it, a) => `iov_iter_revert(&${it}, ${cn(a.bytes)})`),
  iov_iter_truncate: iterOp((it, a) => `iov_iter_truncate(&${it}, ${cn(a.count)})`),
  iov_iter_reexpand: iterOp((it, a) => `iov_iter_reexpand(&${it}, ${cn(a.count)})`),
  iov_iter_count: iterOp((it) => `iov_iter_count(&${it})`, "long"),
  iov_iter_npages: iterOp((it, a) => `iov_iter_npages(&${it}, ${cn(a.maxpages)})`, "long"),
  iov_iter_single_seg_count: iterOp((it) => `iov_iter_single_seg_count(&${it})`, "long"),
  iov_iter_extract_will_pin: (w, node, res) => {
    if (!w.kapi.has("extract_pages")) {
      throw new Inexpressible(`iov_iter_extract_will_pin does not exist in ${w.kapi.era}`);
    }
    iterOp((it) => `iov_iter_extract_will_pin(&${it})`, "long")(w, node, res);
  },
  iov_iter_is_aligned: (w, node, res) => {
    if (!w.kapi.has("is_aligned")) {
      throw new Inexpressible(`iov_iter_is_aligned does not exist in ${w.kapi.era}`);
    }
    iterOp(
      (it, a) => `iov_iter_is_aligned(&${it}, ${cn(a.addr_mask)}, ${cn(a.len_mask)})`,
      "long",
    )(w, node, res);
  },
  iov_iter_alignment: alignment("iov_iter_alignment"),
  iov_iter_gap_alignment: alignment("iov_iter_gap_alignment"),
  iov_iter_save_state: (w, node) => {
    const it = w.cvar(node.args.iter, "iter");
    const st = w.define(node.args.state, "state", "struct iov_iter_state");
    w.emit(`\tiov_iter_save_state(&${it}, &${st});`);
  },
  iov_iter_restore: (w, node) => {
    const it = w.cvar(node.args.iter, "iter");
    const st = w.cvar(node.args.state, "state");
    w.emit(`\tiov_iter_restore(&${it}, &${st});`);
    w.checkIter(node.args.iter, node.index);
  },
  dup_iter: (w, node) => {
    const it = w.cvar(node.args.iter, "iter");
    const nw = w.define(node.args.as, "iter", "struct iov_iter");
    w.emit(`\titk_keep(c, (void *)dup_iter(&${nw}, &${it}, GFP_KERNEL));`);
    w.checkIter(node.args.as, node.index);
  },

  fill: (w, node) => {
    const a = node.args;
    const l = w.loc(a.at);
    const [pat, arg] = patternCode(a.pattern);
    const origin = a.origin === "region" ? l.off : 0;
    w.emit(
      `\titk_fill(c, ${l.id}, ${cn(l.off)}, ${cn(a.len)}, ${pat}, ${cn(arg)}, ${cn(origin)});`,
    );
  },
  copy_to_iter: (w, node, res) => {
    const a = node.args;
    const it = w.cvar(a.iter, "iter");
    const b = w.buffer(a.from, a.bytes);
    declRet(w);
    w.emit(`\tret = copy_to_iter(${b.ptr}, ${cn(a.bytes)}, &${it});`);
    checkRet(w, node, res, "long");
    w.checkIter(a.iter, node.index);
  },
  copy_from_iter: copyFrom("copy_from_iter"),
  copy_from_iter_full: copyFrom("copy_from_iter_full"),
  copy_page_to_iter: (w, node, res) => {
    const a = node.args;
    const it = w.cvar(a.iter, "iter");
    const pfn = w.r.at.page(a.page, ["page"]);
    declRet(w);
    w.emit(
      `\tret = copy_page_to_iter(${w.page(pfn)}, ${cn(a.offset)}, ${cn(a.bytes)}, &${it});`,
    );
    checkRet(w, node, res, "long");
    w.checkIter(a.iter, node.index);
  },
  iov_iter_zero: (w, node, res) => {
    const a = node.args;
    const it = w.cvar(a.iter, "iter");
    declRet(w);
    w.emit(`\tret = iov_iter_zero(${cn(a.bytes)}, &${it});`);
    checkRet(w, node, res, "long");
    w.checkIter(a.iter, node.index);
  },

  iov_iter_get_pages2: extract("get2"),
  iov_iter_get_pages_alloc2: extract("alloc2"),
  iov_iter_extract_pages: extract("extract"),
  unpin_user_page: release("unpin_one"),
  unpin_user_pages: release("unpin"),
  unpin_user_pages_dirty_lock: release("unpin_dirty"),
  put_page: release("put"),

  sg_init_table: (w, node) => {
    const t = w.define(node.args.sgt, "sgt", "struct sg_table *");
    w.emit(`\t${t} = itk_sgt(c, ${node.args.nents}, false, NULL);`);
  },
  sg_alloc_table: (w, node, res) => {
    declRet(w);
    w.decl("\tint iret;");
    const t = w.define(node.args.sgt, "sgt", "struct sg_table *");
    w.emit(`\t${t} = itk_sgt(c, ${node.args.nents}, true, &iret);`);
    w.emit(`\tret = iret;`);
    checkRet(w, node, res, "long");
    sgChecks(w, node, node.args.sgt);
  },
  sg_alloc_table_from_pages_segment: (w, node, res) => {
    const a = node.args;
    const { arr, n } = pagesArray(w, a);
    declRet(w);
    w.decl("\tint iret;");
    const t = w.define(a.sgt, "sgt", "struct sg_table *");
    w.emit(
      `\t${t} = itk_sgt_from_pages(c, ${arr}, ${n}, ${cn(a.offset)}, ${cn(a.size)}, ${
        cn(a.max_segment)
      }, &iret);`,
    );
    w.emit(`\tret = iret;`);
    checkRet(w, node, res, "long");
    sgChecks(w, node, a.sgt);
  },
  sg_alloc_append_table_from_pages: (w, node, res) => {
    const a = node.args;
    const { arr, n } = pagesArray(w, a);
    declRet(w);
    const apps = APPENDS.get(w) ?? new Map<string, string>();
    APPENDS.set(w, apps);
    let app = apps.get(a.sgt);
    if (!app) {
      if (!wasNew(w, a.sgt)) {
        throw new Inexpressible(`"${a.sgt}" was not made by sg_alloc_append_table_from_pages`);
      }
      app = w.fresh("app", a.sgt);
      w.decl(`\tstruct sg_append_table *${app};`);
      w.emit(`\t${app} = itk_sg_append(c);`);
      apps.set(a.sgt, app);
      const t = w.define(a.sgt, "sgt", "struct sg_table *");
      w.emit(`\t${t} = &${app}->sgt;`);
    }
    w.emit(
      `\tret = sg_alloc_append_table_from_pages(${app}, ${arr}, ${n}, ${cn(a.offset)}, ${
        cn(a.size)
      }, ${cn(a.max_segment)}, ${cn(a.left_pages)}, GFP_KERNEL);`,
    );
    checkRet(w, node, res, "long");
    sgChecks(w, node, a.sgt);
  },
  extract_iter_to_sg: (w, node, res) => {
    const a = node.args;
    if (!w.kapi.has("extract_pages")) {
      throw new Inexpressible(`extract_iter_to_sg does not exist in ${w.kapi.era}`);
    }
    const it = w.cvar(a.iter, "iter");
    const t = w.cvar(a.sgt, "sgt");
    const flags = (a.flags ?? []).includes("p2pdma") ? "ITER_ALLOW_P2PDMA" : "0";
    declRet(w);
    w.emit(
      `\tret = extract_iter_to_sg(&${it}, ${cn(a.maxsize)}, ${t}, ${cn(a.sg_max)}, ${flags});`,
    );
    checkRet(w, node, res, "long");
    w.checkIter(a.iter, node.index);
    sgChecks(w, node, a.sgt);
  },
};

/** Whether the case has no C variable for a trace variable yet (this op makes it). */
function wasNew(w: Emit, name: string): boolean {
  try {
    w.cvar(name, "sgt");
    return false;
  } catch {
    return true;
  }
}

function alignment(fn: string): OpC {
  return (w, node, res) => {
    const it = w.cvar(node.args.iter, "iter");
    declRet(w);
    w.emit(`\tret = ${fn}(&${it}) & ${cn(ADDR_MASK)};`);
    const v = res.ret;
    if (typeof v === "number") {
      w.emit(
        `\tKUNIT_EXPECT_EQ_MSG(test, ret, (long)${
          cn(v & ADDR_MASK)
        }, "#${node.index} ${fn} (low 12 bits: addresses differ above them)");`,
      );
    }
  };
}

function copyFrom(fn: "copy_from_iter" | "copy_from_iter_full"): OpC {
  return (w, node, res) => {
    const a = node.args;
    const it = w.cvar(a.iter, "iter");
    const b = w.buffer(a.to, a.bytes);
    declRet(w);
    w.emit(`\tret = ${fn}(${b.ptr}, ${cn(a.bytes)}, &${it});`);
    if (b.writeBack) w.emit(b.writeBack);
    checkRet(w, node, res, "long");
    w.checkIter(a.iter, node.index);
  };
}

/** The prelude's encoding of a fill pattern. */
export function patternCode(p: unknown): [string, number] {
  if (p === "zero") return ["ITK_PAT_ZERO", 0];
  if (p === "index") return ["ITK_PAT_INDEX", 0];
  if (p === "index_sum") return ["ITK_PAT_INDEX_SUM", 0];
  if (p && typeof p === "object" && "byte" in p) return ["ITK_PAT_BYTE", Number(p.byte) & 0xff];
  if (p && typeof p === "object" && "random" in p) {
    return ["ITK_PAT_RANDOM", Number(p.random) >>> 0];
  }
  throw new Inexpressible(`fill pattern ${JSON.stringify(p)}`);
}
