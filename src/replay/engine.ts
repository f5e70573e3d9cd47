/**
 * The replay engine: runs a trace's ops one at a time against the model and returns, per
 * step, its return value, its changes as {path, before, after}, its warnings and the
 * expectations that failed. Ops are dispatched through the OPS table (ops.ts).
 *
 * @module
 */
import { createHash } from "node:crypto";
import { Memory, MemoryLimitError, type Region, ZERO_PFN } from "../model/memory.ts";
import type { ModelCtx, WarnDetail } from "../model/ctx.ts";
import type { IovIter } from "../model/iter.ts";
import type { IovIterState } from "../model/advance.ts";
import { patternBytes } from "../model/fill.ts";
import { type KernelProfile, kernelProfile } from "../profile.ts";
import { type Warning, type WarningCode, WARNINGS } from "../check/warnings.ts";
import { TraceError, type TraceIssue } from "../errors.ts";
import type { LoadedHeader, OpNode } from "../trace/load.ts";
import type { Path } from "../trace/locate.ts";
import { type AddrExpr, parseAddrExpr, parsePageExpr } from "../trace/num.ts";
import { type Header, MAX_MOVE } from "../trace/schema.ts";
import { memorySpec } from "../trace/memory_spec.ts";
import { iterFields, iterView } from "./view.ts";
import { compareValue, compareWarnings, type Failure, whenHolds } from "./compare.ts";
import { checkEra, OPS } from "./ops.ts";
import { PAGE_OPS, type PageList } from "./pages.ts";
import { PinLedger } from "../model/pin.ts";
import { CONVERT_OPS } from "./convert_ops.ts";
import type { Handler, Handlers } from "./handler.ts";
import { type DeclaredOp, varUses } from "../trace/ops/mod.ts";
import type { SgTable } from "../convert/sg.ts";
import type { RdmaList } from "../convert/rdma.ts";
import type { Mr } from "../convert/frwr.ts";
import { type Bio, spanned } from "../convert/bio.ts";
import { DmaMapper } from "../convert/dma.ts";
import type { Holds } from "../convert/holds.ts";
import { bioView, mrView, pipeView, rdmaView, sgtView } from "./view.ts";
import { newPipe, type Pipe, type PipeEffects } from "../model/pipe.ts";
import { hex, type Pfn } from "../types.ts";

/** One change an op made. */
export interface Change {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** What one step did. */
export interface StepResult {
  readonly index: number;
  readonly op: string;
  readonly id: string | undefined;
  readonly line: number;
  readonly ret: unknown;
  readonly changes: readonly Change[];
  readonly warnings: readonly Warning[];
  readonly failures: readonly Failure[];
  /** Set when the op's `when:` excludes the era in effect: the op did not run. */
  readonly skipped?: string;
}

/** Counters in the summary, per 4 KiB page as nr_foll_pin_acquired/released count. */
export interface Counters {
  readonly acquired: number;
  readonly released: number;
  readonly outstanding: number;
}

/** The end-of-replay summary (the `summary` object of JSON output). */
export interface Summary {
  readonly kernel: string;
  readonly steps: number;
  readonly pins: Counters;
  readonly refs: Counters;
  readonly outstanding: readonly { page: string; kind: "pin" | "ref"; step: number }[];
  readonly warnings: Readonly<Record<string, number>>;
  readonly failures: number;
  readonly verdict: string;
}

/** A replay variable. */
export type Var =
  | { readonly type: "iter"; readonly iter: IovIter; readonly list?: PageList }
  | { readonly type: "state"; readonly state: IovIterState; readonly step: number }
  | { readonly type: "pages"; readonly list: PageList }
  | { readonly type: "sgt"; readonly sgt: SgTable }
  | { readonly type: "rdma"; readonly rdma: RdmaList }
  | { readonly type: "mr"; readonly mr: Mr }
  | { readonly type: "bio"; readonly bio: Bio };

/** Options of a replay. */
export interface ReplayOptions {
  /** Overrides the trace's `kernel:`. */
  readonly kernel?: string;
}

/** A resolved memory location: a region and an offset into it. */
export interface Loc {
  readonly region: Region;
  readonly offset: number;
}

/** Runs ops against the model, one step at a time. */
export class Replay {
  readonly file: string;
  readonly header: Header;
  readonly profile: KernelProfile;
  readonly mem: Memory;
  readonly ctx: ModelCtx;
  readonly vars = new Map<string, Var>();
  /** Names whose creating call failed, with the step and return value. */
  readonly failed = new Map<string, string>();
  readonly allWarnings: Warning[] = [];
  private stepWarnings: Warning[] = [];
  private writes: { pfn: Pfn; off: number; len: number }[] = [];
  readonly ledger = new PinLedger();
  /** Page holds for conversions, recorded against the current step. */
  readonly holds: Holds = {
    take: (kind, pfn) => this.hold(kind, pfn),
    drop: (kind, pfn) => this.release(kind, pfn),
    miss: (kind) => this.ledger.countRelease(kind),
  };
  readonly dma: DmaMapper;
  /** Pipes by name. */
  readonly pipes = new Map<string, Pipe>();
  /** Iterators whose syscall returned, with the step of the return. */
  readonly dead = new Map<string, number>();
  /** Extra per-step results (offset0 of an extraction). */
  stepExtras: { offset0?: number } = {};
  private pinDelta = new Map<Pfn, { pin: number; ref: number }>();
  private warnedDead = new Set<string>();
  private steps = 0;
  private failureCount = 0;
  private current: OpNode | undefined;

