/**
 * The realistic mixed workload of issue 12, as a JSON Lines trace: what a captured machine
 * doing O_DIRECT vectored I/O looks like after `import`, plus the kernel-side conversions.
 *
 * - 80% of I/Os: an O_DIRECT readv/writev (import_iovec of 1-1024 segments, a heavy-tailed
 *   count averaging about 17; 512-byte aligned segments of 512 B to 4.5 KiB laid out one
 *   after another in the user buffer, so about 11 distinct pages are pinned per I/O), built
 *   into bios of 256 bvecs (bio_iov_iter_get_pages), completed, released, returned, freed;
 * - 10%: a KVEC over kmalloc memory turned into an sg table (sg_init_table +
 *   extract_iter_to_sg), completed, freed;
 * - 10%: a BVEC over allocated pages mapped into RDMA SGEs (smb_extract_iter_to_rdma),
 *   completed, freed.
 *
 * Deterministic: the same `ops` and `seed` give the same bytes. Names are re-used once freed,
 * as a captured workload's are, so live state stays small while the trace grows.
 *
 * `deno task gen-workload --ops N [--seed S] > file.jsonl`
 *
 * @module
 */
import { stringify } from "yaml";

/** A small deterministic PRNG (mulberry32): a float in [0, 1). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Size of the user buffer the vectored I/Os use. */
const USER = 8 << 20;
/** Size of the kmalloc and page_alloc regions. */
const KERN = 1 << 20;
const PAGE = 4096;
const BIO_MAX_VECS = 256;

/** Counts of what the generated trace does, for the benchmark's report. */
export interface WorkloadStats {
  ops: number;
  ios: number;
  dio: number;
  kvec: number;
  bvec: number;
  /** Segments of the O_DIRECT I/Os. */
  segments: number;
  /** Distinct user pages the O_DIRECT I/Os cover (each pinned once per bio). */
  pages: number;
}

/** The header line of the workload trace. */
export function workloadHeader(ops: number, seed: number): string {
  return JSON.stringify({
    itertrace: 1,
    name: `workload-${ops}-${seed}`,
    description:
      "realistic mix: O_DIRECT vectored I/O into bios, KVEC to sg tables, BVEC to RDMA SGEs",
    kernel: "6.18",
    memory: {
      user: [{ region: "buf", vma: "anon", prot: "rw", size: USER, populated: true }],
      kernel: [
        { region: "kbuf", kind: "kmalloc", size: KERN },
        { region: "pg", kind: "page_alloc", size: KERN },
      ],
    },
  });
}

/**
 * The op lines of the workload, exactly `ops` of them (the last I/O may be cut short, which
 * leaves its variables live at the end: a replay reports them, as it would for a capture).
 */
export function* workloadOps(
  ops: number,
  seed: number,
  stats?: WorkloadStats,
): Generator<string> {
  const r = rng(seed);
  const int = (n: number) => Math.floor(r() * n);
  let emitted = 0;
  const st = stats ?? { ops: 0, ios: 0, dio: 0, kvec: 0, bvec: 0, segments: 0, pages: 0 };
  for (let k = 0; emitted < ops; k++) {
    const lines: unknown[] = [];
    const kind = r();
    const dest = r() < 0.6;
    const dir = dest ? "dest" : "source";
    st.ios++;
    if (kind < 0.8) {
      st.dio++;
      // a truncated Pareto (alpha 0.77) of segment counts: mean about 17, up to 1024
      const segs = Math.min(1024, Math.floor((1 - r()) ** (-1 / 0.77)));
      const lens = Array.from({ length: segs }, () => 512 * (1 + int(9)));
      const total = lens.reduce((s, l) => s + l, 0);
      let at = 512 * int((USER - total) / 512);
      const first = Math.floor(at / PAGE);
      const iov = lens.map((len) => {
        const base = `buf+0x${at.toString(16)}`;
        at += len;
        return { base, len };
      });
      const pages = Math.floor((at - 1) / PAGE) - first + 1;
      st.segments += segs;
      st.pages += pages;
      const it = `c${k % 64}`;
      lines.push({
        op: "import_iovec",
        id: `${dest ? "readv" : "writev"}@${k}`,
        iter: it,
        dir,
        iov,
      });
      // each segment adds at least one bvec; contiguous pages of one segment share one
      const nbios = Math.max(1, Math.ceil(segs / BIO_MAX_VECS));
      const bios = Array.from({ length: nbios }, (_v, j) => `${it}b${j}`);
      for (const b of bios) {
        lines.push({
          op: "bio_iov_iter_get_pages",
          iter: it,
          bio: b,
          max_vecs: BIO_MAX_VECS,
          lbs: 512,
        });
      }
      for (const b of bios) {
        lines.push({ op: "io_complete", of: b }, { op: "bio_release_pages", bio: b, dirty: dest });
      }
      lines.push({ op: "syscall_return", iters: [it] });
      for (const b of bios) lines.push({ op: "free", var: b });
      lines.push({ op: "free", var: it });
    } else if (kind < 0.9) {
      st.kvec++;
      const segs = 1 + int(4);
      const kvec = Array.from({ length: segs }, () => {
        const len = 64 * (1 + int(128));
        return { base: `kbuf+0x${(64 * int((KERN - len) / 64)).toString(16)}`, len };
      });
      const bytes = kvec.reduce((s, v) => s + v.len, 0);
      const nents = segs * 3;
      const it = `k${k % 64}`, sgt = `s${k % 64}`;
      lines.push(
        { op: "iov_iter_kvec", iter: it, dir, kvec },
        { op: "sg_init_table", sgt, nents },
        { op: "extract_iter_to_sg", iter: it, maxsize: bytes, sgt, sg_max: nents },
        { op: "io_complete", of: sgt },
        { op: "free", var: sgt },
        { op: "free", var: it },
      );
    } else {
      st.bvec++;
      const segs = 1 + int(8);
      const bvec = Array.from({ length: segs }, () => {
        const offset = 512 * int(8);
        return {
          page: `pg[${int(KERN / PAGE - 1)}]`,
          offset,
          len: 512 * (1 + int(8 - offset / 512)),
        };
      });
      const bytes = bvec.reduce((s, v) => s + v.len, 0);
      const it = `b${k % 64}`, rdma = `r${k % 64}`;
      lines.push(
        { op: "iov_iter_bvec", iter: it, dir: "source", bvec },
        {
          op: "smb_extract_iter_to_rdma",
          iter: it,
          len: bytes,
          rdma,
          max_sge: 16,
          reserve: 1,
          lkey: 0x1234,
          dma_dir: "to_device",
        },
        { op: "io_complete", of: rdma },
        { op: "free", var: rdma },
        { op: "free", var: it },
      );
    }
    for (const l of lines) {
      if (emitted === ops) break;
      emitted++;
      yield JSON.stringify(l);
    }
  }
  st.ops = emitted;
}

