/**
 * What an importer extracts from a capture: one record per captured syscall or io_uring
 * request, with its user buffers and its result, in the capture's order.
 *
 * @module
 */
import { TraceError } from "../errors.ts";

/** One user buffer: `base` is unknown for strace captures, which print only lengths. */
export interface Iov {
  readonly base?: bigint;
  readonly len: bigint;
}

/** One captured call (a syscall, an io_uring request, or a process exit). */
export interface Call {
  readonly pid: number;
  readonly tid: number;
  readonly comm?: string;
  /** The syscall name; `sqe` for an io_uring request, `exit` for a process exit. */
  readonly syscall: string;
  /** The file descriptor the call works on (-1 when it has none). */
  readonly fd: number;
  /** The fd's path when the capture prints it (strace -y), or the path openat opened. */
  readonly path?: string;
  /** The file position (p* calls, io_uring requests); -1 means the file's own position. */
  readonly pos?: bigint;
  /** Flags: openat's open flags, preadv2/pwritev2's RWF_* flags, vmsplice's, an sqe's req->flags. */
  readonly flags?: bigint;
  /** Whether openat's flags include O_DIRECT (strace prints names, bpftrace numbers). */
  readonly odirect?: boolean;
  /** The user buffers. */
  readonly iov: readonly Iov[];
  /** How many iovecs the call passed (the capture may print fewer). */
  readonly vlen?: number;
  /** Whether the capture left iovecs out (strace `...`, bpftrace's 64-iovec bound). */
  readonly truncated?: boolean;
  /** The result: bytes, an fd, or a negative errno. */
  readonly ret?: bigint;
  /** dup2/dup3's new fd, io_uring_register's opcode, pipe's two fds. */
  readonly newfd?: number;
  readonly opcode?: number;
  readonly fds?: readonly [number, number];
  /** io_uring requests: the registered buffer index of a fixed-buffer request. */
  readonly bufIndex?: number;
  /** io_uring requests: the request's kernel address, the key of its completion. */
  readonly req?: string;
  /**
   * `pfns` records (capture v3, pagemap.py): the frames behind a run of a process's pages,
   * from the page at `va` on; undefined where the page was not present.
   */
  readonly frames?: { readonly va: bigint; readonly pfns: readonly (number | undefined)[] };
  /** Why the importer already knows the call cannot be modelled (syzkaller programs). */
  readonly unsupported?: string;
  /** Source line in the capture, for messages. */
  readonly line: number;
}

/** Whether the syscall reads into user memory (the iterator is ITER_DEST). */
export function readsIntoUser(syscall: string): boolean {
  return /^(read|readv|preadv2?|pread64|recvmsg)$/.test(syscall);
}

/** The read/write family the O_DIRECT and netfs paths model. */
export const RW_SYSCALLS: ReadonlySet<string> = new Set([
  "read",
  "write",
  "pread64",
  "pwrite64",
  "readv",
  "writev",
  "preadv",
  "pwritev",
  "preadv2",
  "pwritev2",
]);

/** Largest value a 64-bit field can hold. */
export const U64_MAX = (1n << 64n) - 1n;

/**
 * An iovec count as a Call's vlen: a count past 2^32 (the kernel refuses anything over
 * UIO_MAXIOV) stays larger than any printed list without losing precision.
 */
export function vlenOf(v: bigint): number {
  return v > 1n << 32n ? Number.MAX_SAFE_INTEGER : Number(v);
}

/** Errno numbers by name, for strace's `= -1 EFAULT (Bad address)` (x86-64/generic). */
export const ERRNO: Readonly<Record<string, number>> = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EIO: 5,
  ENXIO: 6,
  E2BIG: 7,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  ENFILE: 23,
  EMFILE: 24,
  EFBIG: 27,
  ENOSPC: 28,
  ESPIPE: 29,
  EROFS: 30,
  EPIPE: 32,
  ERANGE: 34,
  ENOSYS: 38,
  EOPNOTSUPP: 95,
  ETIMEDOUT: 110,
  ECANCELED: 125,
  ERESTARTSYS: 512,
  EIOCBQUEUED: 529,
};

/** `-EFAULT` for -14, or the number. */
export function errnoText(ret: bigint): string {
  for (const [k, v] of Object.entries(ERRNO)) if (-BigInt(v) === ret) return `-${k}`;
  return String(ret);
}

/** Throws a positioned one-line error about a capture. */
export function badLine(file: string, line: number, column: number, message: string): never {
  throw new TraceError([{ file, line, column, message }]);
}

/**
 * Parses an unsigned number written in decimal or 0x-hex, exactly; a value that does not
 * fit in 64 bits is an error naming the field.
 */
export function u64(
  text: string,
  what: string,
  file: string,
  line: number,
  column: number,
): bigint {
  if (!/^(0x[0-9a-fA-F]+|\d+)$/.test(text)) {
    badLine(file, line, column, `${what}: expected a number, got "${clip(text)}"`);
  }
  const v = BigInt(text);
  if (v > U64_MAX) {
    badLine(file, line, column, `${what}: ${clip(text)} does not fit in 64 bits`);
  }
  return v;
}

/** Parses a signed 64-bit decimal number exactly. */
export function s64(
  text: string,
  what: string,
  file: string,
  line: number,
  column: number,
): bigint {
  if (!/^-?\d+$/.test(text)) {
    badLine(file, line, column, `${what}: expected a signed number, got "${clip(text)}"`);
  }
  const v = BigInt(text);
  if (v > (1n << 63n) - 1n || v < -(1n << 63n)) {
    badLine(file, line, column, `${what}: ${clip(text)} does not fit in a signed 64-bit value`);
  }
  return v;
}

/** A small int (pid, fd, count) exactly, or an error. */
export function smallInt(
  text: string,
  what: string,
  file: string,
  line: number,
  column: number,
): number {
  const v = s64(text, what, file, line, column);
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) {
    badLine(file, line, column, `${what}: ${clip(text)} is out of range`);
  }
  return Number(v);
}

/** Shortens long text in messages. */
export function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}