  constructor(h: LoadedHeader, opts: ReplayOptions = {}) {
    this.file = h.file;
    this.header = h.header;
    const kernel = opts.kernel ?? h.header.kernel;
    this.profile = kernelProfile(kernel, h.header.page_size);
    const spec = memorySpec(h.header);
    this.firstTask = spec.tasks[0]?.name ?? "task";
    this.mem = new Memory(spec, h.header.page_size);
    this.dma = new DmaMapper(h.header.dma.iommu, h.header.page_size);
    for (const p of this.mem.pipes.values()) this.pipes.set(p.name, newPipe(p.name, p.max_usage));
    if (this.mem.problems.length) {
      throw new TraceError(
        this.mem.problems.map((p) => ({
          file: h.file,
          ...h.locate(["memory"]),
          message: `memory: ${p.message}`,
        })),
      );
    }
    this.ctx = {
      mem: this.mem,
      profile: this.profile,
      faults: [],
      warn: (code: WarningCode, message: string, detail?: WarnDetail) =>
        this.warn(code, message, detail),
      pipeEffects: (it, fx, fn) => this.pipeEffects(it, fx, fn),
    };
    this.mem.onWrite = (pfn, off, len) => this.writes.push({ pfn, off, len });
    try {
      this.applyRegionFills(h);
    } catch (e) {
      if (!(e instanceof MemoryLimitError)) throw e;
      throw new TraceError([{
        file: h.file,
        ...h.locate(["memory"]),
        message: `memory: ${e.message}`,
      }]);
    }
    this.writes = [];
  }

  private applyRegionFills(h: LoadedHeader): void {
    const m = h.header.memory;
    const all = [
      ...(m.user ?? []).map((r) => ({ name: r.region, fill: r.fill })),
      ...(m.tasks ?? []).flatMap((t) => t.user.map((r) => ({ name: r.region, fill: r.fill }))),
      ...(m.kernel ?? []).map((r) => ({ name: r.region, fill: r.fill })),
      ...(m.files ?? []).map((f) => ({ name: f.name, fill: f.fill })),
    ];
    for (const { name, fill } of all) {
      if (fill === undefined) continue;
      const region = this.mem.regions.get(name)!;
      if (region.size > MAX_MOVE) {
        throw new TraceError([{
          file: h.file,
          ...h.locate(["memory"]),
          message: `memory: "${name}" is ${region.size} bytes; a region fill is limited to ${
            MAX_MOVE / 2 ** 20
          } MiB (use fill ops on parts of it)`,
        }]);
      }
      const p = typeof fill === "object" && "pattern" in fill ? fill.pattern : fill;
      this.mem.writeRegion(region, 0, patternBytes(p, 0, region.size));
    }
  }

  /** Records a warning for the current step. */
  warn(code: WarningCode, message: string, detail?: WarnDetail): void {
    const w: Warning = {
      code,
      severity: detail?.severity ?? WARNINGS[code].severity,
      message,
      step: this.current?.index,
      cause: detail?.cause,
      ...(detail?.page !== undefined ? { page: detail.page } : {}),
    };
    this.stepWarnings.push(w);
    this.allWarnings.push(w);
  }

  /** A replay error at the current op (exit 2). */
  error(message: string, path: Path = []): never {
    const node = this.current;
    const pos = node ? node.locate(path) : { line: 1, column: 1 };
    throw new TraceError([{ file: this.file, ...pos, message } satisfies TraceIssue]);
  }

