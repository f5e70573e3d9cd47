/**
 * The report's data: every step held once, in a compact form the page's script draws from.
 *
 * A step records what it did (op, arguments, return, warnings, failures, changes) and, for
 * the objects it touched, a reference into a table of interned object views; an object that
 * did not change costs nothing. The held pages are recorded the same way: only the pages whose
 * pin or ref count moved. The page rebuilds the state of any step by applying those deltas,
 * so the file grows with the trace, not with the trace times its live objects.
 *
 * Every list entry and iterator segment is resolved here to the bytes it covers: pieces of
 * (bar, byte offset, length) on the memory bars (one per region, in address order; replay
 * allocations grouped by owner).
 *
 * @module
 */
import type { Replay, StepResult, Summary } from "../replay/engine.ts";
import type { Warning } from "../check/warnings.ts";
import type { Failure } from "../replay/compare.ts";
import type { OpNode } from "../trace/load.ts";
import type { Region } from "../model/memory.ts";
import { LINEAR_MAP_BASE, ZERO_PFN } from "../model/memory.ts";
import type { IovIter } from "../model/iter.ts";
import { hex, type Pfn } from "../types.ts";
import { show, showArg, shownArgs } from "./value.ts";

/** A memory bar: one region (or one owner's replay allocations). */
export interface Bar {
  /** Name shown on the bar. */
  readonly n: string;
  /** Region kind (anon, vmalloc, pagecache, alloc...) and space. */
  readonly k: string;
  /** Start address as hex, if the region has one. */
  readonly a: string | null;
  /** Size in bytes. */
  z: number;
  /** Page size. */
  readonly ps: number;
  /** Folio starts as [page index, order] for orders above 0 (bars of at most 4096 pages). */
  readonly f: [number, number][];
  /** Sort key: address order. */
  readonly key: [number, string, number];
}

/** One drawn entry: label, length, class, then its pieces flattened (bar, start, len)*. */
export type Entry = (string | number)[];

/** An object's view: key, type, title, entries and, for iterators, the position marker. */
export interface ObjView {
  readonly t: string;
  readonly h: string;
  readonly e: Entry[];
  /** Iterator position: bar, byte offset, remaining count. */
  readonly p?: [number, number, number];
}

/** One step as the page reads it. */
export interface StepData {
  /** op */
  o: string;
  /** arguments, as replay shows them */
  a: string;
  /** return value, in replay's notation */
  r?: string;
  /** trace line */
  l: number;
  /** changes: [path, before, after] */
  c?: [string, string, string][];
  /** warnings: [code, severity, message, cause step] */
  w?: [string, string, string, number | null][];
  /** failures: [path, expected, actual] */
  f?: [string, string, string][];
  /** skipped: why */
  s?: string;
  /** object updates: key -> view index, or -1 when the object is gone */
  u?: Record<string, number>;
  /** held pages that changed: [bar, page index, pins, refs]* flattened */
  h?: number[];
}

/** Everything the page needs. */
export interface ReportData {
  meta: { name: string; kernel: string; description?: string; file: string };
  bars: Bar[];
  views: ObjView[];
  /** Each step as JSON text (kept as text: far fewer live objects on long traces). */
  steps: string[];
  summary: Summary;
  /** Warnings found at the end of the replay: [code, severity, message, cause step, page] */
  end: [string, string, string, number | null, string | null][];
  /** Trace-level expectation failures: [path, expected, actual] */
  endFailures: [string, string, string][];
}

function warn(w: Warning): [string, string, string, number | null] {
  return [w.code, w.severity, w.message, w.cause ?? null];
}

function fail(f: Failure): [string, string, string] {
  return [f.path, show(f.expected), show(f.actual)];
}

/** Collects the report's data while a trace replays (feed it every step, then finish). */
export class ReportCollector {
  private readonly bars: Bar[] = [];
  private readonly barOf = new Map<string, number>();
  private readonly views: ObjView[] = [];
  private readonly viewIdx = new Map<string, number>();
  private readonly last = new Map<string, string>();
  private readonly steps: string[] = [];
  private replay: Replay | undefined;

  /** Records one step; call it after the replay ran the step. */
  onStep(st: StepResult, node: OpNode, replay: Replay): void {
    this.replay = replay;
    const a = shownArgs(node.args).map(([k, v]) => `${k}=${showArg(v)}`).join(", ");
    const d: StepData = { o: st.op, a, l: st.line };
    if (st.ret !== null && st.ret !== undefined) d.r = show(st.ret);
    if (st.changes.length) {
      d.c = st.changes.map((c) => [
        c.path,
        c.before === null ? "" : show(c.before),
        c.after === null ? "(gone)" : show(c.after),
      ]);
    }
    if (st.warnings.length) d.w = st.warnings.map(warn);
    if (st.failures.length) d.f = st.failures.map(fail);
    if (st.skipped) d.s = st.skipped;
    const u = this.updates(replay, node);
    if (u) d.u = u;
    const h = this.heldDelta(replay);
    if (h.length) d.h = h;
    this.steps.push(JSON.stringify(d));
  }

