/**
 * One trace as one KUnit test case: the trace's memory made real, its ops as kernel calls,
 * and after every call the model's results (replayed in the chosen era) as KUNIT_EXPECTs.
 * Ops that cannot run in a KUnit kthread are listed in the case's comment; an op that changes
 * what later ops see (or that would corrupt the test kernel) ends the case there, and every op
 * after it is listed too. Nothing is dropped silently.
 *
 * @module
 */
import { Replay, type StepResult } from "../replay/engine.ts";
import { regionFills } from "../replay/setup.ts";
import type { LoadedTrace, OpNode } from "../trace/load.ts";
import type { Region } from "../model/memory.ts";
import { ZERO_PFN } from "../model/memory.ts";
import type { IovIter } from "../model/iter.ts";
import { nrSegs } from "../model/iter.ts";
import { folioqPosition } from "../model/kinds/folioq.ts";
import type { Pfn } from "../types.ts";
import type { Kapi } from "./kapi.ts";
import { C_OPS, type Emit, MARKERS, NO_KERNEL_CALL, patternCode, SAFE_WARNINGS } from "./ops_c.ts";
import { Inexpressible } from "./inexpressible.ts";

/**
 * Why an op is not run, by class: `marker` (a point in the trace's story, no kernel call),
 * `hazard` (the model warns of something that would corrupt the test kernel or its result),
 * `no_kernel_call` (needs what a KUnit kthread lacks: a block or RDMA device, netfs, a pipe in
 * a splice, a fork), `inexpressible` (the era's kernel cannot build the op's state in a test:
 * memory kinds, VMAs, large folios), `model_stops` (the model refuses the op in this era),
 * `after_end` (an earlier op ended the case).
 */
export type SkipClass =
  | "marker"
  | "hazard"
  | "no_kernel_call"
  | "inexpressible"
  | "model_stops"
  | "after_end";

/** An op the case does not run, and why. */
export interface SkippedOp {
  readonly index: number;
  readonly op: string;
  readonly why: string;
  readonly class: SkipClass;
}

/** A translated trace. */
export interface KunitCase {
  /** The trace's name and file. */
  readonly name: string;
  readonly file: string;
  /** The C function name (also the KUnit case name). */
  readonly fn: string;
  /** The C text of the test function; undefined when nothing could be exported. */
  readonly c?: string;
  /** Kernel calls exported. */
  readonly exported: number;
  readonly skipped: readonly SkippedOp[];
  /** Ops the trace's `when:` leaves out of this era (listed in the case's comment). */
  readonly notInEra: number;
  /** Why the whole trace could not be exported, when it could not. */
  readonly unexportable?: string;
}

/** How a region is made in C, or why it cannot be. */
type RegionPlan = { id: number; region: Region; setup: string[] } | { why: string };

/** A formatter for C integer literals. */
export function cnum(n: number | bigint): string {
  if (typeof n === "number" && n < 0) return `-${cnum(-n)}`;
  if (typeof n === "bigint" && n < 0n) return `-${cnum(-n)}`;
  return n < 10 ? String(n) : `0x${n.toString(16)}`;
}

/** C-safe identifier fragment of a trace name. */
export function cident(s: string): string {
  return s.replace(/[^A-Za-z0-9_]/g, "_").replace(/_+/g, "_").replace(/^_|_$/g, "").toLowerCase();
}

/** The state of the translation of one case, shared with the op table. */
export class CaseWriter implements Emit {
  readonly decls: string[] = [];
  readonly body: string[] = [];
  readonly cvars = new Map<string, { c: string; type: "iter" | "pages" | "sgt" | "state" }>();
  private regionPlan = new Map<string, RegionPlan>();
  private n = 0;
  /** Folio checks last emitted, by head pfn: "delta/pinned". */
  private folioSeen = new Map<Pfn, string>();

  constructor(readonly r: Replay, readonly kapi: Kapi) {}

  /** A fresh C variable name for a trace variable. */
  fresh(prefix: string, traceName: string): string {
    return `${prefix}${this.n++}_${cident(traceName).slice(0, 24)}`;
  }

  decl(line: string): void {
    if (!this.decls.includes(line)) this.decls.push(line);
  }

  emit(line: string): void {
    this.body.push(line);
  }

