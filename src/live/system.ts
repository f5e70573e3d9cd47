/**
 * What `itertrace live` asks of the machine, in one place: who runs it, the kernel release,
 * /proc and /sys files, the test file's device, and libc. `realSystem()` is this process on
 * this kernel (root for /proc/sys/vm/stat_refresh, /proc/self/pagemap's frames and
 * /proc/kpageflags; FFI for libc); tests pass a fake kernel instead, so the command's logic
 * runs without root, FFI or a block device.
 *
 * @module
 */
import { Libc, nativeLibc } from "./libc.ts";

/** The machine `live` runs on. */
export interface LiveSystem {
  /** Deno.build.os: "linux" where live can run. */
  readonly os: string;
  /** The effective user id (0 = root), or null where there is none. */
  uid(): number | null;
  /** uname -r. */
  osRelease(): string;
  /** This process's id (names the test file). */
  pid(): number;
  /** A whole text file (/proc/vmstat, /proc/self/mounts, a sysfs queue attribute). */
  readText(path: string): string;
  /** Writes a text file (/proc/sys/vm/stat_refresh). */
  writeText(path: string, text: string): void;
  /**
   * Entry `index` of a /proc table of little-endian 64-bit entries (/proc/self/pagemap by
   * virtual page, /proc/kpageflags by frame).
   */
  readEntry(path: string, index: number): bigint;
  /** st_dev of a file. */
  statDev(path: string): number;
  /** The canonical path (a /sys/dev/block link's target). */
  realPath(path: string): string;
  /** Removes a file. */
  remove(path: string): void;
  /** libc (mmap, O_DIRECT preadv/pwritev, vmsplice, fallocate, FIEMAP). */
  readonly libc: Libc;
}

/** This process on the running kernel. */
export function realSystem(): LiveSystem {
  let libc: Libc | undefined;
  return {
    os: Deno.build.os,
    uid: () => Deno.uid(),
    osRelease: () => Deno.osRelease(),
    pid: () => Deno.pid,
    readText: (path) => Deno.readTextFileSync(path),
    writeText: (path, text) => Deno.writeTextFileSync(path, text),
    readEntry(path, index) {
      const f = Deno.openSync(path, { read: true });
      const buf = new Uint8Array(8);
      try {
        f.seekSync(index * 8, Deno.SeekMode.Start);
        f.readSync(buf);
      } finally {
        f.close();
      }
      return new DataView(buf.buffer).getBigUint64(0, true);
    },
    statDev: (path) => Deno.statSync(path).dev,
    realPath: (path) => Deno.realPathSync(path),
    remove: (path) => Deno.removeSync(path),
    get libc() {
      return libc ??= new Libc(nativeLibc());
    },
  };
}
