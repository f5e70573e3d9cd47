/**
 * The few libc calls `itertrace live` needs, through Deno's FFI (`--allow-ffi`): anonymous
 * mappings, O_DIRECT preadv/pwritev, vmsplice into a pipe. Linux x86-64 / arm64 (LP64) only.
 * No compiler and no second language: what runs the I/O is this Deno process.
 *
 * `Libc` holds the C conventions (-1 and errno, MAP_FAILED, struct iovec, struct fiemap);
 * `Native` is what it calls: the dlopen'd symbols and pointers (`nativeLibc()`), or in tests a
 * fake kernel that cannot need root or FFI.
 *
 * @module
 */

/** open(2) flags and mmap/madvise constants (Linux, x86-64 and arm64 agree on these). */
export const O_RDWR = 0o2;
export const O_CREAT = 0o100;
export const O_DIRECT = Deno.build.arch === "aarch64" ? 0o200000 : 0o40000;
export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const MAP_PRIVATE = 0x02;
export const MAP_ANONYMOUS = 0x20;
export const MADV_HUGEPAGE = 14;
export const MADV_NOHUGEPAGE = 15;
export const SPLICE_F_NONBLOCK = 0x02;
/** ioctl FS_IOC_FIEMAP, and its flag to flush dirty data before mapping. */
export const FS_IOC_FIEMAP = 0xc020660bn;
export const FIEMAP_FLAG_SYNC = 1;
/** sizeof(struct fiemap) and sizeof(struct fiemap_extent). */
export const FIEMAP_HEADER = 32;
export const FIEMAP_EXTENT = 56;

