/**
 * Decides, call by call, what the kernel did with a captured call's user pages: modelled
 * (O_DIRECT or netfs direct I/O, vmsplice, io_uring buffer registration and requests) or
 * left out with the reason why. Keeps each process's fd table (openat, dup, pipe, close,
 * io_uring_setup) to know what an fd is.
 *
 * @module
 */
import { type Call, errnoText, RW_SYSCALLS } from "./capture.ts";
import { maxRwCount, TASK_SIZE_MAX } from "../profile.ts";

/** What one fd is, as far as the capture shows. */
export interface FdEntry {
  readonly kind: "file" | "pipe_read" | "pipe_write" | "ring";
  readonly path?: string;
  readonly odirect?: boolean;
  /** io_uring rings: an id unique in the import, and the registered buffers. */
  readonly ring?: Ring;
}

/** An io_uring instance and its registered buffer table. */
export interface Ring {
  readonly id: number;
  readonly pid: number;
  /** Registered buffers (IORING_REGISTER_BUFFERS), each its own pinned range. */
  bufs?: { base: bigint; len: bigint }[];
  /** Open fds referring to it. */
  refs: number;
  /** Its buffers were unregistered (or the ring exited). */
  gone?: boolean;
}

/** A selection of the calls to model. */
export interface Selection {
  readonly pid?: number;
  readonly comm?: string;
  readonly fd?: number;
  readonly file?: string;
  /** Replay calls on fds the capture does not show opened as O_DIRECT anyway. */
  readonly assumeDirect?: boolean;
}

/** The decision for one call. */
export type Decision =
  | { readonly kind: "rw"; readonly read: boolean; readonly bytes: bigint; readonly fault: boolean }
  | { readonly kind: "vmsplice"; readonly fault: boolean }
  | { readonly kind: "register"; readonly ring: Ring }
  | { readonly kind: "unregister"; readonly rings: readonly Ring[]; readonly why: string }
  | {
    readonly kind: "uring_rw";
    readonly read: boolean;
    readonly fixed: boolean;
    readonly ring?: Ring;
  }
  | { readonly kind: "book" }
  | { readonly kind: "skip"; readonly reason: string };

/** io_uring opcodes (include/uapi/linux/io_uring.h). */
export const IORING_OP: Readonly<Record<number, string>> = {
  1: "READV",
  2: "WRITEV",
  4: "READ_FIXED",
  5: "WRITE_FIXED",
  22: "READ",
  23: "WRITE",
  60: "READV_FIXED",
  61: "WRITEV_FIXED",
};

/** MAX_RW_COUNT: what one read/write call moves at most (4 KiB pages). */
const MAX_RW_COUNT = BigInt(maxRwCount(4096));
/** The bytes an imported call may span (the replay's page-data budget, 256 MiB). */
const MAX_IMPORT = 256n << 20n;

/** Why the kernel refuses a call's user ranges before touching a page, if it does. */
function userRangeProblem(c: Call): string | undefined {
  if (c.syscall === "splice" || c.syscall === "io_uring_register") return undefined;
  let total = 0n;
  for (const v of c.iov) {
    if (v.len >= 1n << 63n) {
      return `${c.syscall} with an iovec length of 2^63 or more: the kernel fails with -EINVAL before touching pages`;
    }
    if (v.base !== undefined && v.len && v.base + v.len > TASK_SIZE_MAX) {
      return `${c.syscall} with a range beyond the user address space: access_ok fails (-EFAULT), no pages touched`;
    }
    total += v.len;
  }
  if (total > MAX_RW_COUNT) total = MAX_RW_COUNT;
  if (total > MAX_IMPORT) {
    return `${c.syscall} of more than 256 MiB: beyond what one imported call may move (split the workload)`;
  }
  return undefined;
}

/** Keeps the fd tables and classifies calls. One instance per pass over a capture. */
export class Classifier {
  private readonly tables = new Map<number, Map<number, FdEntry>>();
  private readonly odirectByPath = new Map<string, boolean>();
  private readonly rings: Ring[] = [];
  private readonly ringByFd = new Map<string, Ring>();
  private nextRing = 0;

  constructor(private readonly sel: Selection) {}