  /** The iterator a name refers to, or a replay error. */
  iter(name: string, path: Path = ["iter"]): IovIter {
    const v = this.vars.get(name);
    if (v?.type !== "iter") return this.missing(name, "iterator", path);
    const it = v.iter;
    if (
      it.kind === "pipe" && it.pipe.unlockedAt !== undefined && this.current &&
      !this.warnedDead.has(`pipe:${name}`)
    ) {
      this.warnedDead.add(`pipe:${name}`);
      this.warn(
        "pipe_use_after_unlock",
        `${this.current.op} uses PIPE "${name}" after the splice call returned and unlocked "${it.pipe.name}" at #${it.pipe.unlockedAt}`,
        { cause: it.pipe.unlockedAt },
      );
    }
    const died = this.dead.get(name);
    if (died !== undefined && this.current && !this.warnedDead.has(name)) {
      this.warnedDead.add(name);
      this.warn(
        "iter_used_after_return",
        `${this.current.op} uses "${name}" after its syscall returned at #${died}: its iovec array and iterator lived on the caller's stack`,
        { cause: died },
      );
    }
    return v.iter;
  }

  /**
   * Rule 4.5.2: a PIPE advance or revert released or shortened a buffer whose page is still
   * listed for I/O. Without a ref the device writes into a freed page (bug); with one the data
   * lands in a page that is no longer in the pipe (hazard).
   */
  private pipeEffects(it: IovIter, fx: PipeEffects, fn: string): void {
    const hit = [
      ...fx.released.map((b) => ({ b, how: "released" })),
      ...fx.shortened.map((b) => ({ b, how: "shortened" })),
    ];
    for (const { b, how } of hit) {
      for (const list of this.lists()) {
        if (list.ioComplete) continue;
        const e = list.entries.find((x) => x.pfn === b.pfn && !x.released);
        if (!e) continue;
        const page = this.mem.pageName(b.pfn);
        const reffed = e.retention !== "none" && e.held;
        this.warn(
          "pipe_release_under_io",
          `${fn} on PIPE "${it.name}" ${how} the buffer on ${page} while "${list.name}" (taken at #${list.step}) still has I/O in flight: ${
            how === "shortened"
              ? "the buffer is cut short, so the device's data past its new end is lost to the pipe's readers"
              : reffed
              ? "the ref keeps the page alive, but the data lands in a page no longer in the pipe"
              : "no ref is held, so the device writes into a freed page"
          }`,
          { cause: list.step, page, severity: how === "released" && !reffed ? "bug" : "hazard" },
        );
        break;
      }
    }
  }

  /** Takes a counted hold on a page. */
  hold(kind: "pin" | "ref", pfn: Pfn): void {
    this.ledger.take(kind, pfn, this.current?.index ?? -1);
    this.delta(pfn, kind, 1);
  }

  /** Drops a counted hold on a page; false if none was outstanding. */
  release(kind: "pin" | "ref", pfn: Pfn): boolean {
    const ok = this.ledger.drop(kind, pfn);
    if (ok) this.delta(pfn, kind, -1);
    return ok;
  }

  private delta(pfn: Pfn, kind: "pin" | "ref", d: number): void {
    const e = this.pinDelta.get(pfn) ?? { pin: 0, ref: 0 };
    e[kind] += d;
    this.pinDelta.set(pfn, e);
  }

  /** Every page list, in creation order (page arrays and the arrays behind BVECs). */
  lists(): PageList[] {
    const out: PageList[] = [];
    for (const [name, v] of this.vars) {
      if (v.type === "pages") out.push(v.list);
      else if (v.type === "iter" && v.list) out.push(v.list);
      else if (v.type === "sgt" || v.type === "bio") out.push(this.listOf(name)!);
    }
    return out;
  }

