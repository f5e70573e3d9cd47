/**
 * Random O_DIRECT and vmsplice shapes for `itertrace live --random N --seed S`: 1 to 1024
 * segments, aligned and unaligned addresses and lengths, touched and untouched buffers, THP,
 * requests larger than one bio, segments sharing pages. Deterministic for a seed.
 *
 * @module
 */

/** One case: a buffer and the iovecs of one syscall over it. */
export interface LiveShape {
  readonly syscall: "preadv" | "pwritev" | "vmsplice";
  /** Buffer size in bytes (a multiple of the page size; 2 MiB for THP). */
  readonly size: number;
  readonly thp: boolean;
  /** Every page written before the call. */
  readonly touched: boolean;
  /** Segments as offsets into the buffer. */
  readonly segs: readonly { off: number; len: number }[];
  /** What the generator aimed at, for the report. */
  readonly kind: string;
}

/** mulberry32: a small, documented 32-bit generator. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The page size and a PMD-sized THP (x86-64, arm64 with 4 KiB pages). */
export const PAGE = 4096;
export const THP = 2 * 1024 * 1024;
/** The largest request generated (the test file holds 32 MiB). */
export const MAX_REQUEST = 16 * 1024 * 1024;

/** Generates `n` shapes from `seed`. */
export function randomShapes(n: number, seed: number): LiveShape[] {
  const r = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const out: LiveShape[] = [];
  for (let i = 0; i < n; i++) {
    const u = r();
    const syscall = u < 0.08 ? "vmsplice" : u < 0.54 ? "preadv" : "pwritev";
    const thp = syscall !== "vmsplice" && r() < 0.15;
    const touched = thp || r() < 0.7;
    // alignment: fully aligned, unaligned addresses only, unaligned lengths, both, or a total
    // length the device refuses
    const align = pick(["aligned", "aligned", "addr", "len", "both", "total"] as const);
    const nseg = syscall === "vmsplice"
      ? int(1, 4)
      : pick([int(1, 4), int(1, 4), int(5, 64), int(5, 64), int(65, 1024)]);
    const maxLen = syscall === "vmsplice" ? 2 * PAGE : nseg > 256 ? 3 * PAGE : 6 * PAGE;
    const segs: { off: number; len: number }[] = [];
    // shared pages: segments may start where the last one ended, or inside its last page
    let cursor = align === "aligned" || align === "len" ? 0 : int(1, 511);
    for (let k = 0; k < nseg; k++) {
      let len: number;
      if (align === "aligned" || align === "addr") len = 512 * int(1, maxLen / 512);
      else len = int(1, maxLen);
      const gap = pick([0, 0, 512, PAGE, int(0, 2 * PAGE)]);
      let off = cursor + (align === "aligned" || align === "len" ? gap & ~511 : gap);
      if (align === "aligned" || align === "len") off &= ~511;
      segs.push({ off, len });
      cursor = off + len;
    }
    if (align === "total") {
      // a total that is not a multiple of 512: the file system refuses it before pinning
      const last = segs[segs.length - 1];
      segs[segs.length - 1] = { off: last.off, len: last.len + int(1, 511) };
    } else if (align === "len" || align === "both") {
      // keep the total a multiple of 512 so the per-vector check is what decides
      const total = segs.reduce((s, x) => s + x.len, 0);
      const fix = (512 - (total % 512)) % 512;
      const last = segs[segs.length - 1];
      segs[segs.length - 1] = { off: last.off, len: last.len + fix };
    }
    let end = Math.max(...segs.map((s) => s.off + s.len));
    let total = segs.reduce((s, x) => s + x.len, 0);
    while (total > MAX_REQUEST || (thp && end > THP)) {
      segs.pop();
      end = Math.max(...segs.map((s) => s.off + s.len));
      total = segs.reduce((s, x) => s + x.len, 0);
    }
    if (!segs.length) {
      segs.push({ off: 0, len: PAGE });
      end = PAGE;
    }
    const size = thp ? THP : Math.ceil(end / PAGE) * PAGE;
    out.push({
      syscall,
      size,
      thp,
      touched,
      segs,
      kind: `${align}${thp ? "+thp" : ""}${touched ? "" : "+untouched"}`,
    });
  }
  return out;
}
