/**
 * A fake machine for `itertrace live`: a kernel the test controls, met at the same two places
 * the real one is (src/live/system.ts's LiveSystem, and libc's symbols under src/live/libc.ts),
 * so the command's own code runs unchanged without root, FFI or a block device.
 *
 * It keeps anonymous mappings page by page (a frame per faulted page, the shared zero page for
 * read faults when asked, THP frames for MADV_HUGEPAGE), files and their fds, pipes, errno,
 * /proc/vmstat's FOLL_PIN counters (folded in only when /proc/sys/vm/stat_refresh is written),
 * /proc/self/pagemap and /proc/kpageflags entries, /proc/self/mounts and the sysfs queue of
 * the test file's device. What an O_DIRECT preadv/pwritev or a vmsplice returns, and how many
 * pins it takes, is the test's `answer`: a recorded kernel's, the model's, or a wrong one.
 */
import {
  FIEMAP_EXTENT,
  FIEMAP_HEADER,
  FS_IOC_FIEMAP,
  Libc,
  MADV_HUGEPAGE,
  O_CREAT,
  O_DIRECT,
} from "../src/live/libc.ts";
import type { Native, Symbols } from "../src/live/libc.ts";
import type { LiveSystem } from "../src/live/system.ts";
import type { LiveRecord } from "../src/live/command.ts";
import { KPF_THP, KPF_ZERO_PAGE } from "../src/live/kernel.ts";
import { PAGE, THP } from "../src/live/shapes.ts";
import { FAKE_PFN } from "../src/live/to_trace.ts";

export const EINVAL = 22;
export const ENOENT = 2;
export const ENOMEM = 12;
export const EBADF = 9;
const ZERO_PFN = 0x1000;
/** kpageflags of a THP's pages and of the shared zero page. */
const THP_FLAGS = 1n << KPF_THP;
const ZERO_PAGE_FLAGS = 1n << KPF_ZERO_PAGE;

/** One syscall the command made, as the fake kernel saw it. */
export interface Call {
  readonly syscall: "preadv" | "pwritev" | "vmsplice";
  /** The file (O_DIRECT I/O), or undefined for vmsplice. */
  readonly path?: string;
  readonly direct: boolean;
  readonly segs: readonly { base: bigint; len: number }[];
  /** The mapping the first segment lies in: its address and length, and THP advice. */
  readonly buffer?: { readonly addr: bigint; readonly len: number; readonly thp: boolean };
}

/** What the kernel did: the return (bytes or -errno), pins, and the frames afterwards. */
export interface Answer {
  readonly ret: number;
  readonly acquired: number;
  readonly released: number;
  /** Frames of the pages from address `from` on afterwards (0 = not present). */
  readonly frames?: { readonly from: bigint; readonly pfns: readonly number[] };
  /** Those pages now form one THP (kpageflags KPF_THP). */
  readonly thp?: boolean;
}

/** How the fake machine is set up. */
export interface FakeOptions {
  os?: string;
  uid?: number;
  release?: string;
  /** /proc/vmstat: with the pin counters (default), without them, or absent. */
  vmstat?: "pins" | "no-pins" | "missing";
  /** Read faults map the shared zero page (mainline); default false, as pvm_no_zero_page=1. */
  zeroPage?: boolean;
  /** Directories on tmpfs: no block device behind them (st_dev 0:45, no sysfs queue). */
  tmpfs?: readonly string[];
  /** Directories whose file system refuses O_DIRECT at open (EINVAL). */
  noDirect?: readonly string[];
  /** The test file's extents (FIEMAP); default one covering it. */
  extents?: (size: number) => { start: number; len: number }[];
  /** dma_alignment and logical_block_size of the device. */
  dmaAlignment?: number;
  logicalBlockSize?: number;
  /** Pins other processes take, folded in by the n-th stat_refresh (from 1). */
  background?: (refresh: number) => number;
  /** mmap fails (ENOMEM) from this call on (counting from 1). */
  mmapFailsFrom?: number;
  /** The kernel's answer to each O_DIRECT preadv/pwritev and vmsplice. */
  answer?: (call: Call, k: FakeKernel) => Answer;
}

interface Mapping {
  addr: bigint;
  len: number;
  thp: boolean;
}

