/**
 * Runs one shape on the running kernel and measures its pins: a fresh anonymous buffer
 * (THP when asked), the syscall bracketed by /proc/vmstat pin counters, each bracket preceded
 * by a quiet baseline; repeated until two runs agree. Also reads what backs each page
 * afterwards (/proc/self/pagemap, /proc/kpageflags), so the model can be told the real
 * frames: whether pages were merged into one bvec depends on their physical contiguity.
 *
 * @module
 */
import * as c from "./libc.ts";
import { type PinCounters, readPins } from "./vmstat.ts";
import type { LiveShape } from "./shapes.ts";

const PAGE = 4096;
const THP = 2 * 1024 * 1024;
const KPF_ZERO_PAGE = 24n;
const KPF_THP = 22n;

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
export function frameOf(addr: bigint): { pfn: number; flags: bigint } {
  const pm = Deno.openSync("/proc/self/pagemap", { read: true });
  const buf = new Uint8Array(8);
  try {
    pm.seekSync(Number(addr / BigInt(PAGE)) * 8, Deno.SeekMode.Start);
    pm.readSync(buf);
  } finally {
    pm.close();
  }
  const e = new DataView(buf.buffer).getBigUint64(0, true);
  if (!(e >> 63n)) return { pfn: 0, flags: 0n };
  const pfn = Number(e & ((1n << 55n) - 1n));
  if (!pfn) return { pfn: 0, flags: 0n };
  const kf = Deno.openSync("/proc/kpageflags", { read: true });
  try {
    kf.seekSync(pfn * 8, Deno.SeekMode.Start);
    kf.readSync(buf);
  } finally {
    kf.close();
  }
  return { pfn, flags: new DataView(buf.buffer).getBigUint64(0, true) };
}

/**
 * Whether a read fault on private anonymous memory maps the shared zero page here (mainline)
 * or allocates a page (mm_forbids_zeropage(), pvm_no_zero_page=1).
 */
export function readFaultMapsZeroPage(): boolean {
  const a = c.mmapAnon(PAGE);
  try {
    c.peekByte(a);
    const f = frameOf(a);
    return f.pfn !== 0 && ((f.flags >> KPF_ZERO_PAGE) & 1n) === 1n;
  } finally {
    c.munmap(a, PAGE);
  }
}

/** Maps the buffer of a shape; returns its address and the mapping to unmap. */
function mapBuffer(s: LiveShape): { addr: bigint; map: bigint; mapLen: number } {
  if (s.thp) {
    const mapLen = 2 * THP;
    const map = c.mmapAnon(mapLen);
    const addr = (map + BigInt(THP - 1)) & ~BigInt(THP - 1);
    c.madvise(addr, THP, c.MADV_HUGEPAGE);
    return { addr, map, mapLen };
  }
  const map = c.mmapAnon(s.size);
  c.madvise(map, s.size, c.MADV_NOHUGEPAGE);
  return { addr: map, map, mapLen: s.size };
}

function once(s: LiveShape, fd: number, pipe: [number, number] | undefined): KernelRun & {
  quiet: boolean;
} {
  const { addr, map, mapLen } = mapBuffer(s);
  try {
    if (s.touched) { for (let o = 0; o < s.size; o += PAGE) c.pokeByte(addr + BigInt(o), 0x5a); }
    const iov = c.iovecs(s.segs.map((g) => ({ base: addr + BigInt(g.off), len: g.len })));
    const b0 = readPins();
    sleepMs(5);
    const b1 = readPins();
    const m0 = readPins();
    const ret = s.syscall === "vmsplice"
      ? c.vmsplice(pipe![1], iov, s.segs.length, c.SPLICE_F_NONBLOCK)
      : c.rwv(s.syscall, fd, iov, s.segs.length, 0);
    sleepMs(20);
    const m1: PinCounters = readPins();
    if (s.syscall === "vmsplice" && ret > 0) c.drain(pipe![0], ret);
    const pfns: number[] = [];
    let thp = s.thp;
    for (let o = 0; o < s.size; o += PAGE) {
      const f = frameOf(addr + BigInt(o));
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
export function runShape(s: LiveShape, file: string, tries = 6): KernelResult {
  const fd = s.syscall === "vmsplice" ? -1 : c.openFile(file, c.O_RDWR | c.O_DIRECT);
  if (s.syscall !== "vmsplice" && fd < 0) throw new Error(`open ${file} O_DIRECT: errno ${-fd}`);
  const pipe = s.syscall === "vmsplice" ? c.makePipe() : undefined;
  try {
    let prev: KernelRun | undefined;
    let last: KernelRun | undefined;
    for (let n = 1; n <= tries; n++) {
      const r = once(s, fd, pipe);
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