  /** Plans every declared region; the C setup lines go first in the body. */
  planRegions(): string[] {
    const out: string[] = [];
    let id = 0;
    const regions = [...this.r.mem.regions.values()].filter((g) => g.space !== "alloc")
      .sort((a, b) => a.seq - b.seq);
    const tasks = new Set(regions.filter((g) => g.space === "user").map((g) => g.task));
    for (const g of regions) {
      const why = this.inexpressible(g, tasks.size);
      if (why) {
        this.regionPlan.set(g.name, { why });
        out.push(`\t/* "${g.name}" is not created: ${why} */`);
        continue;
      }
      const setup: string[] = [];
      const sz = cnum(g.size);
      if (g.space === "user") setup.push(`\titk_user(c, ${sz}, ${g.populated});`);
      else if (g.space === "file") {
        setup.push(`\titk_file(c, ${sz});`);
        for (let i = 0; i < g.npages;) {
          const fo = g.folioFrom(i);
          if (!fo) break;
          setup.push(`\titk_file_folio(c, ${id}, ${cnum(fo.headIndex)}, ${fo.order});`);
          i = fo.headIndex + 2 ** fo.order;
        }
      } else if (g.kind === "vmalloc") setup.push(`\titk_vmalloc(c, ${sz});`);
      else if (g.kind === "page_alloc") {
        setup.push(`\titk_page_alloc(c, ${sz}, ${g.folioOrder > 0});`);
      } else setup.push(`\titk_kmalloc(c, ${sz});`);
      this.regionPlan.set(g.name, { id, region: g, setup });
      out.push(`\t/* ${id}: "${g.name}", ${g.space} ${g.kind}, ${cnum(g.size)} bytes */`);
      out.push(...setup);
      id++;
    }
    return out;
  }

  private inexpressible(g: Region, tasks: number): string | undefined {
    const ps = this.r.mem.pageSize;
    if (ps !== 4096) return `page_size ${ps}: the test kernel's pages are 4 KiB`;
    if (g.space === "user") {
      if (!this.kapi.has("user_mm")) {
        return `user memory needs an mm for the KUnit kthread, which ${this.kapi.era} cannot give it`;
      }
      if (tasks > 1) return "a KUnit kthread has one mm; the trace declares several tasks";
      if (g.kind !== "anon") {
        return `a ${g.kind} VMA cannot be made by vm_mmap in a test (anon only)`;
      }
      if (g.prot !== "rw") return "a read-only VMA cannot be populated from the test";
      if (g.folioOrder > 0) return "large folios (THP) are not available in a UML kernel";
      return undefined;
    }
    if (g.space === "file") return undefined;
    if (g.kind === "kmalloc" || g.kind === "slab" || g.kind === "vmalloc") {
      return g.folioOrder > 0 ? `${g.kind} with large folios is not how it allocates` : undefined;
    }
    if (g.kind === "page_alloc") {
      const n = g.npages;
      if (g.folioOrder === 0) return undefined;
      if (n === 2 ** g.folioOrder) return undefined;
      return "page_alloc with several large folios: one contiguous allocation makes one folio";
    }
    return `kernel memory of kind ${g.kind} cannot be allocated by a test`;
  }

  /** The C region id of a region, or Inexpressible. */
  regionId(g: Region): number {
    const p = this.regionPlan.get(g.name);
    if (!p) throw new Inexpressible(`"${g.name}" is memory the replay allocated`);
    if ("why" in p) throw new Inexpressible(`"${g.name}" ${p.why}`);
    return p.id;
  }

  /** A C expression for the page with this pfn. */
  page(pfn: Pfn): string {
    if (pfn === ZERO_PFN) return "ZERO_PAGE(0)";
    const loc = this.r.mem.pageLoc(pfn);
    if (!loc) throw new Inexpressible(`page ${this.r.mem.pageName(pfn)} has no kernel equivalent`);
    return `itk_page(c, ${this.regionId(loc.region)}, ${cnum(loc.index)})`;
  }

  /** A resolved address argument: region, offset. */
  loc(v: unknown): { g: Region; id: number; off: number } {
    let l;
    try {
      l = this.r.at.loc(v, []);
    } catch {
      throw new Inexpressible(`address ${JSON.stringify(v)} is outside declared memory`);
    }
    return { g: l.region, id: this.regionId(l.region), off: l.offset };
  }

