/**
 * Runs one shape on the running kernel and measures its pins: a fresh anonymous buffer
 * (THP when asked), the syscall bracketed by /proc/vmstat pin counters, each bracket preceded
 * by a quiet baseline; repeated until two runs agree. Also reads what backs each page
 * afterwards (/proc/self/pagemap, /proc/kpageflags), so the model can be told the real
 * frames: whether pages were merged into one bvec depends on their physical contiguity.
 *
 * @module
 */
import {
  iovecs,
  MADV_HUGEPAGE,
  MADV_NOHUGEPAGE,
  O_DIRECT,
  O_RDWR,
  SPLICE_F_NONBLOCK,
} from "./libc.ts";
import type { LiveSystem } from "./system.ts";
import { type PinCounters, readPins } from "./vmstat.ts";
import { type LiveShape, PAGE, THP } from "./shapes.ts";

/** /proc/kpageflags bits (include/uapi/linux/kernel-page-flags.h). */
export const KPF_THP = 22n;
export const KPF_ZERO_PAGE = 24n;

/** What one syscall did. */
export interface KernelRun {
  readonly ret: number;
  readonly acquired: number;
  readonly released: number;
  /** Frames of the buffer's pages after the call (0 = not present). */
  readonly pfns: number[];
  /** Every page of the buffer was in one THP. */
  readonly thp: boolean;
}

/** The agreed outcome of a case, with how many runs it took. */
export interface KernelResult extends KernelRun {
  readonly runs: number;
  readonly stable: boolean;
}

function sleepMs(ms: number): void {
  const t = performance.now();
  while (performance.now() - t < ms) { /* spin: no timers inside a bracket */ }
}

/** The frame behind a virtual address (0 when not present), and its kpageflags. */
export function frameOf(sys: LiveSystem, addr: bigint): { pfn: number; flags: bigint } {
  // pagemap: bit 63 present, bits 0-54 the frame (zero without CAP_SYS_ADMIN)
  const e = sys.readEntry("/proc/self/pagemap", Number(addr / BigInt(PAGE)));
  if (!(e >> 63n)) return { pfn: 0, flags: 0n };
  const pfn = Number(e & ((1n << 55n) - 1n));
  if (!pfn) return { pfn: 0, flags: 0n };
  return { pfn, flags: sys.readEntry("/proc/kpageflags", pfn) };
}

/**
 * Whether a read fault on private anonymous memory maps the shared zero page here (mainline)
 * or allocates a page (mm_forbids_zeropage(), pvm_no_zero_page=1).
 */
export function readFaultMapsZeroPage(sys: LiveSystem): boolean {
  const c = sys.libc;
  const a = c.mmapAnon(PAGE);
  try {
    c.peekByte(a);
    const f = frameOf(sys, a);
    return f.pfn !== 0 && ((f.flags >> KPF_ZERO_PAGE) & 1n) === 1n;
  } finally {
    c.munmap(a, PAGE);
  }
}

/** Maps the buffer of a shape; returns its address and the mapping to unmap. */
function mapBuffer(sys: LiveSystem, s: LiveShape): { addr: bigint; map: bigint; mapLen: number } {
  const c = sys.libc;
  if (s.thp) {
    const mapLen = 2 * THP;
    const map = c.mmapAnon(mapLen);
    const addr = (map + BigInt(THP - 1)) & ~BigInt(THP - 1);
    c.madvise(addr, THP, MADV_HUGEPAGE);
    return { addr, map, mapLen };
  }
  const map = c.mmapAnon(s.size);
  c.madvise(map, s.size, MADV_NOHUGEPAGE);
  return { addr: map, map, mapLen: s.size };
}

function once(
  sys: LiveSystem,
  s: LiveShape,
  fd: number,
  pipe: [number, number] | undefined,
): KernelRun & { quiet: boolean } {
  const c = sys.libc;
  const { addr, map, mapLen } = mapBuffer(sys, s);
  try {
    if (s.touched) { for (let o = 0; o < s.size; o += PAGE) c.pokeByte(addr + BigInt(o), 0x5a); }
    const iov = iovecs(s.segs.map((g) => ({ base: addr + BigInt(g.off), len: g.len })));
    const b0 = readPins(sys);
    sleepMs(5);
    const b1 = readPins(sys);
    const m0 = readPins(sys);
    const ret = s.syscall === "vmsplice"
      ? c.vmsplice(pipe![1], iov, s.segs.length, SPLICE_F_NONBLOCK)
      : c.rwv(s.syscall, fd, iov, s.segs.length, 0);
    sleepMs(20);
    const m1: PinCounters = readPins(sys);
    if (s.syscall === "vmsplice" && ret > 0) c.drain(pipe![0], ret);
    const pfns: number[] = [];
    let thp = s.thp;
    for (let o = 0; o < s.size; o += PAGE) {
      const f = frameOf(sys, addr + BigInt(o));
      pfns.push(f.pfn);
      if (!((f.flags >> KPF_THP) & 1n)) thp = false;
    }
    return {
      ret,
      acquired: m1.acquired - m0.acquired,
      released: m1.released - m0.released,
      pfns,
      thp,
      quiet: b1.acquired === b0.acquired && b1.released === b0.released,
    };
  } finally {
    c.munmap(map, mapLen);
  }
}

/** Runs a shape until two quiet runs agree (at most `tries` runs). */
export function runShape(sys: LiveSystem, s: LiveShape, file: string, tries = 6): KernelResult {
  const c = sys.libc;
  const fd = s.syscall === "vmsplice" ? -1 : c.openFile(file, O_RDWR | O_DIRECT);
  if (s.syscall !== "vmsplice" && fd < 0) throw new Error(`open ${file} O_DIRECT: errno ${-fd}`);
  const pipe = s.syscall === "vmsplice" ? c.makePipe() : undefined;
  try {
    let prev: KernelRun | undefined;
    let last: KernelRun | undefined;
    for (let n = 1; n <= tries; n++) {
      const r = once(sys, s, fd, pipe);
      last = r;
      if (!r.quiet) continue;
      if (
        prev && prev.ret === r.ret && prev.acquired === r.acquired &&
        prev.released === r.released
      ) {
        return { ...r, runs: n, stable: true };
      }
      prev = r;
    }
    return { ...last!, runs: tries, stable: false };
  } finally {
    if (fd >= 0) c.closeFd(fd);
    if (pipe) {
      c.closeFd(pipe[0]);
      c.closeFd(pipe[1]);
    }
  }
}