  /** The finished data. */
  finish(
    meta: ReportData["meta"],
    summary: Summary,
    endWarnings: readonly Warning[],
    endFailures: readonly Failure[],
  ): ReportData {
    // every region gets a bar, referenced or not
    if (this.replay) { for (const r of this.replay.mem.regions.values()) this.bar(r); }
    return {
      meta,
      bars: this.bars,
      views: this.views,
      steps: this.steps,
      summary,
      end: endWarnings.map((w) => [...warn(w), w.page ?? null]),
      endFailures: endFailures.map(fail),
    };
  }

  /** Views of the objects this step may have changed, where they did change. */
  private updates(replay: Replay, node: OpNode): Record<string, number> | undefined {
    const named = new Set<string>();
    for (const v of Object.values(node.args)) {
      for (const s of Array.isArray(v) ? v : [v]) if (typeof s === "string") named.add(s);
    }
    // few live objects: look at all of them; many: at those the op names and at every
    // iterator over a pipe (an op on the pipe moves them without naming them)
    const all = replay.scope.vars.size <= 32;
    const names = new Set(named);
    for (const [n, v] of replay.scope.vars) {
      if (all || (v.type === "iter" && v.iter.kind === "pipe")) names.add(n);
    }
    let out: Record<string, number> | undefined;
    const put = (key: string, view: ObjView | undefined) => {
      const json = view ? JSON.stringify(view) : "";
      if ((this.last.get(key) ?? "") === json) return;
      if (view) this.last.set(key, json);
      else this.last.delete(key);
      let idx = -1;
      if (view) {
        idx = this.viewIdx.get(json) ?? -1;
        if (idx < 0) {
          idx = this.views.length;
          this.views.push(view);
          this.viewIdx.set(json, idx);
        }
      }
      (out ??= {})[key] = idx;
    };
    const TYPES = ["iter", "pages", "sgt", "rdma", "mr", "bio"];
    for (const name of names) {
      const v = replay.scope.vars.get(name);
      // an object freed, or a name re-used for another kind of object: the old one is gone
      for (const t of TYPES) {
        if (t !== v?.type && this.last.has(`${t}.${name}`)) put(`${t}.${name}`, undefined);
      }
      if (!v || v.type === "state") continue;
      put(`${v.type}.${name}`, this.view(replay, name));
    }
    for (const [name, p] of replay.scope.pipes) {
      const e: Entry[] = [];
      for (let h = p.tail; h < p.head; h++) {
        const b = p.bufs.get(h);
        if (b) e.push(this.entry(`${h}: ${this.pageName(b.pfn)}`, b.len, "pipe", b.pfn, b.offset));
      }
      put(`pipe.${name}`, { t: "pipe", h: `pipe ${name} (head ${p.head}, tail ${p.tail})`, e });
    }
    return out;
  }

  private pageName(pfn: Pfn): string {
    return this.replay!.mem.pageName(pfn);
  }

  /** The bar of a region, created on first sight. */
  private bar(r: Region): number {
    const alloc = r.space === "alloc";
    const name = alloc ? r.name.replace(/:\d+$/, "") : r.name;
    const key = `${alloc ? "alloc" : r.space}:${name}`;
    const known = this.barOf.get(key);
    if (known !== undefined) {
      if (alloc) {
        const idx = Number(r.name.slice(name.length + 1));
        const b = this.bars[known];
        b.z = Math.max(b.z, (idx + 1) * b.ps);
      }
      return known;
    }
    const mem = this.replay!.mem;
    const ps = mem.pageSize;
    let addr: bigint | undefined = r.start;
    if (addr === undefined && r.space === "kernel") {
      addr = LINEAR_MAP_BASE + BigInt(r.pfnOf(0)) * BigInt(ps);
    }
    const folios: [number, number][] = [];
    if (!alloc && r.npages <= 4096) {
      for (let i = 0; i < r.npages;) {
        const fo = r.folioOf(i);
        if (fo && fo.headIndex === i && fo.order > 0) folios.push([i, fo.order]);
        i += fo && fo.headIndex === i ? 2 ** fo.order : 1;
      }
    }
    const spaceRank = { user: 0, kernel: 1, file: 2, alloc: 3 }[r.space];
    const b: Bar = {
      n: name,
      k: `${r.space} ${r.kind}${r.task && r.space === "user" ? ` (task ${r.task})` : ""}`,
      a: addr === undefined ? null : hex(addr),
      z: alloc ? ps * (Number(r.name.slice(name.length + 1)) + 1) : r.size,
      ps,
      f: folios,
      // address order within a space; unaddressed ones in declaration order
      key: [spaceRank, addr === undefined ? "" : addr.toString(16).padStart(16, "0"), r.seq],
    };
    const id = this.bars.length;
    this.bars.push(b);
    this.barOf.set(key, id);
    return id;
  }