  /** A user pointer for an address argument. */
  uaddr(v: unknown): string {
    const l = this.loc(v);
    if (l.g.space !== "user") throw new Inexpressible(`${JSON.stringify(v)} is not user memory`);
    return `itk_uaddr(c, ${l.id}, ${cnum(l.off)})`;
  }

  /** A kernel pointer for an address argument in directly mapped kernel memory. */
  kaddr(v: unknown): string {
    const l = this.loc(v);
    if (l.g.space !== "kernel") {
      throw new Inexpressible(`${JSON.stringify(v)} is not kernel-mapped memory`);
    }
    return `itk_kaddr(c, ${l.id}, ${cnum(l.off)})`;
  }

  /** A kernel pointer to `len` bytes at an address, through a bounce buffer when needed. */
  buffer(v: unknown, len: number): { ptr: string; writeBack?: string } {
    const l = this.loc(v);
    if (l.g.space === "kernel") return { ptr: `itk_kaddr(c, ${l.id}, ${cnum(l.off)})` };
    const b = this.fresh("b", "bounce");
    this.decl(`\tvoid *${b};`);
    this.emit(`\t${b} = itk_bounce(c, ${l.id}, ${cnum(l.off)}, ${cnum(len)});`);
    return {
      ptr: b,
      writeBack: `\titk_access(c, ${l.id}, ${cnum(l.off)}, ${b}, ${cnum(len)}, true);`,
    };
  }

  /** The C variable of a trace variable. */
  cvar(name: string, type: "iter" | "pages" | "sgt" | "state"): string {
    const v = this.cvars.get(name);
    if (!v) throw new Inexpressible(`"${name}" was not made by an exported op`);
    if (v.type !== type) throw new Inexpressible(`"${name}" is a ${v.type} in C, not a ${type}`);
    return v.c;
  }

  /** Declares the C variable for a trace variable the op creates. */
  define(name: string, type: "iter" | "pages" | "sgt" | "state", ctype: string): string {
    const c = this.fresh(type === "iter" ? "it" : type === "pages" ? "pg" : type, name);
    this.decl(`\t${ctype}${ctype.endsWith("*") ? "" : " "}${c};`);
    this.cvars.set(name, { c, type });
    return c;
  }

  /** Expectations on an iterator after an op. */
  checkIter(name: string, step: number): void {
    const v = this.r.scope.vars.get(name);
    const cv = this.cvars.get(name);
    if (v?.type !== "iter" || cv?.type !== "iter") return;
    const it: IovIter = v.iter;
    const at = `"#${step} ${name}"`;
    this.emit(`\tKUNIT_EXPECT_EQ_MSG(test, ${cv.c}.count, (size_t)${cnum(it.count)}, ${at});`);
    this.emit(
      `\tKUNIT_EXPECT_EQ_MSG(test, ${cv.c}.iov_offset, (size_t)${cnum(it.iovOffset)}, ${at});`,
    );
    if (["ubuf", "iovec", "kvec", "bvec"].includes(it.kind)) {
      this.emit(
        `\tKUNIT_EXPECT_EQ_MSG(test, ${cv.c}.nr_segs, (unsigned long)${cnum(nrSegs(it))}, ${at});`,
      );
    }
    if (it.kind === "xarray") {
      this.emit(
        `\tKUNIT_EXPECT_EQ_MSG(test, ${cv.c}.xarray_start, (loff_t)${
          cnum(it.xarrayStart)
        }, ${at});`,
      );
    }
    if (it.kind === "folioq") {
      this.emit(
        `\tKUNIT_EXPECT_EQ_MSG(test, ${cv.c}.folioq_slot, (unsigned char)${
          folioqPosition(it).slot
        }, ${at});`,
      );
    }
  }