interface OpenFile {
  path: string;
  flags: number;
  pipe?: { read: boolean; id: number };
}

type Ptr = { readonly addr?: bigint; readonly buf?: BigUint64Array | Uint8Array };

/** The answer of a kernel that does what was asked: all bytes, one pin per page spanned. */
export function plainAnswer(call: Call): Answer {
  let pages = 0;
  let total = 0;
  for (const s of call.segs) {
    total += s.len;
    if (!s.len) continue;
    const first = s.base / BigInt(PAGE);
    const last = (s.base + BigInt(s.len) - 1n) / BigInt(PAGE);
    pages += Number(last - first) + 1;
  }
  return { ret: total, acquired: pages, released: pages };
}

/** The fake machine (see the module doc). */
export class FakeKernel {
  readonly opts: FakeOptions;
  /** FOLL_PIN counters as the kernel has them, and as /proc/vmstat last showed them. */
  readonly pins = { acquired: 0, released: 0 };
  readonly shown = { acquired: 0, released: 0 };
  refreshes = 0;
  /** Every O_DIRECT and vmsplice call, in order. */
  readonly calls: Call[] = [];
  /** Files that exist (created by open O_CREAT), and every path removed. */
  readonly files = new Map<string, number>();
  readonly removed: string[] = [];
  readonly mappings: Mapping[] = [];
  /** Frames of mapped pages by page address, and flags by frame. */
  readonly frames = new Map<bigint, number>();
  readonly flags = new Map<number, bigint>();
  private fds = new Map<number, OpenFile>();
  private pipes = new Map<number, number>();
  private nextFd = 3;
  private nextAddr = 0x7f0000000000n;
  private nextPfn = 0x100000;
  private mmaps = 0;
  private err = 0;
  readonly system: LiveSystem;

  constructor(opts: FakeOptions = {}) {
    this.opts = opts;
    const native: Native = {
      sym: FakeKernel.symbols(this),
      ptr: (addr) => ({ addr }) as unknown as Deno.PointerObject,
      addrOf: (p) => (p as unknown as Ptr | null)?.addr ?? 0n,
      bufPtr: (buf) => ({ buf }) as unknown as Deno.PointerObject,
      peek: (addr) => this.fault(addr, false),
      poke: (addr, _v) => void this.fault(addr, true),
      errno: () => this.err,
    };
    const libc = new Libc(native);
    this.system = {
      os: opts.os ?? "linux",
      uid: () => opts.uid ?? 0,
      osRelease: () => opts.release ?? "6.18.44-fc-v1045",
      pid: () => 4242,
      readText: (path) => this.readText(path),
      writeText: (path, text) => this.writeText(path, text),
      readEntry: (path, index) => this.readEntry(path, index),
      statDev: (path) => {
        if (!this.files.has(path)) throw new Deno.errors.NotFound(`stat ${path}`);
        return this.onTmpfs(path) ? 45 : 254 * 256 + 0;
      },
      realPath: (path) => {
        if (path === "/sys/dev/block/254:0") return "/sys/devices/pci0000:00/virtio1/block/vda";
        throw new Deno.errors.NotFound(path);
      },
      remove: (path) => {
        if (!this.files.delete(path)) throw new Deno.errors.NotFound(`remove ${path}`);
        this.removed.push(path);
      },
      libc,
    };
  }

  private onTmpfs(path: string, dirs = this.opts.tmpfs): boolean {
    return (dirs ?? []).some((d) => path.startsWith(d.replace(/\/?$/, "/")));
  }

  /** Descriptors still open (files and pipe ends). */
  openFds(): number {
    return this.fds.size;
  }

  private fail(errno: number): number {
    this.err = errno;
    return -1;
  }