/**
 * The workload as a block-style YAML trace, a piece of text at a time: the header, `ops:`,
 * then each op as a `- ` item indented by two, the way `import -f yaml` writes ops.
 */
export function* workloadYaml(
  ops: number,
  seed: number,
  stats?: WorkloadStats,
): Generator<string> {
  yield stringify(JSON.parse(workloadHeader(ops, seed))) + "ops:\n";
  for (const line of workloadOps(ops, seed, stats)) yield yamlItem(JSON.parse(line));
}

/** One op as an item of a block-style trace's `ops:` list (`  - op: ...`, lines ending in \n). */
export function yamlItem(op: unknown): string {
  return stringify([op]).replace(/^(?=.)/gm, "  ");
}

/**
 * Writes a workload trace to a file (buffered, streaming): JSON Lines, or the same ops as
 * block-style YAML when the path ends in `.yaml`.
 */
export async function writeWorkload(
  path: string,
  ops: number,
  seed: number,
): Promise<WorkloadStats> {
  const stats: WorkloadStats = { ops: 0, ios: 0, dio: 0, kvec: 0, bvec: 0, segments: 0, pages: 0 };
  const f = await Deno.open(path, { write: true, create: true, truncate: true });
  const enc = new TextEncoder();
  const pieces = path.endsWith(".yaml") ? workloadYaml(ops, seed, stats) : (function* () {
    yield workloadHeader(ops, seed) + "\n";
    for (const line of workloadOps(ops, seed, stats)) yield line + "\n";
  })();
  let buf: string[] = [];
  let size = 0;
  const flush = async () => {
    const bytes = enc.encode(buf.join(""));
    for (let off = 0; off < bytes.length;) off += await f.write(bytes.subarray(off));
    buf = [];
    size = 0;
  };
  for (const piece of pieces) {
    buf.push(piece);
    size += piece.length;
    if (size > 1 << 20) await flush();
  }
  await flush();
  f.close();
  return stats;
}

if (import.meta.main) {
  const args = Deno.args;
  const opt = (name: string, def?: number) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : def;
  };
  const ops = opt("--ops");
  const seed = opt("--seed", 1)!;
  const out = args.includes("--out") ? args[args.indexOf("--out") + 1] : undefined;
  if (!ops || !Number.isSafeInteger(ops) || ops < 1 || !Number.isSafeInteger(seed)) {
    console.error("usage: gen-workload --ops N [--seed S] [--out file.jsonl|file.yaml]");
    Deno.exit(2);
  }
  if (out) {
    const st = await writeWorkload(out, ops, seed);
    console.error(JSON.stringify(st));
  } else {
    const enc = new TextEncoder();
    const w = Deno.stdout.writable.getWriter();
    let buf = [workloadHeader(ops, seed)];
    for (const line of workloadOps(ops, seed)) {
      buf.push(line);
      if (buf.length >= 4096) {
        await w.write(enc.encode(buf.join("\n") + "\n"));
        buf = [];
      }
    }
    await w.write(enc.encode(buf.join("\n") + "\n"));
    await w.close();
  }
}