  /** Expectations on the folios the traced ops hold or held: refcount delta, pin state. */
  checkFolios(step: number): void {
    const mem = this.r.mem;
    const ledger = this.r.ledger;
    const now = new Map<Pfn, { delta: number; pinned: boolean; pages: Pfn[] }>();
    for (const kind of ["pin", "ref"] as const) {
      for (const h of ledger.outstanding(kind)) {
        if (h.pfn === ZERO_PFN) continue;
        const fo = mem.folioOfPfn(h.pfn);
        if (now.has(fo.headPfn)) continue;
        const pages = Array.from({ length: 2 ** fo.order }, (_, i) => fo.headPfn + i);
        const large = pages.length > 1;
        const cnt = ledger.folioCounts(pages, large);
        now.set(fo.headPfn, {
          delta: cnt.refcount,
          pinned: ledger.maybeDmaPinned(pages, large),
          pages,
        });
      }
    }
    const heads = new Set([...this.folioSeen.keys(), ...now.keys()]);
    for (const head of [...heads].sort((a, b) => a - b)) {
      const s = now.get(head) ?? { delta: 0, pinned: false };
      const key = `${s.delta}/${s.pinned}`;
      if (this.folioSeen.get(head) === key) continue;
      const loc = mem.pageLoc(head);
      if (!loc) continue;
      let id: number;
      try {
        id = this.regionId(loc.region);
      } catch {
        continue;
      }
      this.folioSeen.set(head, key);
      // kmalloc memory is slab (or a large kmalloc's one compound folio): its refcount is not
      // the model's per-page folios, so only pin state is meaningful there, and it is never pinned
      if (loc.region.kind === "kmalloc" || loc.region.kind === "slab") continue;
      this.emit(
        `\titk_expect_folio(c, ${id}, ${cnum(loc.index)}, ${s.delta}, ${s.pinned}, ${step});`,
      );
    }
  }

  /** Expectations on memory an op wrote: a hash of the model's bytes per written range. */
  checkMemory(res: StepResult): void {
    for (const ch of res.changes) {
      if (!ch.path.startsWith("memory.")) continue;
      const spec = ch.path.slice("memory.".length);
      const plus = spec.lastIndexOf("+");
      const g = this.r.mem.regions.get(spec.slice(0, plus));
      const m = /^0x([0-9a-f]+) bytes written$/.exec(String(ch.after));
      if (!g || !m) continue;
      const off = parseInt(spec.slice(plus + 1), 16);
      const len = parseInt(m[1], 16);
      const id = this.regionId(g);
      const h = fnv1a(this.r.mem.readRegion(g, off, len));
      this.emit(
        `\tKUNIT_EXPECT_EQ_MSG(test, itk_hash(c, ${id}, ${cnum(off)}, ${cnum(len)}), ${
          cnum(h)
        }U, "#${res.index} bytes of ${g.name}+${cnum(off)}");`,
      );
    }
  }

  /** What the model holds now: pins and refs by page. */
  holds(): { kind: "pin" | "ref"; pfn: Pfn }[] {
    return (["pin", "ref"] as const).flatMap((kind) =>
      this.r.ledger.outstanding(kind).map((h) => ({ kind, pfn: h.pfn }))
    );
  }

  /** Releases what the model held, so the test kernel stays sound. */
  releaseHolds(holds: { kind: "pin" | "ref"; pfn: Pfn }[]): void {
    const lines: string[] = [];
    for (const h of holds) {
      if (h.pfn === ZERO_PFN) continue;
      try {
        lines.push(`\t${h.kind === "pin" ? "unpin_user_page" : "put_page"}(${this.page(h.pfn)});`);
      } catch {
        // a page the case never made cannot be held by it
      }
    }
    if (!lines.length) return;
    this.emit(
      "\t/* release what the trace still holds (its leaks), so the test kernel stays sound */",
    );
    for (const l of lines) this.emit(l);
  }
}