  /** A page fault at `addr`: a frame for the page (the zero page for a read when asked). */
  private fault(addr: bigint, write: boolean): number {
    const m = this.mappingOf(addr);
    if (!m) throw new Error(`fake kernel: SIGSEGV at 0x${addr.toString(16)}`);
    const page = addr & ~BigInt(PAGE - 1);
    const had = this.frames.get(page);
    if (had !== undefined && !(write && had === ZERO_PFN)) return 0;
    if (!write && this.opts.zeroPage) {
      this.frames.set(page, ZERO_PFN);
      this.flags.set(ZERO_PFN, ZERO_PAGE_FLAGS);
      return 0;
    }
    if (m.thp) {
      // the whole aligned 2 MiB around it becomes one THP
      const head = addr & ~BigInt(THP - 1);
      const base = (this.nextPfn + 511) & ~511;
      this.nextPfn = base + 512;
      for (let i = 0; i < 512; i++) {
        this.frames.set(head + BigInt(i * PAGE), base + i);
        this.flags.set(base + i, THP_FLAGS);
      }
      return 0;
    }
    this.frames.set(page, this.nextPfn);
    this.flags.set(this.nextPfn, 0n);
    this.nextPfn += 3; // not contiguous: nothing merges by accident
    return 0;
  }

  mappingOf(addr: bigint): Mapping | undefined {
    return this.mappings.find((m) => addr >= m.addr && addr < m.addr + BigInt(m.len));
  }

  private readText(path: string): string {
    if (path === "/proc/vmstat") {
      const v = this.opts.vmstat ?? "pins";
      if (v === "missing") throw new Deno.errors.NotFound(path);
      const pins = v === "pins"
        ? `nr_foll_pin_acquired ${this.shown.acquired}\nnr_foll_pin_released ${this.shown.released}\n`
        : "";
      return `nr_free_pages 1000\nnr_dirtied 7\n${pins}pgfault 99\n`;
    }
    if (path === "/proc/self/mounts") {
      return [
        "/dev/vda / ext4 rw,relatime 0 0",
        "proc /proc proc rw 0 0",
        ...(this.opts.tmpfs ?? []).map((d) => `tmpfs ${d} tmpfs rw 0 0`),
        "",
      ].join("\n");
    }
    const q = /^\/sys\/dev\/block\/254:0\/queue\/(dma_alignment|logical_block_size)$/.exec(path);
    if (q) {
      const n = q[1] === "dma_alignment"
        ? this.opts.dmaAlignment ?? 511
        : this.opts.logicalBlockSize ?? 512;
      return `${n}\n`;
    }
    throw new Deno.errors.NotFound(path);
  }

  private writeText(path: string, text: string): void {
    if (path !== "/proc/sys/vm/stat_refresh") throw new Deno.errors.NotFound(path);
    if ((this.opts.uid ?? 0) !== 0) throw new Deno.errors.PermissionDenied(path);
    if (text.trim() !== "1") throw new Error(`fake kernel: stat_refresh takes 1, got ${text}`);
    this.refreshes++;
    const other = this.opts.background?.(this.refreshes) ?? 0;
    this.pins.acquired += other;
    this.pins.released += other;
    this.shown.acquired = this.pins.acquired;
    this.shown.released = this.pins.released;
  }

  private readEntry(path: string, index: number): bigint {
    if (path === "/proc/self/pagemap") {
      const pfn = this.frames.get(BigInt(index) * BigInt(PAGE));
      return pfn === undefined ? 0n : (1n << 63n) | BigInt(pfn);
    }
    if (path === "/proc/kpageflags") return this.flags.get(index) ?? 0n;
    throw new Deno.errors.NotFound(path);
  }

  private iov(p: Deno.PointerValue, n: number): { base: bigint; len: number }[] {
    const a = (p as unknown as Ptr).buf as BigUint64Array;
    const out: { base: bigint; len: number }[] = [];
    for (let i = 0; i < n; i++) out.push({ base: a[2 * i], len: Number(a[2 * i + 1]) });
    return out;
  }

  /** Runs one syscall through the test's answer; installs its frames and counts its pins. */
  private io(call: Omit<Call, "buffer">): number {
    const m = call.segs.length ? this.mappingOf(call.segs[0].base) : undefined;
    const full: Call = { ...call, buffer: m && { addr: m.addr, len: m.len, thp: m.thp } };
    this.calls.push(full);
    const a = (this.opts.answer ?? plainAnswer)(full, this);
    this.pins.acquired += a.acquired;
    this.pins.released += a.released;
    if (a.frames) {
      a.frames.pfns.forEach((pfn, i) => {
        const page = a.frames!.from + BigInt(i * PAGE);
        if (!pfn) this.frames.delete(page);
        else {
          this.frames.set(page, pfn);
          this.flags.set(pfn, a.thp ? THP_FLAGS : 0n);
        }
      });
    }
    return a.ret < 0 ? this.fail(-a.ret) : a.ret;
  }