  /** The page list a variable holds or describes, if any. */
  listOf(name: string): PageList | undefined {
    const v = this.vars.get(name);
    if (v?.type === "pages") return v.list;
    if (v?.type === "iter") return v.list;
    if (v?.type === "sgt") {
      const t = v.sgt;
      return {
        name,
        entries: t.entries.slice(0, t.nents),
        offset0: t.entries[0]?.offset ?? 0,
        bytes: 0,
        step: t.step,
        dir: t.dir ?? "dest",
        get ioComplete() {
          return t.ioComplete;
        },
        set ioComplete(x: boolean) {
          t.ioComplete = x;
        },
      };
    }
    if (v?.type === "bio") {
      // the page entries are rebuilt when the bio grows, and follow bio_release_pages
      const b = v.bio as Bio & { entries?: PageList["entries"]; entriesAt?: string };
      const shape = `${b.bvec.length}:${b.size}`;
      if (!b.entries || b.entriesAt !== shape) {
        b.entriesAt = shape;
        b.entries = b.bvec.flatMap((bv) =>
          spanned(bv.pfn, bv.offset, bv.len, this.mem.pageSize).map((pfn) => ({
            pfn,
            retention: b.pinned ? "pin" as const : b.reffed ? "ref" as const : "none" as const,
            held: b.pinned || b.reffed,
            released: b.released,
          }))
        );
      }
      if (b.released) { for (const e of b.entries) e.released = true; }
      return {
        name,
        entries: b.entries,
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
    return undefined;
  }

  /** The variable a name refers to, or a replay error. */
  variable(name: string, path: Path): Var {
    return this.vars.get(name) ?? this.missing(name, "variable", path);
  }

  private missing(name: string, what: string, path: Path): never {
    const why = this.failed.get(name);
    if (why) this.error(`${what} "${name}" does not exist: ${why}`, path);
    if (this.vars.has(name)) this.error(`"${name}" is not an ${what}`, path);
    this.error(`unknown ${what} "${name}"`, path);
  }

  /** Defines a variable; a name that exists is an error unless freed. */
  define(name: string, v: Var, path: Path): void {
    if (this.vars.has(name)) this.error(`"${name}" already exists; free it first`, path);
    this.failed.delete(name);
    this.vars.set(name, v);
  }

  /** The mm user addresses resolve in when nothing names one: the first task's. */
  get defaultTask(): string {
    return this.firstTask;
  }

  /** The task (mm) an address expression's user region belongs to. */
  taskOf(v: unknown): string {
    const e = parseAddrExpr(v);
    if (e && "region" in e) {
      const r = this.mem.regions.get(e.region);
      if (r?.space === "user") return r.task;
    } else if (e) {
      for (const r of this.mem.regions.values()) {
        if (
          r.space === "user" && r.start !== undefined && e.abs >= r.start &&
          e.abs < r.start + BigInt(r.size)
        ) {
          return r.task;
        }
      }
    }
    return this.defaultTask;
  }

  /** Resolves an address expression to a region and offset. */
  loc(v: unknown, path: Path): Loc {
    const e = parseAddrExpr(v)!;
    if ("abs" in e) {
      const t = this.mem.translate(e.abs);
      if (!t) this.error(`address ${hex(e.abs)} is not inside any declared region`, path);
      return { region: t.region, offset: t.offset };
    }
    const region = this.mem.regions.get(e.region);
    if (!region) this.error(`unknown region "${e.region}"`, path);
    if (e.offset > region.size) {
      this.error(
        `offset ${hex(e.offset)} is past the end of "${e.region}" (size ${hex(region.size)})`,
        path,
      );
    }
    return { region, offset: e.offset };
  }

  /** Resolves an address expression to a virtual address (iovec/kvec bases). */
  vaddr(v: unknown, path: Path): bigint {
    const e: AddrExpr = parseAddrExpr(v)!;
    if ("abs" in e) return e.abs;
    const { region, offset } = this.loc(v, path);
    const a = this.mem.virtAddr(region, offset);
    if (a === undefined) {
      this.error(`"${region.name}" is page cache and has no virtual address`, path);
    }
    return a;
  }

  /** Resolves a page reference to a pfn. */
  page(v: unknown, path: Path): Pfn {
    const p = parsePageExpr(v)!;
    if ("pfn" in p) return p.pfn;
    if ("alloc" in p) {
      if (p.alloc === "zero_page") return 0x0fff;
      const r = this.mem.regions.get(p.alloc);
      if (!r) this.error(`unknown page "${p.alloc}"`, path);
      return r.pfnOf(0);
    }
    const r = this.mem.regions.get(p.region);
    if (!r) this.error(`unknown region "${p.region}"`, path);
    if (p.index >= r.npages) {
      this.error(`"${p.region}" has ${r.npages} pages, no page ${p.index}`, path);
    }
    const pfn = r.pfnOf(p.index);
    if (pfn < 0) this.error(`page ${p.index} of "${p.region}" is a hole`, path);
    return pfn;
  }

  /** Canonical page name of a page reference (for expectations), undefined if it does not resolve. */
  canonPage = (v: unknown): string | undefined => {
    const p = parsePageExpr(v);
    if (!p) return undefined;
    if ("pfn" in p) return this.mem.pageName(p.pfn);
    if ("alloc" in p) return p.alloc;
    const r = this.mem.regions.get(p.region);
    if (!r || p.index >= r.npages || r.pfnOf(p.index) < 0) return `${p.region}[${p.index}]`;
    return this.mem.pageName(r.pfnOf(p.index));
  };

  /** Runs one op. Throws TraceError for ops that cannot run (exit 2). */
  step(node: OpNode): StepResult {
    this.current = node;
    if (node.id !== undefined) this.idOf.set(node.index, node.id);
    this.stepWarnings = [];
    this.writes = [];
    this.stepExtras = {};
    this.pinDelta = new Map();
    this.warnedDead = new Set();
    this.steps++;
    const failures: Failure[] = [];
    let ret: unknown = null;
    let changes: Change[] = [];
    if (
      node.op !== "expect" && node.args.when && !whenHolds(node.args.when, this.profile.release)
    ) {
      this.current = undefined;
      return {
        index: node.index,
        op: node.op,
        id: node.id,
        line: node.line,
        ret: null,
        changes: [],
        warnings: [],
        failures: [],
        skipped: `when ${node.args.when}`,
      };
    }
    if (node.op === "expect") {
      this.checkState(node, failures);
    } else {
      // every op that exists only in some eras is gated here, from the profile table
      checkEra(this, node.op);
      const handler = HANDLERS[node.op as DeclaredOp] as Handler<DeclaredOp> | undefined;
      if (!handler) this.error(`op "${node.op}" is not modelled yet`, ["op"]);
      const names = varArgs(node.op, node.args);
      const before = names.map((n) => this.snapshot(n));
      try {
        ret = handler(this, node.args, node) ?? null;
      } catch (e) {
        if (e instanceof MemoryLimitError) this.error(e.message);
        throw e;
      }
      changes = [];
      names.forEach((n, i) =>
        diff(`${this.varKind(n)}.${n}`, before[i], this.snapshot(n), changes)
      );
      for (const c of this.pinChanges()) changes.push(c);
      for (const c of this.memoryChanges()) changes.push(c);
      const exp = node.args.expect;
      if (exp && whenHolds(exp.when, this.profile.release)) this.checkInline(node, ret, failures);
    }
    this.failureCount += failures.length;
    const res: StepResult = {
      index: node.index,
      op: node.op,
      id: node.id,
      line: node.line,
      ret,
      changes,
      warnings: this.stepWarnings,
      failures,
    };
    this.current = undefined;
    return res;
  }

  private varKind(name: string): string {
    const v = this.vars.get(name);
    return v?.type ?? "var";
  }

  private snapshot(name: string): Record<string, unknown> | undefined {
    const v = this.vars.get(name);
    if (!v) return undefined;
    if (v.type === "iter") return iterFields(v.iter);
    if (v.type === "pages") {
      return {
        pages: v.list.entries.map((e) =>
          `${this.mem.pageName(e.pfn)}${e.released ? " (released)" : ""}`
        ).join(" "),
        retention: v.list.entries[0]?.retention ?? "none",
        offset0: v.list.offset0,
      };
    }
    if (v.type === "sgt") {
      const t = v.sgt;
      return {
        nents: t.nents,
        orig_nents: t.origNents,
        entries: t.entries.slice(0, t.nents).map((e) =>
          `${this.mem.pageName(e.pfn)} +${hex(e.offset)} len ${hex(e.length)}${
            e.dmaAddress !== undefined ? ` dma ${hex(e.dmaAddress)}` : ""
          }${e.retention === "pin" ? " pin" : ""}${e.released ? " (released)" : ""}`
        ),
      };
    }
    if (v.type === "rdma") {
      return {
        nr_sge: v.rdma.sge.length,
        sge: v.rdma.sge.map((g) =>
          g.reserved ? "(reserved)" : `${hex(g.addr)} len ${hex(g.length)} lkey ${hex(g.lkey)}`
        ),
      };
    }
    if (v.type === "mr") {
      const m = v.mr;
      return { ret: m.ret, iova: hex(m.iova), length: m.length, npages: m.pages.length };
    }
    if (v.type === "bio") {
      const b = v.bio;
      return {
        vcnt: b.bvec.length,
        size: b.size,
        pinned: b.pinned,
        cloned: b.cloned,
        bvec: b.bvec.map((bv) =>
          `${this.mem.pageName(bv.pfn)} +${hex(bv.offset)} len ${hex(bv.len)}`
        ),
      };
    }
    return { count: v.state.count, iov_offset: v.state.iovOffset, nr_segs: v.state.nrSegs };
  }

  private pinChanges(): Change[] {
    const out: Change[] = [];
    const pfns = [...this.pinDelta.keys()].sort((a, b) => a - b);
    for (const kind of ["pin", "ref"] as const) {
      for (const pfn of pfns) {
        const d = this.pinDelta.get(pfn)![kind];
        if (!d) continue;
        const after = this.ledger.count(kind, pfn);
        out.push({ path: `${kind}s.${this.mem.pageName(pfn)}`, before: after - d, after });
      }
    }
    return out;
  }

  private memoryChanges(): Change[] {
    if (!this.writes.length) return [];
    const ps = this.mem.pageSize;
    const ranges: { region: string; start: number; end: number }[] = [];
    for (const w of this.writes) {
      const loc = this.mem.pageLoc(w.pfn);
      const region = loc ? loc.region.name : this.mem.pageName(w.pfn);
      const start = (loc ? loc.index * ps : 0) + w.off;
      const last = ranges[ranges.length - 1];
      if (last && last.region === region && last.end === start) last.end = start + w.len;
      else ranges.push({ region, start, end: start + w.len });
    }
    return ranges.map((r) => ({
      path: `memory.${r.region}+${hex(r.start)}`,
      before: null,
      after: `${hex(r.end - r.start)} bytes written`,
    }));
  }

  private checkInline(node: OpNode, ret: unknown, out: Failure[]): void {
    const e = node.args.expect;
    const at = `ops[${node.index}].expect`;
    const step = node.index;
    if (e.ret !== undefined) compareValue(e.ret, ret, `${at}.ret`, out, step, this.canonPage);
    if (e.warnings) {
      compareWarnings(
        e.warnings,
        this.stepWarnings.map((w) => this.warnRef(w)),
        `${at}.warnings`,
        out,
        step,
      );
    }
    if (e.iter && whenHolds(e.iter.when, this.profile.release)) {
      const name = node.args.iter ?? node.args.as;
      const v = this.vars.get(name);
      compareValue(
        e.iter,
        v?.type === "iter" ? iterView(this.mem, v.iter) : undefined,
        `${at}.iter`,
        out,
        step,
        this.canonPage,
      );
    }
    for (const k of ["pins", "refs"] as const) {
      if (e[k] && whenHolds(e[k].when, this.profile.release)) {
        compareValue(e[k], this.counters(k), `${at}.${k}`, out, step, this.canonPage);
      }
    }
    if (e.offset0 !== undefined) {
      compareValue(
        e.offset0,
        this.stepExtras.offset0 ?? null,
        `${at}.offset0`,
        out,
        step,
        this.canonPage,
      );
    }
    if (e.pages !== undefined) {
      const name = node.args.as ?? node.args.new ?? node.args.pages;
      const list = this.listOf(name);
      const actual = list
        ? list.entries.map((x) => ({ page: this.mem.pageName(x.pfn), retention: x.retention }))
        : undefined;
      const want = (e.pages as unknown[]).map((
        p,
      ) => (typeof p === "object" && p && !("pfn" in p) ? p : { page: p }));
      compareValue(want, actual, `${at}.pages`, out, step, this.canonPage);
    }
    for (const k of ["sgt", "rdma", "bio", "mr", "pipe"] as const) {
      if (e[k] === undefined || !whenHolds(e[k].when, this.profile.release)) continue;
      const name = k === "pipe" ? node.args.pipe ?? this.pipeOfIter(node.args.iter) : node.args[k];
      compareValue(e[k], this.objectView(k, name), `${at}.${k}`, out, step, this.canonPage);
    }
  }

  private warnRef(w: Warning) {
    return { ...w, causeId: w.cause === undefined ? undefined : this.idOf.get(w.cause) };
  }

  /** Op ids by index, for warnings whose cause is given by id. */
  readonly idOf = new Map<number, string>();
  private readonly firstTask: string;

  private checkState(node: OpNode, out: Failure[]): void {
    const a = node.args;
    if (!whenHolds(a.when, this.profile.release)) return;
    const step = node.index;
    if (a.iter) {
      for (const [name, exp] of Object.entries(a.iter) as [string, { when?: string }][]) {
        if (!whenHolds(exp.when, this.profile.release)) continue;
        const v = this.vars.get(name);
        if (v?.type !== "iter") this.error(`unknown iterator "${name}"`, ["iter", name]);
        compareValue(exp, iterView(this.mem, v.iter), `iter.${name}`, out, step, this.canonPage);
      }
    }
    if (a.memory) {
      (a.memory as {
        at: string;
        len: number;
        sha256?: string;
        bytes?: string;
        pattern?: never;
        origin?: string;
      }[])
        .forEach((m, i) => {
          const loc = this.loc(m.at, ["memory", i, "at"]);
          if (loc.offset + m.len > loc.region.size) {
            this.error(`memory[${i}]: range runs past the end of "${loc.region.name}"`, [
              "memory",
              i,
              "len",
            ]);
          }
          const data = this.mem.readRegion(loc.region, loc.offset, m.len);
          const path = `memory[${i}]`;
          if (m.sha256 !== undefined) {
            const got = createHash("sha256").update(data).digest("hex");
            if (got !== m.sha256.toLowerCase()) {
              out.push({ step, path: `${path}.sha256`, expected: m.sha256, actual: got });
            }
          }
          if (m.bytes !== undefined) {
            const want = m.bytes.replace(/\s+/g, "").toLowerCase();
            const got = Array.from(
              data.subarray(0, want.length / 2),
              (b) => b.toString(16).padStart(2, "0"),
            ).join("");
            if (want.length / 2 !== m.len || got !== want) {
              out.push({ step, path: `${path}.bytes`, expected: m.bytes, actual: got });
            }
          }
          if (m.pattern !== undefined) {
            const want = patternBytes(m.pattern, m.origin === "region" ? loc.offset : 0, m.len);
            const bad = want.findIndex((b, k) => b !== data[k]);
            if (bad >= 0) {
              out.push({
                step,
                path: `${path}.pattern`,
                expected: `byte ${hex(want[bad])} at +${hex(bad)}`,
                actual: hex(data[bad]),
              });
            }
          }
        });
    }
    for (const k of ["pins", "refs"] as const) {
      if (a[k] && whenHolds(a[k].when, this.profile.release)) {
        compareValue(a[k], this.counters(k), k, out, step, this.canonPage);
      }
    }
    for (const k of ["sgt", "rdma", "mr", "bio", "pipe"] as const) {
      for (const [name, exp] of Object.entries((a[k] ?? {}) as Record<string, { when?: string }>)) {
        if (!whenHolds(exp.when, this.profile.release)) continue;
        const view = this.objectView(k, name);
        if (view === undefined) this.error(`unknown ${k} "${name}"`, [k, name]);
        compareValue(exp, view, `${k}.${name}`, out, step, this.canonPage);
      }
    }
  }

  /** Every variable and pipe as its expectation view, in creation order (`--state`). */
  stateView(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, v] of this.vars) {
      if (v.type === "iter") out[`iter.${name}`] = iterView(this.mem, v.iter);
      else if (v.type === "state") out[`state.${name}`] = this.snapshot(name);
      else if (v.type === "pages") out[`pages.${name}`] = this.snapshot(name);
      else out[`${v.type}.${name}`] = this.objectView(v.type, name);
    }
    for (const name of this.pipes.keys()) out[`pipe.${name}`] = this.pipeViewOf(name);
    out.pins = this.counters("pins");
    out.refs = this.counters("refs");
    return out;
  }