const SYMBOLS = {
  mmap: { parameters: ["pointer", "usize", "i32", "i32", "i32", "i64"], result: "pointer" },
  munmap: { parameters: ["pointer", "usize"], result: "i32" },
  madvise: { parameters: ["pointer", "usize", "i32"], result: "i32" },
  open: { parameters: ["buffer", "i32", "u32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  preadv: { parameters: ["i32", "pointer", "i32", "i64"], result: "isize" },
  pwritev: { parameters: ["i32", "pointer", "i32", "i64"], result: "isize" },
  pipe: { parameters: ["buffer"], result: "i32" },
  vmsplice: { parameters: ["i32", "pointer", "usize", "u32"], result: "isize" },
  read: { parameters: ["i32", "pointer", "usize"], result: "isize" },
  __errno_location: { parameters: [], result: "pointer" },
  fallocate: { parameters: ["i32", "i32", "i64", "i64"], result: "i32" },
  ioctl: { parameters: ["i32", "u64", "buffer"], result: "i32" },
} as const;

/** The libc symbols as Deno.dlopen types them. */
export type Symbols = Omit<Deno.DynamicLibrary<typeof SYMBOLS>["symbols"], "__errno_location">;

/** What the calls run on: libc's symbols, native pointers and errno. */
export interface Native {
  /** The functions. */
  readonly sym: Symbols;
  /** A pointer to `addr`. */
  ptr(addr: bigint): Deno.PointerValue;
  /** A native address as a bigint. */
  addrOf(p: Deno.PointerValue): bigint;
  /** A pointer to a JavaScript buffer's bytes (valid while the buffer is alive). */
  bufPtr(buf: BigUint64Array | Uint8Array): Deno.PointerValue;
  /** Reads the byte at `addr`. */
  peek(addr: bigint): number;
  /** Writes the byte at `addr`. */
  poke(addr: bigint, v: number): void;
  /** errno after a failed call. */
  errno(): number;
}

let loaded: Native | undefined;

/** libc through Deno.dlopen, loaded once (needs --allow-ffi). */
export function nativeLibc(): Native {
  if (loaded) return loaded;
  let lib: Deno.DynamicLibrary<typeof SYMBOLS>["symbols"] | undefined;
  let last: unknown;
  for (const name of ["libc.so.6", "libc.so"]) {
    try {
      lib = Deno.dlopen(name, SYMBOLS).symbols;
      break;
    } catch (e) {
      last = e;
    }
  }
  if (!lib) throw new Error(`cannot load libc: ${(last as Error)?.message}`);
  const sym = lib;
  loaded = {
    sym,
    ptr: (addr) => Deno.UnsafePointer.create(addr),
    addrOf: (p) => BigInt(Deno.UnsafePointer.value(p)),
    bufPtr: (buf) => Deno.UnsafePointer.of(buf as unknown as Uint8Array),
    peek: (addr) => new Deno.UnsafePointerView(Deno.UnsafePointer.create(addr)!).getUint8(),
    poke: (addr, v) => {
      const p = Deno.UnsafePointer.create(addr)!;
      new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(p, 1))[0] = v;
    },
    errno: () => new Deno.UnsafePointerView(sym.__errno_location()!).getInt32(),
  };
  return loaded;
}

/** A native array of `struct iovec` for the segments; keep the returned buffer alive. */
export function iovecs(segs: readonly { base: bigint; len: number }[]): BigUint64Array {
  const a = new BigUint64Array(Math.max(segs.length, 1) * 2);
  segs.forEach((s, i) => {
    a[2 * i] = s.base;
    a[2 * i + 1] = BigInt(s.len);
  });
  return a;
}

/** A `struct fiemap` asking for up to `count` extents of the first `len` bytes, synced. */
export function fiemapRequest(len: number, count: number): Uint8Array {
  const buf = new Uint8Array(FIEMAP_HEADER + FIEMAP_EXTENT * count);
  const v = new DataView(buf.buffer);
  v.setBigUint64(0, 0n, true); // fm_start
  v.setBigUint64(8, BigInt(len), true); // fm_length
  v.setUint32(16, FIEMAP_FLAG_SYNC, true); // fm_flags
  v.setUint32(24, count, true); // fm_extent_count
  return buf;
}

/** The extents the kernel filled in: logical start and length of each, in bytes. */
export function fiemapExtents(buf: Uint8Array): { start: number; len: number }[] {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const n = v.getUint32(20, true); // fm_mapped_extents
  const out: { start: number; len: number }[] = [];
  for (let i = 0; i < n; i++) {
    const o = FIEMAP_HEADER + FIEMAP_EXTENT * i; // fe_logical, fe_physical, fe_length
    out.push({ start: Number(v.getBigUint64(o, true)), len: Number(v.getBigUint64(o + 16, true)) });
  }
  return out;
}

/** The calls, with libc's conventions turned into return values (-errno) and exceptions. */
export class Libc {
  /** Calls through `n`. */
  constructor(private readonly n: Native) {}

  /** An anonymous private mapping of `len` bytes; throws on failure. */
  mmapAnon(len: number): bigint {
    const p = this.n.sym.mmap(
      null,
      BigInt(len),
      PROT_READ | PROT_WRITE,
      MAP_PRIVATE | MAP_ANONYMOUS,
      -1,
      0n,
    );
    const a = this.n.addrOf(p);
    if (a === 0xffffffffffffffffn || a === 0n) throw new Error(`mmap: errno ${this.n.errno()}`);
    return a;
  }

  /** munmap. */
  munmap(addr: bigint, len: number): void {
    this.n.sym.munmap(this.n.ptr(addr), BigInt(len));
  }

  /** madvise; returns 0 or -errno. */
  madvise(addr: bigint, len: number, advice: number): number {
    return this.n.sym.madvise(this.n.ptr(addr), BigInt(len), advice) === 0 ? 0 : -this.n.errno();
  }

  /** Writes one byte at `addr` (touches the page: a write fault). */
  pokeByte(addr: bigint, v: number): void {
    this.n.poke(addr, v);
  }

  /** Reads one byte at `addr` (a read fault on an untouched page). */
  peekByte(addr: bigint): number {
    return this.n.peek(addr);
  }

  /** open(path, flags); returns the fd or -errno. */
  openFile(path: string, flags: number): number {
    const fd = this.n.sym.open(new TextEncoder().encode(path + "\0"), flags, 0o600);
    return fd >= 0 ? fd : -this.n.errno();
  }

  /** close. */
  closeFd(fd: number): void {
    this.n.sym.close(fd);
  }

  /** preadv/pwritev at offset `pos`; returns bytes or -errno. */
  rwv(kind: "preadv" | "pwritev", fd: number, iov: BigUint64Array, n: number, pos: number): number {
    const r = Number(this.n.sym[kind](fd, this.n.bufPtr(iov), n, BigInt(pos)));
    return r >= 0 ? r : -this.n.errno();
  }

  /** A pipe; [read fd, write fd]. */
  makePipe(): [number, number] {
    const fds = new Int32Array(2);
    if (this.n.sym.pipe(new Uint8Array(fds.buffer)) !== 0) {
      throw new Error(`pipe: errno ${this.n.errno()}`);
    }
    return [fds[0], fds[1]];
  }

  /** vmsplice(fd, iov, n, flags); returns bytes or -errno. */
  vmsplice(fd: number, iov: BigUint64Array, n: number, flags: number): number {
    const r = Number(this.n.sym.vmsplice(fd, this.n.bufPtr(iov), BigInt(n), flags));
    return r >= 0 ? r : -this.n.errno();
  }

  /** Reads and drops up to `len` bytes from fd (drains a pipe). */
  drain(fd: number, len: number): void {
    const buf = new Uint8Array(Math.max(len, 1));
    const p = this.n.bufPtr(buf);
    while (len > 0) {
      const r = Number(this.n.sym.read(fd, p, BigInt(buf.length)));
      if (r <= 0) break;
      len -= r;
    }
  }

  /** fallocate(fd, 0, 0, len); returns 0 or -errno. */
  fallocate(fd: number, len: number): number {
    return this.n.sym.fallocate(fd, 0, 0n, BigInt(len)) === 0 ? 0 : -this.n.errno();
  }

  /** The file's extents (FIEMAP, up to 32): logical start and length of each, in bytes. */
  extents(fd: number, len: number): { start: number; len: number }[] {
    const buf = fiemapRequest(len, 32);
    if (this.n.sym.ioctl(fd, FS_IOC_FIEMAP, buf) !== 0) return [];
    return fiemapExtents(buf);
  }
}