  private table(pid: number): Map<number, FdEntry> {
    let t = this.tables.get(pid);
    if (!t) this.tables.set(pid, t = new Map());
    return t;
  }

  /** Every ring still alive (for the end of the capture). */
  liveRings(): Ring[] {
    return this.rings.filter((r) => r.bufs && !r.gone);
  }

  private drop(pid: number, fd: number): Ring | undefined {
    const t = this.table(pid);
    const e = t.get(fd);
    t.delete(fd);
    if (e?.ring) {
      e.ring.refs--;
      if (e.ring.refs === 0 && e.ring.bufs && !e.ring.gone) {
        e.ring.gone = true;
        return e.ring;
      }
    }
    return undefined;
  }

  private selected(c: Call, e: FdEntry | undefined): string | undefined {
    const s = this.sel;
    if (s.pid !== undefined && c.pid !== s.pid) return `pid is not ${s.pid} (--pid)`;
    if (s.comm !== undefined && c.comm !== undefined && c.comm !== s.comm) {
      return `comm is not "${s.comm}" (--comm)`;
    }
    if (s.fd !== undefined && c.fd !== s.fd) return `fd is not ${s.fd} (--fd)`;
    if (s.file !== undefined) {
      const path = c.path ?? e?.path;
      if (path !== s.file && !path?.endsWith(`/${s.file.replace(/^\.\//, "")}`)) {
        return `not on ${s.file} (--file)`;
      }
    }
    return undefined;
  }