  /** The expectation view of an sg table, SGE list, MR or bio by name. */
  objectView(kind: "sgt" | "rdma" | "mr" | "bio" | "pipe", name: unknown): unknown {
    if (kind === "pipe") return typeof name === "string" ? this.pipeViewOf(name) : undefined;
    const v = typeof name === "string" ? this.vars.get(name) : undefined;
    if (!v || v.type !== kind) return undefined;
    switch (v.type) {
      case "sgt":
        return sgtView(this.mem, v.sgt);
      case "rdma":
        return rdmaView(v.rdma);
      case "mr":
        return mrView(v.mr);
      case "bio":
        return bioView(this.mem, v.bio);
    }
    return undefined;
  }

  /** The pipe a PIPE iterator writes into, by name. */
  private pipeOfIter(name: unknown): string | undefined {
    const v = typeof name === "string" ? this.vars.get(name) : undefined;
    return v?.type === "iter" && v.iter.kind === "pipe" ? v.iter.pipe.name : undefined;
  }

  /** The expectation view of a pipe by name. */
  pipeViewOf(name: string): unknown {
    const p = this.pipes.get(name);
    return p ? pipeView(this.mem, p) : undefined;
  }

  /** Pin or ref counters, per page. */
  counters(kind: "pins" | "refs"): Counters & { pages: Record<string, number> } {
    const k = kind === "pins" ? "pin" : "ref";
    const c = this.ledger.counters(k);
    const pages: Record<string, number> = {};
    for (const h of this.ledger.outstanding(k)) {
      const n = this.mem.pageName(h.pfn);
      pages[n] = (pages[n] ?? 0) + 1;
    }
    return {
      acquired: c.acquired,
      released: c.released,
      outstanding: this.ledger.total(k),
      pages,
      ...(kind === "pins" ? { folios: this.folioView() } : {}),
    };
  }

