/**
 * The few libc calls `itertrace live` needs, through Deno's FFI (`--allow-ffi`): anonymous
 * mappings, O_DIRECT preadv/pwritev, vmsplice into a pipe. Linux x86-64 / arm64 (LP64) only.
 * No compiler and no second language: what runs the I/O is this Deno process.
 *
 * @module
 */

/** open(2) flags and mmap/madvise constants (Linux, x86-64 and arm64 agree on these). */
export const O_RDWR = 0o2;
export const O_DIRECT = Deno.build.arch === "aarch64" ? 0o200000 : 0o40000;
export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const MAP_PRIVATE = 0x02;
export const MAP_ANONYMOUS = 0x20;
export const MADV_HUGEPAGE = 14;
export const MADV_NOHUGEPAGE = 15;
export const SPLICE_F_NONBLOCK = 0x02;

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

type Lib = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

let lib: Lib | undefined;

/** Loads libc once. */
export function libc(): Lib {
  if (!lib) {
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
  }
  return lib;
}

/** errno after a failed call. */
export function errno(): number {
  const p = libc().__errno_location();
  return new Deno.UnsafePointerView(p!).getInt32();
}

/** A native address as a bigint. */
export function addrOf(p: Deno.PointerValue): bigint {
  return BigInt(Deno.UnsafePointer.value(p));
}

/** A pointer to `addr`. */
export function ptr(addr: bigint): Deno.PointerValue {
  return Deno.UnsafePointer.create(addr);
}

/** An anonymous private mapping of `len` bytes; throws on failure. */
export function mmapAnon(len: number): bigint {
  const p = libc().mmap(
    null,
    BigInt(len),
    PROT_READ | PROT_WRITE,
    MAP_PRIVATE | MAP_ANONYMOUS,
    -1,
    0n,
  );
  const a = addrOf(p);
  if (a === 0xffffffffffffffffn || a === 0n) throw new Error(`mmap: errno ${errno()}`);
  return a;
}

/** munmap. */
export function munmap(addr: bigint, len: number): void {
  libc().munmap(ptr(addr), BigInt(len));
}

/** madvise; returns 0 or -errno. */
export function madvise(addr: bigint, len: number, advice: number): number {
  return libc().madvise(ptr(addr), BigInt(len), advice) === 0 ? 0 : -errno();
}

/** Writes one byte at `addr` (touches the page: a write fault). */
export function pokeByte(addr: bigint, v: number): void {
  new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(ptr(addr)!, 1))[0] = v;
}

/** Reads one byte at `addr` (a read fault on an untouched page). */
export function peekByte(addr: bigint): number {
  return new Deno.UnsafePointerView(ptr(addr)!).getUint8();
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

/** open(path, flags); returns the fd or -errno. */
export function openFile(path: string, flags: number): number {
  const fd = libc().open(new TextEncoder().encode(path + "\0"), flags, 0o600);
  return fd >= 0 ? fd : -errno();
}

/** close. */
export function closeFd(fd: number): void {
  libc().close(fd);
}

/** preadv/pwritev at offset `pos`; returns bytes or -errno. */
export function rwv(
  kind: "preadv" | "pwritev",
  fd: number,
  iov: BigUint64Array,
  n: number,
  pos: number,
): number {
  const p = Deno.UnsafePointer.of(iov as unknown as Uint8Array);
  const r = Number(libc()[kind](fd, p, n, BigInt(pos)));
  return r >= 0 ? r : -errno();
}

/** A pipe; [read fd, write fd]. */
export function makePipe(): [number, number] {
  const fds = new Int32Array(2);
  if (libc().pipe(new Uint8Array(fds.buffer)) !== 0) throw new Error(`pipe: errno ${errno()}`);
  return [fds[0], fds[1]];
}

/** vmsplice(fd, iov, n, flags); returns bytes or -errno. */
export function vmsplice(fd: number, iov: BigUint64Array, n: number, flags: number): number {
  const p = Deno.UnsafePointer.of(iov as unknown as Uint8Array);
  const r = Number(libc().vmsplice(fd, p, BigInt(n), flags));
  return r >= 0 ? r : -errno();
}

/** Reads and drops up to `len` bytes from fd (drains a pipe). */
export function drain(fd: number, len: number): void {
  const buf = new Uint8Array(Math.max(len, 1));
  const p = Deno.UnsafePointer.of(buf);
  while (len > 0) {
    const r = Number(libc().read(fd, p, BigInt(buf.length)));
    if (r <= 0) break;
    len -= r;
  }
}

/** fallocate(fd, 0, 0, len); returns 0 or -errno. */
export function fallocate(fd: number, len: number): number {
  return libc().fallocate(fd, 0, 0n, BigInt(len)) === 0 ? 0 : -errno();
}

const FS_IOC_FIEMAP = 0xc020660bn;
const FIEMAP_FLAG_SYNC = 1;

/** The file's extents (FIEMAP): logical start and length of each, in bytes. */
export function extents(fd: number, len: number): { start: number; len: number }[] {
  const count = 32;
  const buf = new Uint8Array(32 + 56 * count);
  const v = new DataView(buf.buffer);
  v.setBigUint64(0, 0n, true);
  v.setBigUint64(8, BigInt(len), true);
  v.setUint32(16, FIEMAP_FLAG_SYNC, true);
  v.setUint32(24, count, true);
  if (libc().ioctl(fd, FS_IOC_FIEMAP, buf) !== 0) return [];
  const n = v.getUint32(20, true);
  const out: { start: number; len: number }[] = [];
  for (let i = 0; i < n; i++) {
    const o = 32 + 56 * i;
    out.push({ start: Number(v.getBigUint64(o, true)), len: Number(v.getBigUint64(o + 16, true)) });
  }
  return out;
}