  /** Bar and byte offset of a page, or undefined for frames no region declares. */
  private where(pfn: Pfn): [number, number] | undefined {
    const mem = this.replay!.mem;
    if (pfn === ZERO_PFN) return undefined;
    const loc = mem.pageLoc(pfn);
    if (!loc) return undefined;
    const bar = this.bar(loc.region);
    const idx = loc.region.space === "alloc"
      ? Number(loc.region.name.slice(loc.region.name.lastIndexOf(":") + 1))
      : loc.index;
    return [bar, idx * mem.pageSize];
  }

  /** An entry over `len` bytes from (pfn, offset). */
  private entry(label: string, len: number, cls: string, pfn: Pfn, offset: number): Entry {
    const w = this.where(pfn);
    const e: Entry = [label, len, cls];
    if (w) this.piece(e, w[0], w[1] + offset, len);
    return e;
  }

  /** Appends a piece, clipped to its bar. */
  private piece(e: Entry, bar: number, start: number, len: number): void {
    const z = this.bars[bar].z;
    if (start >= z) return;
    e.push(bar, start, Math.max(0, Math.min(len, z - start)));
  }

  /** An entry over a virtual range of the iterator's task. */
  private addrEntry(it: IovIter, label: string, base: bigint, len: number, cls: string): Entry {
    const e: Entry = [label, len, cls];
    const loc = this.replay!.mem.translate(base, it.task);
    if (loc) this.piece(e, this.bar(loc.region), loc.offset, len);
    return e;
  }

  private view(replay: Replay, name: string): ObjView | undefined {
    const v = replay.scope.vars.get(name)!;
    const ps = replay.mem.pageSize;
    switch (v.type) {
      case "iter":
        return this.iterView(v.iter);
      case "pages": {
        const l = v.list;
        let left = l.bytes;
        const e = l.entries.map((x, i) => {
          const off = i === 0 ? l.offset0 : 0;
          const len = Math.max(0, Math.min(ps - off, left));
          left -= len;
          return this.entry(
            this.pageName(x.pfn),
            len,
            `${x.retention}${x.released ? " released" : ""}`,
            x.pfn,
            off,
          );
        });
        const ret = l.entries[0]?.retention ?? "none";
        return {
          t: "pages",
          h: `pages ${name} (${l.entries.length} pages, ${ret}, offset0 ${hex(l.offset0)})`,
          e,
        };
      }
      case "sgt": {
        const t = v.sgt;
        const e = t.entries.slice(0, t.nents).map((x, i) =>
          this.entry(
            `sg${i} ${this.pageName(x.pfn)}+${hex(x.offset)}${
              x.dmaAddress !== undefined ? ` dma ${hex(x.dmaAddress)}` : ""
            }`,
            x.length,
            `sg ${x.retention}${x.released ? " released" : ""}`,
            x.pfn,
            x.offset,
          )
        );
        return { t: "sgt", h: `sgt ${name} (nents ${t.nents}, orig_nents ${t.origNents})`, e };
      }
      case "rdma": {
        const r = v.rdma;
        const e = r.sge.map((g, i) =>
          g.reserved
            ? [`sge${i} reserved`, g.length, "sge reserved"]
            : this.entry(`sge${i} ${hex(g.addr)}`, g.length, "sge", g.pfn, g.offset)
        );
        return { t: "rdma", h: `rdma ${name} (nr_sge ${r.sge.length}, max ${r.maxSge})`, e };
      }
      case "mr": {
        const m = v.mr;
        const e = m.pages.map((addr, i) => {
          const ent: Entry = [`P${i} ${hex(addr)}`, m.pageSize, "mr"];
          // without an IOMMU a DMA address is the physical address
          if (!replay.header.dma.iommu) {
            const w = this.where(Math.floor(addr / ps));
            if (w) this.piece(ent, w[0], w[1] + (addr % ps), m.pageSize);
          }
          return ent;
        });
        return {
          t: "mr",
          h: `mr ${name} (ret ${m.ret}, iova ${hex(m.iova)}, length ${hex(m.length)})`,
          e,
        };
      }
      case "bio": {
        const b = v.bio;
        const cls = b.pinned ? "pin" : b.reffed ? "ref" : "none";
        const e = b.bvec.map((x, i) =>
          this.entry(
            `bv${i} ${this.pageName(x.pfn)}+${hex(x.offset)}`,
            x.len,
            `bvec ${cls}${b.released ? " released" : ""}`,
            x.pfn,
            x.offset,
          )
        );
        const flags = [b.pinned && "pinned", b.reffed && "reffed", b.cloned && "cloned"]
          .filter(Boolean).join(", ");
        return {
          t: "bio",
          h: `bio ${name} (vcnt ${b.bvec.length}, size ${hex(b.size)}${flags ? `, ${flags}` : ""})`,
          e,
        };
      }
    }
    return undefined;
  }