  /**
   * Every folio the traced ops hold, by head page: its refcount and _pincount as
   * try_grab_folio/gup_put_folio keep them (a small folio's pin adds GUP_PIN_COUNTING_BIAS,
   * a large folio's adds 1 to each; the mapping's own reference counts 1) and
   * folio_maybe_dma_pinned().
   */
  folioView(): Record<string, { refcount: number; pincount: number; maybe_dma_pinned: boolean }> {
    const heads = new Map<number, number[]>();
    for (const kind of ["pin", "ref"] as const) {
      for (const h of this.ledger.outstanding(kind)) {
        if (h.pfn === ZERO_PFN) continue;
        const fo = this.mem.folioOfPfn(h.pfn);
        const pages = heads.get(fo.headPfn) ??
          Array.from({ length: 2 ** fo.order }, (_, i) => fo.headPfn + i);
        heads.set(fo.headPfn, pages);
      }
    }
    const out: Record<string, { refcount: number; pincount: number; maybe_dma_pinned: boolean }> =
      {};
    for (const [head, pages] of [...heads].sort((a, b) => a[0] - b[0])) {
      const large = pages.length > 1;
      const c = this.ledger.folioCounts(pages, large);
      out[this.mem.pageName(head)] = {
        refcount: 1 + c.refcount,
        pincount: c.pincount,
        maybe_dma_pinned: this.ledger.maybeDmaPinned(pages, large),
      };
    }
    return out;
  }