  /** Classifies one call, updating the fd tables. */
  classify(c: Call): Decision {
    if (c.unsupported) return { kind: "skip", reason: c.unsupported };
    const t = this.table(c.pid);
    const ok = c.ret === undefined || c.ret >= 0n;
    switch (c.syscall) {
      case "exit": {
        // the last task of a process exits: its fds close, its rings go away
        if (c.tid !== c.pid) return { kind: "book" };
        const gone: Ring[] = [];
        for (const fd of [...t.keys()]) {
          const r = this.drop(c.pid, fd);
          if (r) gone.push(r);
        }
        this.tables.delete(c.pid);
        return gone.length
          ? { kind: "unregister", rings: gone, why: "the process exited (ring exit)" }
          : { kind: "book" };
      }
      case "open":
      case "openat": {
        const fd = c.ret !== undefined ? Number(c.ret) : -1;
        if (fd >= 0) {
          t.set(fd, { kind: "file", path: c.path, odirect: c.odirect });
          if (c.path !== undefined) this.odirectByPath.set(c.path, !!c.odirect);
        }
        return { kind: "book" };
      }
      case "close": {
        if (!ok) return { kind: "book" };
        const r = this.drop(c.pid, c.fd);
        return r
          ? { kind: "unregister", rings: [r], why: "its last fd was closed (ring exit)" }
          : { kind: "book" };
      }
      case "dup":
      case "dup2":
      case "dup3": {
        const e = t.get(c.fd);
        const nfd = c.syscall === "dup" ? Number(c.ret ?? -1n) : c.newfd ?? -1;
        if (ok && nfd >= 0 && nfd !== c.fd) {
          const r = this.drop(c.pid, nfd);
          if (e) {
            t.set(nfd, e);
            if (e.ring) e.ring.refs++;
          }
          if (r) return { kind: "unregister", rings: [r], why: "its last fd was replaced by dup2" };
        }
        return { kind: "book" };
      }
      case "pipe":
      case "pipe2":
        if (ok && c.fds) {
          t.set(c.fds[0], { kind: "pipe_read" });
          t.set(c.fds[1], { kind: "pipe_write" });
        }
        return { kind: "book" };
      case "io_uring_setup": {
        const fd = c.ret !== undefined ? Number(c.ret) : -1;
        if (fd >= 0) {
          const ring: Ring = { id: this.nextRing++, pid: c.pid, refs: 1 };
          this.rings.push(ring);
          t.set(fd, { kind: "ring", ring });
        }
        return { kind: "book" };
      }
      case "io_uring_enter":
        return {
          kind: "skip",
          reason: c.vlen
            ? "io_uring_enter: submissions are modelled from the io_uring tracepoints (sqe lines); strace cannot see them"
            : "io_uring_enter: waits for completions only",
        };
    }
    const e = c.fd >= 0 ? t.get(c.fd) : undefined;
    const notSel = this.selected(c, e);
    if (notSel) return { kind: "skip", reason: notSel };
    const bad = userRangeProblem(c);
    if (bad) return { kind: "skip", reason: bad };
    if (c.syscall === "io_uring_register") {
      const ring = e?.ring;
      if (!ring) {
        return {
          kind: "skip",
          reason: "io_uring_register on an fd the capture did not see created by io_uring_setup",
        };
      }
      if (!ok) {
        return {
          kind: "skip",
          reason: `io_uring_register failed with ${errnoText(c.ret!)}: nothing stays pinned`,
        };
      }
      if (c.opcode === 0 || c.opcode === 15) {
        if (c.truncated) {
          return {
            kind: "skip",
            reason: "buffer registration with more iovecs than the capture printed",
          };
        }
        if (ring.bufs && !ring.gone) {
          return {
            kind: "skip",
            reason: "a second buffer registration on one ring (the kernel returns -EBUSY)",
          };
        }
        if (c.iov.some((v) => v.base === undefined)) {
          return { kind: "skip", reason: "buffer registration without addresses" };
        }
        const bufs = c.iov.map((v) => ({ base: v.base!, len: v.len }));
        if (!ring.gone) {
          ring.bufs = bufs;
          return { kind: "register", ring };
        }
        // a ring may register again after unregistering: a fresh table, a fresh id
        const again: Ring = { id: this.nextRing++, pid: ring.pid, refs: ring.refs, bufs };
        this.rings.push(again);
        for (const [fd, x] of t) if (x.ring === ring) t.set(fd, { kind: "ring", ring: again });
        return { kind: "register", ring: again };
      }
      if (c.opcode === 1) {
        if (!ring.bufs || ring.gone) {
          return { kind: "skip", reason: "IORING_UNREGISTER_BUFFERS without registered buffers" };
        }
        ring.gone = true;
        return { kind: "unregister", rings: [ring], why: "IORING_UNREGISTER_BUFFERS" };
      }
      return {
        kind: "skip",
        reason: `io_uring_register opcode ${c.opcode}: no user pages involved, or not modelled`,
      };
    }
    if (c.syscall === "sqe") {
      const name = IORING_OP[c.opcode ?? -1];
      if (!name) {
        return { kind: "skip", reason: `io_uring request opcode ${c.opcode}: not a read/write` };
      }
      if (name === "READV_FIXED" || name === "WRITEV_FIXED") {
        // addr is an iovec array, len its count; each iovec is resolved inside the buffer
        return {
          kind: "skip",
          reason:
            `io_uring ${name}: iovecs over a registered buffer (io_import_reg_vec, 6.15+) are not modelled`,
        };
      }
      const fixed = /FIXED/.test(name);
      const read = /^READ/.test(name);
      if (c.ret !== undefined && c.ret < 0n) {
        return { kind: "skip", reason: `io_uring ${name} failed with ${errnoText(c.ret)}` };
      }
      if (c.truncated) {
        return { kind: "skip", reason: `io_uring ${name}: more iovecs than the capture printed` };
      }
      if (fixed) {
        const ring = this.rings.filter((r) => r.pid === c.pid && r.bufs && !r.gone).at(-1);
        if (!ring) {
          return {
            kind: "skip",
            reason: `io_uring ${name} without a registered buffer in the capture`,
          };
        }
        const b = ring.bufs![c.bufIndex ?? 0];
        const v = c.iov[0];
        if (!b || !v?.base || v.base < b.base || v.base + v.len > b.base + b.len) {
          return {
            kind: "skip",
            reason: `io_uring ${name}: the range is not inside registered buffer ${c.bufIndex}`,
          };
        }
        return { kind: "uring_rw", read, fixed, ring };
      }
      // a plain request's file: its fd in the submitter's table, unless the request names a
      // registered file (REQ_F_FIXED_FILE = IOSQE_FIXED_FILE, bit 0 of the tracepoint's
      // req->flags): then fd is an index into a table the capture does not follow
      if (((c.flags ?? 0n) & 1n) !== 0n) {
        if (!this.sel.assumeDirect) {
          return {
            kind: "skip",
            reason:
              `io_uring ${name} on a registered file (IOSQE_FIXED_FILE), which the capture does not follow: --assume-direct replays it as O_DIRECT`,
          };
        }
      } else if (!this.direct(e, c)) return { kind: "skip", reason: this.whyNotDirect(c, e) };
      return { kind: "uring_rw", read, fixed: false };
    }
    if (c.syscall === "vmsplice") {
      if (e?.kind === "pipe_read") {
        return {
          kind: "skip",
          reason: "vmsplice from a pipe's read end copies into user memory (no pins, no refs)",
        };
      }
      if (!ok && c.ret !== -14n) {
        return {
          kind: "skip",
          reason: `vmsplice failed with ${errnoText(c.ret!)} before taking page refs`,
        };
      }
      if (c.truncated) {
        return { kind: "skip", reason: "vmsplice with more iovecs than the capture printed" };
      }
      return { kind: "vmsplice", fault: c.ret === -14n };
    }
    if (c.syscall === "splice") {
      return {
        kind: "skip",
        reason: "splice moves page-cache and pipe pages: no user pages are pinned",
      };
    }
    if (c.syscall === "sendmsg" || c.syscall === "recvmsg") {
      return {
        kind: "skip",
        reason: `${c.syscall}: the socket layer copies user data (MSG_ZEROCOPY is not modelled)`,
      };
    }
    if (!RW_SYSCALLS.has(c.syscall)) return { kind: "skip", reason: `${c.syscall}: not modelled` };
    if (!this.direct(e, c)) return { kind: "skip", reason: this.whyNotDirect(c, e) };
    if (c.truncated) {
      return { kind: "skip", reason: `${c.syscall} with more iovecs than the capture printed` };
    }
    const total = c.iov.reduce((n, v) => n + v.len, 0n);
    const read = /^(read|pread|preadv)/.test(c.syscall);
    if (c.ret !== undefined && c.ret < 0n) {
      if (c.ret === -14n) return { kind: "rw", read, bytes: total, fault: true };
      if (c.ret !== -22n) {
        return {
          kind: "skip",
          reason: `${c.syscall} failed with ${errnoText(c.ret)} before reaching the user pages`,
        };
      }
      // -EINVAL: the block layer's alignment checks; the model applies them itself
      return { kind: "rw", read, bytes: total, fault: false };
    }
    if (total === 0n) return { kind: "skip", reason: `${c.syscall} of 0 bytes` };
    if (c.ret === 0n) {
      return { kind: "skip", reason: `${c.syscall} returned 0 (at end of file): no bio is built` };
    }
    return {
      kind: "rw",
      read,
      bytes: c.ret !== undefined && c.ret < total ? c.ret : total,
      fault: false,
    };
  }