  private static symbols(k: FakeKernel): Symbols {
    const fd = (n: number) => k.fds.get(n);
    return {
      mmap(_addr, len, _prot, _flags, _fd, _off) {
        k.mmaps++;
        if (k.opts.mmapFailsFrom !== undefined && k.mmaps >= k.opts.mmapFailsFrom) {
          k.fail(ENOMEM);
          return { addr: 0xffffffffffffffffn } as unknown as Deno.PointerObject;
        }
        const addr = k.nextAddr;
        const size = Number(len);
        k.nextAddr += BigInt(Math.ceil(size / THP) * THP + THP) + 0x5000n; // never THP-aligned
        k.mappings.push({ addr, len: size, thp: false });
        return { addr } as unknown as Deno.PointerObject;
      },
      munmap(p, len) {
        const addr = (p as unknown as Ptr).addr!;
        const i = k.mappings.findIndex((m) => m.addr === addr && m.len === Number(len));
        if (i < 0) return k.fail(EINVAL);
        for (let o = 0n; o < len; o += BigInt(PAGE)) k.frames.delete(addr + o);
        k.mappings.splice(i, 1);
        return 0;
      },
      madvise(p, len, advice) {
        const addr = (p as unknown as Ptr).addr!;
        const m = k.mappingOf(addr);
        if (!m || addr + len > m.addr + BigInt(m.len)) return k.fail(ENOMEM);
        if (advice === MADV_HUGEPAGE && addr % BigInt(THP) === 0n && len === BigInt(THP)) {
          m.thp = true;
        }
        return 0;
      },
      open(path, flags, _mode) {
        const p = new TextDecoder().decode(path as Uint8Array).replace(/\0$/, "");
        if (!k.files.has(p)) {
          if (!(flags & O_CREAT)) return k.fail(ENOENT);
          k.files.set(p, 0);
        }
        // as do_dentry_open: the file is created before O_DIRECT is refused
        if ((flags & O_DIRECT) && k.onTmpfs(p, k.opts.noDirect ?? [])) return k.fail(EINVAL);
        const n = k.nextFd++;
        k.fds.set(n, { path: p, flags });
        return n;
      },
      close(n) {
        return k.fds.delete(n) ? 0 : k.fail(EBADF);
      },
      preadv(n, iov, cnt, _pos) {
        const f = fd(n);
        if (!f || f.pipe) return BigInt(k.fail(EBADF));
        return BigInt(k.io({
          syscall: "preadv",
          path: f.path,
          direct: !!(f.flags & O_DIRECT),
          segs: k.iov(iov, cnt),
        }));
      },
      pwritev(n, iov, cnt, _pos) {
        const f = fd(n);
        if (!f || f.pipe) return BigInt(k.fail(EBADF));
        const r = k.io({
          syscall: "pwritev",
          path: f.path,
          direct: !!(f.flags & O_DIRECT),
          segs: k.iov(iov, cnt),
        });
        return BigInt(r);
      },
      pipe(buf) {
        const fds = new Int32Array((buf as Uint8Array).buffer);
        const id = k.nextFd;
        fds[0] = k.nextFd++;
        fds[1] = k.nextFd++;
        k.fds.set(fds[0], { path: "pipe:", flags: 0, pipe: { read: true, id } });
        k.fds.set(fds[1], { path: "pipe:", flags: 0, pipe: { read: false, id } });
        k.pipes.set(id, 0);
        return 0;
      },
      vmsplice(n, iov, cnt, _flags) {
        const f = fd(n);
        if (!f?.pipe || f.pipe.read) return BigInt(k.fail(EBADF));
        const r = k.io({ syscall: "vmsplice", direct: false, segs: k.iov(iov, Number(cnt)) });
        if (r > 0) k.pipes.set(f.pipe.id, k.pipes.get(f.pipe.id)! + r);
        return BigInt(r);
      },
      read(n, _p, len) {
        const f = fd(n);
        if (!f?.pipe?.read) return BigInt(k.fail(EBADF));
        // a pipe gives at most one page per read here, so draining takes several reads
        const have = k.pipes.get(f.pipe.id)!;
        const r = Math.min(have, Number(len), PAGE);
        k.pipes.set(f.pipe.id, have - r);
        return BigInt(r);
      },
      fallocate(n, _mode, _off, len) {
        const f = fd(n);
        if (!f) return k.fail(EBADF);
        k.files.set(f.path, Math.max(k.files.get(f.path)!, Number(len)));
        return 0;
      },
      ioctl(n, req, buf) {
        const f = fd(n);
        if (!f) return k.fail(EBADF);
        if (req !== FS_IOC_FIEMAP) return k.fail(EINVAL);
        const b = buf as Uint8Array;
        const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
        const size = k.files.get(f.path)!;
        const ext = k.opts.extents?.(size) ?? [{ start: 0, len: size }];
        const room = v.getUint32(24, true);
        const n2 = Math.min(room, ext.length);
        v.setUint32(20, n2, true);
        for (let i = 0; i < n2; i++) {
          const o = FIEMAP_HEADER + FIEMAP_EXTENT * i;
          v.setBigUint64(o, BigInt(ext[i].start), true); // fe_logical
          v.setBigUint64(o + 8, BigInt(0x10000000 + ext[i].start), true); // fe_physical
          v.setBigUint64(o + 16, BigInt(ext[i].len), true); // fe_length
        }
        return 0;
      },
    };
  }
}

