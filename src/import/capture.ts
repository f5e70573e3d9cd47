/**
 * What an importer extracts from a capture: the I/O syscalls and their user buffers.
 *
 * @module
 */

/** One captured I/O syscall. */
export interface Call {
  readonly pid: number;
  readonly syscall: string;
  readonly fd: number;
  /** File descriptor path, when the capture knows it (strace -y). */
  readonly path?: string;
  /** File position for p* calls. */
  readonly pos?: number;
  /** The user buffers; `base` is unknown for strace captures. */
  readonly iov: readonly { base?: bigint; len: number }[];
  /** Return value, when captured. */
  readonly ret?: number;
  /** Source line in the capture, for messages. */
  readonly line: number;
}

/** Whether the syscall reads into user memory (the iterator is ITER_DEST). */
export function readsIntoUser(syscall: string): boolean {
  return /^(read|readv|preadv2?|pread64)$/.test(syscall);
}

/** The vector and plain read/write syscalls the importers understand. */
export const IO_SYSCALLS = new Set([
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
  "vmsplice",
]);