/** FNV-1a, 32 bits: the hash itk_hash() computes in C. */
export function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Translates one trace. `fn` is the C function name. */
export function exportCase(trace: LoadedTrace, kapi: Kapi, fn: string): KunitCase {
  const base = { name: trace.header.name, file: trace.file, fn };
  let r: Replay;
  try {
    r = new Replay(trace, { kernel: kapi.era });
  } catch (e) {
    return { ...base, exported: 0, skipped: [], notInEra: 0, unexportable: firstLine(e) };
  }
  const w = new CaseWriter(r, kapi);
  const setup = w.planRegions();
  const fills = fillCalls(trace, w);
  const skipped: SkippedOp[] = [];
  const notes: string[] = [];
  let exported = 0;
  let stoppedAt: number | undefined;
  let held = w.holds();
  const ops = trace.ops;
  for (let k = 0; k < ops.length; k++) {
    const node = ops[k];
    if (stoppedAt !== undefined) {
      if (node.op === "expect") continue;
      skipped.push({
        index: node.index,
        op: node.op,
        why: `after #${stoppedAt} ended the case`,
        class: "after_end",
      });
      continue;
    }
    const before = w.holds();
    let res: StepResult;
    try {
      res = r.step(node);
    } catch (e) {
      stoppedAt = node.index;
      held = before;
      skipped.push({
        index: node.index,
        op: node.op,
        why: `the model stops: ${firstLine(e)}`,
        class: "model_stops",
      });
      continue;
    }
    if (res.skipped) {
      notes.push(`#${node.index} ${node.op}: not in this era (${res.skipped})`);
      continue;
    }
    if (node.op === "expect") continue;
    if (MARKERS[node.op]) {
      skipped.push({ index: node.index, op: node.op, why: MARKERS[node.op], class: "marker" });
      continue;
    }
    // a BUG-level finding (an overrun, an endless loop) is never run, whatever its code
    const bad = res.warnings.find((x) => !SAFE_WARNINGS.has(x.code) || x.severity === "bug");
    const tr = C_OPS[node.op];
    let why: string | undefined;
    let cls: SkipClass = "no_kernel_call";
    if (bad) {
      why = `the model warns ${bad.code}: running it would hurt the test kernel or its result`;
      cls = "hazard";
    } else if (!tr) why = NO_KERNEL_CALL[node.op] ?? "no kernel call for this op is exported";
    if (!why) {
      const mark = { decls: w.decls.length, body: w.body.length, cvars: new Map(w.cvars) };
      try {
        w.emit(`\t/* #${node.index} ${node.op} (line ${node.line}) */`);
        tr!(w, node, res);
        w.checkMemory(res);
        w.checkFolios(node.index);
        exported++;
        held = w.holds();
        continue;
      } catch (e) {
        if (!(e instanceof Inexpressible)) throw e;
        w.decls.length = mark.decls;
        w.body.length = mark.body;
        w.cvars.clear();
        for (const [kk, v] of mark.cvars) w.cvars.set(kk, v);
        why = e.message;
        cls = "inexpressible";
      }
    }
    stoppedAt = node.index;
    held = before;
    skipped.push({ index: node.index, op: node.op, why, class: cls });
  }
  if (!exported) {
    return {
      ...base,
      exported: 0,
      skipped,
      notInEra: notes.length,
      unexportable: skipped[0]
        ? `no op could be exported: #${skipped[0].index} ${skipped[0].op}: ${skipped[0].why}`
        : "the trace has no ops",
    };
  }
  // what was held after the last exported op (markers change no holds)
  w.releaseHolds(held);
  const head = [
    `/*`,
    ` * ${trace.header.name} (${trace.file}), replayed as ${kapi.era}`,
    ` * ${exported} kernel call${exported === 1 ? "" : "s"} exported, ${skipped.length} op${
      skipped.length === 1 ? "" : "s"
    } not run:`,
    ...skipped.map((s) => ` *   #${s.index} ${s.op}: ${s.why}`),
    ...notes.map((n) => ` *   ${n}`),
    ` */`,
  ];
  const c = [
    ...head,
    `static void ${fn}(struct kunit *test)`,
    `{`,
    `\tstruct itk_ctx *c = itk_ctx_new(test);`,
    ...w.decls,
    ``,
    ...setup,
    ...fills,
    `\titk_settle(c);`,
    ...w.body,
    `}`,
  ].join("\n");
  return { ...base, c, exported, skipped, notInEra: notes.length };
}

/** The trace's region fills as itk_fill() calls, for the regions the case creates. */
function fillCalls(trace: LoadedTrace, w: CaseWriter): string[] {
  const out: string[] = [];
  for (const { name, pattern } of regionFills(trace.header)) {
    const g = w.r.mem.regions.get(name)!;
    let id: number;
    try {
      id = w.regionId(g);
    } catch {
      continue;
    }
    const [pat, arg] = patternCode(pattern);
    out.push(`\titk_fill(c, ${id}, 0, ${cnum(g.size)}, ${pat}, ${cnum(arg)}, 0);`);
  }
  return out;
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split("\n")[0];
}

export type { OpNode };