  private iterView(it: IovIter): ObjView {
    const e: Entry[] = [];
    // segments are drawn only as far as the count reaches
    let left = it.count;
    const take = (len: number) => {
      const n = Math.max(0, Math.min(len, left));
      left -= n;
      return n;
    };
    // segments of pages (bvec, folio queue slots) from the current one on
    const pageSegs = (idx: number, segs: readonly { pfn: Pfn; offset: number; len: number }[]) => {
      for (let k = idx; k < segs.length; k++) {
        const skip = k === idx ? it.iovOffset : 0;
        const s = segs[k], at = s.offset + skip;
        const n = take(s.len - skip);
        if (n > 0) {
          e.push(this.entry(`${k}: ${this.pageName(s.pfn)}+${hex(at)}`, n, "seg", s.pfn, at));
        }
      }
    };
    switch (it.kind) {
      case "ubuf":
        if (it.count) {
          const at = it.ubuf + BigInt(it.iovOffset);
          e.push(this.addrEntry(it, hex(at), at, it.count, "seg"));
        }
        break;
      case "iovec":
      case "kvec":
        for (let k = it.idx; k < it.segs.length; k++) {
          const skip = k === it.idx ? it.iovOffset : 0;
          const s = it.segs[k];
          const base = s.base + BigInt(skip);
          const n = take(s.len - skip);
          if (n > 0) e.push(this.addrEntry(it, `${k}: ${hex(base)}`, base, n, "seg"));
        }
        break;
      case "bvec":
        pageSegs(it.idx, it.segs);
        break;
      case "folioq":
        pageSegs(
          it.idx,
          it.slots.map((s) => ({ pfn: s.headPfn, offset: 0, len: s.size })),
        );
        break;
      case "xarray": {
        const start = it.xarrayStart + it.iovOffset;
        if (it.count) {
          const ent: Entry = [`${it.file.name} @${hex(start)}`, it.count, "seg"];
          this.piece(ent, this.bar(it.file), start, it.count);
          e.push(ent);
        }
        break;
      }
      case "pipe":
        for (let h = it.pipe.tail; h < it.pipe.head; h++) {
          const b = it.pipe.bufs.get(h);
          if (b) e.push(this.entry(`${h}: ${this.pageName(b.pfn)}`, b.len, "seg", b.pfn, b.offset));
        }
        break;
      case "discard":
        break;
    }
    // the position: where the next byte would come from (for address-based kinds also
    // when nothing remains)
    let p: [number, number, number] | undefined;
    let at: bigint | undefined;
    if (it.kind === "ubuf") at = it.ubuf + BigInt(it.iovOffset);
    else if ((it.kind === "iovec" || it.kind === "kvec") && it.segs.length) {
      const k = Math.min(it.idx, it.segs.length - 1);
      at = it.segs[k].base + BigInt(k === it.idx ? it.iovOffset : it.segs[k].len);
    }
    const loc = at === undefined ? undefined : this.replay!.mem.translate(at, it.task);
    if (loc) p = [this.bar(loc.region), loc.offset, it.count];
    else if (it.kind === "xarray") p = [this.bar(it.file), it.xarrayStart + it.iovOffset, it.count];
    else {
      const first = e.find((x) => x.length > 3);
      if (first) p = [first[3] as number, first[4] as number, it.count];
    }
    return {
      t: "iter",
      h: `iter ${it.name} (${it.kind}, ${it.dir}, count ${hex(it.count)}, iov_offset ${
        hex(it.iovOffset)
      })`,
      e,
      ...(p ? { p } : {}),
    };
  }

  /** Pages whose pin or ref count moved during the step (the step's hold effects), with
   * their new counts. */
  private heldDelta(replay: Replay): number[] {
    const pfns = new Set<Pfn>();
    for (const e of replay.stepEffects) if (e.kind === "hold") pfns.add(e.pfn);
    const out: number[] = [];
    for (const pfn of [...pfns].sort((a, b) => a - b)) {
      const w = this.where(pfn);
      if (!w) continue;
      const led = replay.ledger;
      out.push(w[0], w[1] / replay.mem.pageSize, led.count("pin", pfn), led.count("ref", pfn));
    }
    return out;
  }
}
