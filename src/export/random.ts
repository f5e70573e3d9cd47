/**
 * Seeded random shapes for `export kunit --random N --seed S`: one trace per case, with a
 * random iterator (kind, memory, segment layout) and a random run of extractions, copies,
 * advances and reverts, queries and extract_iter_to_sg. Each op is kept only if the case still
 * exports whole (no op skipped, no hazard), so every generated op runs on the real kernel.
 * The same seed and era always give the same traces.
 *
 * @module
 */
import { loadDocument, type LoadedTrace } from "../trace/load.ts";
import { Replay } from "../replay/engine.ts";
import { exportCase } from "./case.ts";
import type { Kapi } from "./kapi.ts";

/** A small deterministic generator (mulberry32). */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  }
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length - 1)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

type Doc = {
  itertrace: 1;
  name: string;
  kernel: string;
  memory: Record<string, unknown[]>;
  ops: Record<string, unknown>[];
};

const PAGE = 4096;

/** An interesting length: page multiples, near them, small, or anything. */
function length(rng: Rng, max: number): number {
  if (max <= 0) return 0;
  const c = rng.int(0, 5);
  const v = c === 0
    ? PAGE * rng.int(1, 4)
    : c === 1
    ? PAGE * rng.int(1, 3) + rng.pick([-1, 1, -512, 512])
    : c === 2
    ? rng.int(1, 64)
    : c === 3
    ? 0
    : rng.int(1, max);
  return Math.max(0, Math.min(v, max));
}

/** The iterator kinds an era can build in a test. */
function kinds(kapi: Kapi): string[] {
  const k = ["kvec", "kvec", "bvec", "bvec", "xarray"];
  if (kapi.has("user_mm")) k.push("ubuf", "iovec", "iovec");
  if (kapi.has("folio_queue")) k.push("folioq", "folioq");
  return k;
}

function iterDoc(rng: Rng, kapi: Kapi, doc: Doc): void {
  const kind = rng.pick(kinds(kapi));
  const dir = rng.pick(["source", "dest"]);
  const npages = rng.int(1, 12);
  const size = npages * PAGE;
  const seed = rng.int(1, 0xffffff);
  doc.memory.kernel = [{ region: "k", kind: "kmalloc", size: 64 * 1024, fill: { random: seed } }];
  const segs = (n: number) =>
    Array.from({ length: n }, () => {
      const off = rng.int(0, size - 1);
      return { off, len: length(rng, size - off) };
    });
  if (kind === "kvec" || kind === "iovec" || kind === "ubuf") {
    if (kind === "kvec") {
      const k = rng.pick(["kmalloc", "vmalloc", "page_alloc"]);
      doc.memory.kernel.push({ region: "buf", kind: k, size, fill: { random: seed + 1 } });
    } else {
      doc.memory.user = [{
        region: "buf",
        size,
        ...(rng.chance(0.25) ? { populated: false } : { fill: { random: seed + 1 } }),
      }];
    }
    if (kind === "ubuf") {
      const [s] = segs(1);
      doc.ops.push({ op: "iov_iter_ubuf", iter: "it", dir, addr: `buf+${s.off}`, len: s.len });
    } else {
      const list = segs(rng.int(1, 8)).map((s) => ({ base: `buf+${s.off}`, len: s.len }));
      doc.ops.push({
        op: kind === "kvec" ? "iov_iter_kvec" : "iov_iter_init",
        iter: "it",
        dir,
        [kind === "kvec" ? "kvec" : "iov"]: list,
      });
    }
  } else if (kind === "bvec") {
    doc.memory.kernel.push({ region: "buf", kind: "page_alloc", size, fill: { random: seed + 1 } });
    const list = Array.from({ length: rng.int(1, 8) }, () => {
      const page = rng.int(0, npages - 1);
      const offset = rng.int(0, PAGE - 1);
      const room = (npages - page) * PAGE - offset;
      return { page: `buf[${page}]`, offset, len: length(rng, room) };
    });
    doc.ops.push({ op: "iov_iter_bvec", iter: "it", dir, bvec: list });
  } else if (kind === "xarray") {
    doc.memory.files = [{ name: "f", size, fill: { random: seed + 1 } }];
    const start = rng.int(0, size - 1);
    doc.ops.push({
      op: "iov_iter_xarray",
      iter: "it",
      dir,
      file: "f",
      start,
      count: length(rng, size - start),
    });
  } else {
    const folios: { index: number; order: number }[] = [];
    for (let i = 0; i < npages;) {
      let order = rng.pick([0, 0, 1, 2]);
      while (order > 0 && (i % 2 ** order !== 0 || i + 2 ** order > npages)) order--;
      folios.push({ index: i, order });
      i += 2 ** order;
    }
    doc.memory.files = [{ name: "f", size, folios, fill: { random: seed + 1 } }];
    const first = PAGE * 2 ** folios[0].order;
    const offset = rng.int(0, first - 1);
    doc.ops.push({
      op: "iov_iter_folio_queue",
      iter: "it",
      dir,
      folios: "f",
      offset,
      count: length(rng, size - offset),
    });
  }
}