  /** Ends the replay: end-of-trace detections, trace-level expectations, the summary. */
  finish(): { summary: Summary; failures: Failure[]; endWarnings: Warning[] } {
    const failures: Failure[] = [];
    const endWarnings: Warning[] = [];
    this.current = undefined;
    this.stepWarnings = [];
    for (const h of this.ledger.outstanding("pin")) {
      const page = this.mem.pageName(h.pfn);
      this.warn(
        "pin_leak",
        `${page} is still pinned (taken at #${h.step}); unpin_user_page() was never called`,
        {
          cause: h.step,
          page,
        },
      );
    }
    for (const w of this.stepWarnings) endWarnings.push(w);
    const e = this.header.expect;
    const pins = this.counters("pins"), refs = this.counters("refs");
    if (e && whenHolds(e.when, this.profile.release)) {
      if (e.warnings) {
        compareWarnings(
          e.warnings,
          this.allWarnings.map((w) => this.warnRef(w)),
          "expect.warnings",
          failures,
          undefined,
        );
      }
      if (e.pins && whenHolds(e.pins.when, this.profile.release)) {
        compareValue(e.pins, pins, "expect.pins", failures, undefined, this.canonPage);
      }
      if (e.refs && whenHolds(e.refs.when, this.profile.release)) {
        compareValue(e.refs, refs, "expect.refs", failures, undefined, this.canonPage);
      }
    }
    this.failureCount += failures.length;
    const byCode: Record<string, number> = {};
    for (const w of [...this.allWarnings].sort((a, b) => a.code.localeCompare(b.code))) {
      byCode[w.code] = (byCode[w.code] ?? 0) + 1;
    }
    const sev = { bug: 0, warn: 0, hazard: 0 };
    for (const w of this.allWarnings) sev[w.severity]++;
    const parts = (["bug", "warn", "hazard"] as const).filter((s) => sev[s]).map((s) =>
      `${sev[s]} ${s === "warn" ? "warning" : s}${sev[s] === 1 ? "" : "s"}`
    );
    const summary: Summary = {
      kernel: this.profile.name,
      steps: this.steps,
      pins: strip(pins),
      refs: strip(refs),
      outstanding: [
        ...this.ledger.outstanding("pin").map((h) => ({
          page: this.mem.pageName(h.pfn),
          kind: "pin" as const,
          step: h.step,
        })),
        ...this.ledger.outstanding("ref").map((h) => ({
          page: this.mem.pageName(h.pfn),
          kind: "ref" as const,
          step: h.step,
        })),
      ],
      warnings: byCode,
      failures: this.failureCount,
      verdict: parts.length ? parts.join(", ") : "clean",
    };
    return { summary, failures, endWarnings };
  }
}

/** Every op's handler: a declared op without one fails to compile. */
const HANDLERS = { ...OPS, ...PAGE_OPS, ...CONVERT_OPS } satisfies Handlers;

function strip(c: Counters): Counters {
  return { acquired: c.acquired, released: c.released, outstanding: c.outstanding };
}

/** The variables an op names, in its declaration's order (reads, then creates, then releases). */
function varArgs(op: string, args: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const u of varUses(op)) {
    const v = args[u.key];
    if (typeof v === "string" && !out.includes(v)) out.push(v);
  }
  return out;
}

function diff(
  prefix: string,
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
  out: Change[],
): void {
  if (!before && !after) return;
  if (!before) {
    out.push({ path: prefix, before: null, after });
    return;
  }
  if (!after) {
    out.push({ path: prefix, before, after: null });
    return;
  }
  for (const k of Object.keys(after)) {
    const b = before[k], a = after[k];
    if (Array.isArray(a) && Array.isArray(b)) {
      // list entries: one change per entry added, removed or changed
      for (let i = 0; i < Math.max(a.length, b.length); i++) {
        if (a[i] !== b[i]) {
          out.push({ path: `${prefix}.${k}[${i}]`, before: b[i] ?? null, after: a[i] ?? null });
        }
      }
    } else if (b !== a) out.push({ path: `${prefix}.${k}`, before: b ?? null, after: a });
  }
}