/**
 * One case of a recorded `itertrace live --record` run (fixtures/live/*.jsonl): the record
 * `live` writes, with the parts of its trace the fake kernel reads.
 */
export type LiveRec = Omit<LiveRecord, "trace"> & {
  readonly trace: { name: string; memory: { user: { pfns?: string[] }[] }; ops: { op: string }[] };
};

/** A recorded run: its header line and its cases. */
export function loadRecording(name: string): { head: Record<string, unknown>; recs: LiveRec[] } {
  const text = Deno.readTextFileSync(new URL(`../fixtures/live/${name}`, import.meta.url));
  const lines = text.trim().split("\n").map((l) => JSON.parse(l));
  return { head: lines[0], recs: lines.slice(1) };
}

/**
 * The recorded kernel as an answer: each call is matched to the recorded case with the same
 * syscall and segments (relative to the buffer), and gets what the real kernel gave, with the
 * frames it used; runs before the last two of a case give passing noise (other pins), so the
 * command takes as many runs as it took on the real kernel, and a case whose runs never agreed
 * there never agrees here. Calls no case matches (the test file's set-up, the probe) are plain.
 * `alter` changes the answer of a case (a kernel that disagrees with the model).
 */
export function recordedAnswer(
  recs: readonly LiveRec[],
  alter?: (rec: LiveRec, a: Answer) => Answer,
): (call: Call) => Answer {
  let cur = 0;
  const runs = new Map<number, number>();
  const matches = (rec: LiveRec | undefined, call: Call) => {
    if (!rec || rec.shape.syscall !== call.syscall) return undefined;
    if (rec.shape.segs.length !== call.segs.length) return undefined;
    const base = call.segs[0].base - BigInt(rec.shape.segs[0].off);
    const same = rec.shape.segs.every((g, i) =>
      call.segs[i].base === base + BigInt(g.off) && call.segs[i].len === g.len
    );
    return same ? base : undefined;
  };
  return (call) => {
    let base = matches(recs[cur], call);
    if (base === undefined || (runs.get(cur) ?? 0) >= recs[cur].kernel.runs) {
      const next = matches(recs[cur + 1], call);
      if (next === undefined) return plainAnswer(call);
      cur++;
      base = next;
    }
    const rec = recs[cur];
    const run = (runs.get(cur) ?? 0) + 1;
    runs.set(cur, run);
    const k = rec.kernel;
    const pfns = (rec.trace.memory.user[0].pfns ?? []).map((h, i) => {
      const p = Number(h);
      return p === FAKE_PFN + 2 * i ? 0 : p;
    });
    const last = k.stable ? run >= k.runs - 1 : run === k.runs;
    const noise = last ? 0 : 1000 + run;
    const a: Answer = {
      ret: k.ret,
      acquired: k.acquired + noise,
      released: k.released + noise,
      frames: { from: base, pfns },
      thp: k.thp,
    };
    return alter ? alter(rec, a) : a;
  };
}