/** State a candidate op is chosen from: the iterator's count now and since its start. */
function iterState(trace: LoadedTrace, era: string): { count: number; moved: number } | undefined {
  try {
    const r = new Replay(trace, { kernel: era, changes: false });
    let initial: number | undefined;
    for (const op of trace.ops) {
      r.step(op);
      const v = r.scope.get("it");
      if (v?.type === "iter" && initial === undefined) initial = v.iter.count;
    }
    const v = r.scope.get("it");
    if (v?.type !== "iter" || initial === undefined) return undefined;
    return { count: v.iter.count, moved: Math.max(0, initial - v.iter.count) };
  } catch {
    return undefined;
  }
}

function candidate(rng: Rng, kapi: Kapi, st: { count: number; moved: number }, n: number) {
  const c = rng.int(0, 9);
  const extract = kapi.has("extract_pages");
  const ops: Record<string, unknown>[] = [];
  if (c <= 1) {
    const bytes = length(rng, st.count + 64);
    ops.push(
      rng.chance(0.5)
        ? { op: "copy_to_iter", iter: "it", from: `k+${rng.int(0, 4096)}`, bytes }
        : { op: "copy_from_iter", iter: "it", to: `k+${rng.int(0, 4096)}`, bytes },
    );
  } else if (c === 2) {
    ops.push({ op: "iov_iter_advance", iter: "it", bytes: length(rng, st.count) });
  } else if (c === 3) {
    ops.push({ op: "iov_iter_revert", iter: "it", bytes: length(rng, st.moved) });
  } else if (c <= 5) {
    const as = `p${n}`;
    const maxsize = rng.chance(0.3) ? length(rng, st.count + PAGE) : 0x100000;
    const maxpages = rng.int(1, 16);
    const get = !extract || rng.chance(0.3);
    ops.push({
      op: get ? "iov_iter_get_pages2" : "iov_iter_extract_pages",
      iter: "it",
      maxsize,
      maxpages,
      as,
    });
    ops.push({ op: get ? "put_page" : "unpin_user_pages", pages: as });
  } else if (c <= 7 && extract && st.count > 0) {
    const sgt = `t${n}`;
    const nents = rng.int(1, 16);
    ops.push({ op: "sg_init_table", sgt, nents });
    ops.push({
      op: "extract_iter_to_sg",
      iter: "it",
      // callers pass at most the iterator's count, and never call it on an empty iterator:
      // the FOLIOQ and XARRAY walkers do not stop at the count (it underflows; seen on
      // 6.12.118, where the model's later advance then disagreed)
      maxsize: rng.chance(0.3) ? Math.max(1, length(rng, st.count)) : st.count,
      sgt,
      sg_max: rng.int(1, nents),
    });
    ops.push({ op: "unpin_user_pages", pages: sgt });
  } else {
    ops.push(
      rng.pick([
        { op: "iov_iter_count", iter: "it" },
        { op: "iov_iter_npages", iter: "it", maxpages: rng.int(1, 64) },
        { op: "iov_iter_single_seg_count", iter: "it" },
        { op: "iov_iter_alignment", iter: "it" },
      ]),
    );
  }
  return ops;
}

/** Drops a release op that would release nothing the extraction holds (kernel-backed lists). */
function tidy(trace: LoadedTrace, era: string, ops: Record<string, unknown>[]) {
  const r = new Replay(trace, { kernel: era, changes: false });
  for (const op of trace.ops) r.step(op);
  return ops.filter((o) => {
    if (o.op !== "unpin_user_pages" && o.op !== "put_page") return true;
    const list = r.scope.listOf(o.pages as string);
    return !!list && list.entries.length > 0 && list.entries.every((e) => e.held);
  });
}

function load(doc: Doc): LoadedTrace | undefined {
  return loadDocument(JSON.stringify(doc), `random/${doc.name}`).trace;
}

/** Generates `count` random traces for an era from `seed`. */
export function randomTraces(count: number, seed: number, kapi: Kapi): LoadedTrace[] {
  const out: LoadedTrace[] = [];
  const rng = new Rng(seed);
  for (let i = 0; i < count; i++) {
    let trace: LoadedTrace | undefined;
    for (let attempt = 0; attempt < 20 && !trace; attempt++) {
      const doc: Doc = {
        itertrace: 1,
        name: `random-${seed}-${i}`,
        kernel: kapi.era,
        memory: {},
        ops: [],
      };
      iterDoc(rng, kapi, doc);
      const t0 = load(doc);
      if (!t0 || !fullyExported(t0, kapi)) continue;
      trace = t0;
      const want = rng.int(2, 7);
      for (let n = 0, tries = 0; n < want && tries < 30; tries++) {
        const st = iterState(trace, kapi.era);
        if (!st) break;
        let ops = candidate(rng, kapi, st, n);
        const trial = load({ ...doc, ops: [...doc.ops, ...ops] });
        if (!trial) continue;
        try {
          ops = tidy(trial, kapi.era, ops);
        } catch {
          continue;
        }
        const next = load({ ...doc, ops: [...doc.ops, ...ops] });
        if (!next || !fullyExported(next, kapi)) continue;
        doc.ops.push(...ops);
        trace = next;
        n++;
      }
    }
    if (trace) out.push(trace);
  }
  return out;
}

function fullyExported(t: LoadedTrace, kapi: Kapi): boolean {
  const c = exportCase(t, kapi, "probe");
  return c.c !== undefined && c.skipped.length === 0;
}