  private direct(e: FdEntry | undefined, c: Call): boolean {
    if (this.sel.assumeDirect) return e?.kind !== "pipe_read" && e?.kind !== "pipe_write";
    if (e?.kind === "file") return !!e.odirect;
    if (!e && c.path !== undefined) return this.odirectByPath.get(c.path) ?? false;
    return false;
  }

  private whyNotDirect(c: Call, e: FdEntry | undefined): string {
    if (e?.kind === "pipe_read" || e?.kind === "pipe_write") {
      return `${c.syscall} on a pipe: copied, no pins`;
    }
    if (e?.kind === "ring") return `${c.syscall} on an io_uring fd`;
    if (e?.kind === "file" || (c.path !== undefined && this.odirectByPath.has(c.path))) {
      return `${c.syscall} on a file not opened with O_DIRECT: buffered I/O copies through the page cache, no pins`;
    }
    const p = c.path ?? "";
    if (/^(socket|TCP|UDP|UNIX|pipe):/.test(p)) {
      return `${c.syscall} on a ${p.split(":")[0]}: copied, no pins`;
    }
    return `${c.syscall} on fd ${c.fd}${
      p ? ` (${p})` : ""
    }, whose open the capture does not show (inherited, or opened before the capture): --assume-direct replays it as O_DIRECT`;
  }
}
