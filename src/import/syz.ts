/**
 * A syzkaller program as captured calls: the calls that carry user buffers (read, write,
 * pread64, pwrite64, readv, writev, preadv, pwritev, preadv2, pwritev2, vmsplice, splice,
 * io_uring buffer registration and the requests syz_io_uring_submit places in a ring) with
 * their buffers and lengths, and the fd bookkeeping around them (openat and its syzkaller
 * variants, pipe, close, dup, io_uring_setup). Every other call is passed on with the reason
 * it is not modelled.
 *
 * Memory: a program's addresses are as syzkaller prints them, inside its data area
 * 0x7f0000000000 + 16 MiB (prog's target data offset; the executor maps it wherever it
 * likes, the layout inside is the same), plus any range an `mmap(&(A/S)=nil, ...)` maps.
 * A call whose buffers all lie outside mapped memory faults (-EFAULT) before anything is
 * pinned; a call with some buffers in and some out is left out with that reason.
 *
 * Values are amd64's: O_DIRECT is 0x4000 in open flags. A program has no results: calls are
 * modelled as completing in full, and the summary says so.
 *
 * @module
 */
import type { Call, Iov } from "./capture.ts";
import { vlenOf } from "./capture.ts";
import { parseSyz, type SyzCall, type SyzValue } from "./syz_parse.ts";

/** syzkaller's data area in program text (prog.Target.DataOffset as printed), 16 MiB. */
export const SYZ_DATA_START = 0x7f0000000000n;
export const SYZ_DATA_SIZE = 16n << 20n;
const O_DIRECT = 0x4000n;
const PID = 1;
const U32 = (1n << 32n) - 1n;

/** IORING_OP numbers of the syzkaller sqe unions (include/uapi/linux/io_uring.h). */
const OP_BY_NAME: Record<string, number> = {
  IORING_OP_READV: 1,
  IORING_OP_WRITEV: 2,
  IORING_OP_READ_FIXED: 4,
  IORING_OP_WRITE_FIXED: 5,
  IORING_OP_READ: 22,
  IORING_OP_WRITE: 23,
};

/** What a resource names. */
interface Res {
  kind: "fd" | "ring_ptr";
  fd: number;
  /** For fds: the call that made it, when it is not an open, a pipe or a ring. */
  made?: string;
  /** For ring pointers: the ring fd's resource. */
  ring?: string;
  sqpoll?: boolean;
}

/** Follows a program's resources and turns its calls into captured calls. */
export class SyzConverter {
  private readonly res = new Map<string, Res>();
  private readonly mapped: { start: bigint; end: bigint }[] = [
    { start: SYZ_DATA_START, end: SYZ_DATA_START + SYZ_DATA_SIZE },
  ];
  /** SQEs written into a ring and not yet submitted, by ring fd. */
  private readonly queued = new Map<number, Call[]>();
  private nextFd = 3;

  /** The captured calls of one program call (one for most, one per SQE for io_uring_enter). */
  convert(s: SyzCall): Call[] {
    const base = { pid: PID, tid: PID, comm: "syz-executor", line: s.at.line };
    const a = s.args;
    const fdOf = (v: SyzValue | undefined): number => this.fdOf(v);
    const define = (kind: Res["kind"] = "fd"): number => {
      const fd = this.nextFd++;
      if (s.result) this.res.set(s.result, { kind, fd });
      return fd;
    };
    const other = (why: string): Call[] => {
      if (s.result) {
        define();
        this.res.get(s.result)!.made = s.name;
      }
      return [{ ...base, syscall: s.name, fd: -1, iov: [], unsupported: why }];
    };
    // a buffer call on an fd the model cannot follow: why, or undefined
    const onFd = (v: SyzValue | undefined): string | undefined => {
      if (v?.k === "res") {
        const r = this.res.get(v.name);
        if (!r) return `${s.name} on ${v.name}, which no earlier call defined`;
        if (r.made) {
          return `${s.name} on ${v.name} (made by ${r.made}): not a file, pipe or io_uring the model follows`;
        }
        return undefined;
      }
      const n = intOf(v);
      if (n !== undefined && n >= 1n << 31n) {
        return `${s.name} on fd -1 (${"0x" + n.toString(16)}): the kernel fails with -EBADF`;
      }
      return undefined;
    };
    switch (s.base) {
      case "mmap": {
        const p = a[0];
        const len = intOf(a[1]);
        if (p?.k === "ptr" && p.addr !== undefined && len !== undefined) {
          this.mapped.push({ start: p.addr, end: p.addr + len });
        }
        if (s.result) this.res.set(s.result, { kind: "fd", fd: -1 });
        return [];
      }
      case "open":
      case "openat":
      case "creat":
      case "syz_open_dev":
      case "syz_open_procfs": {
        const pathArg = s.base === "openat" || s.base === "syz_open_procfs" ? a[1] : a[0];
        const flags = s.base === "creat"
          ? 0x241n
          : intOf(s.base === "openat" || s.base === "syz_open_dev" ? a[2] : a[1]) ?? 0n;
        const fd = define();
        const path = textOf(pathArg) ?? s.name;
        return [{
          ...base,
          syscall: "openat",
          fd,
          path,
          flags,
          odirect: (flags & O_DIRECT) !== 0n,
          ret: BigInt(fd),
          iov: [],
        }];
      }
      case "pipe":
      case "pipe2": {
        const defs = resdefs(a[0]);
        if (defs.length < 2) return other(`${s.name}: the program does not name the pipe's fds`);
        const fds: [number, number] = [this.nextFd++, this.nextFd++];
        this.res.set(defs[0], { kind: "fd", fd: fds[0] });
        this.res.set(defs[1], { kind: "fd", fd: fds[1] });
        return [{ ...base, syscall: "pipe", fd: -1, fds, ret: 0n, iov: [] }];
      }
      case "close":
        return [{ ...base, syscall: "close", fd: fdOf(a[0]), ret: 0n, iov: [] }];
      case "dup": {
        const old = fdOf(a[0]);
        const fd = define();
        return [{ ...base, syscall: "dup", fd: old, ret: BigInt(fd), iov: [] }];
      }
      case "dup2":
      case "dup3": {
        const old = fdOf(a[0]);
        const nfd = fdOf(a[1]);
        if (s.result) this.res.set(s.result, { kind: "fd", fd: nfd });
        return [{ ...base, syscall: s.base, fd: old, newfd: nfd, ret: BigInt(nfd), iov: [] }];
      }
      case "io_uring_setup":
      case "syz_io_uring_setup": {
        const fd = define();
        const params = deref(a[1]);
        const flags = params?.k === "struct" ? intOf(params.items[2]) ?? 0n : 0n;
        const r = this.res.get(s.result ?? "");
        if (r) r.sqpoll = (flags & 2n) !== 0n; // IORING_SETUP_SQPOLL
        for (const d of s.base === "syz_io_uring_setup" ? a.slice(2).flatMap(resdefs) : []) {
          this.res.set(d, { kind: "ring_ptr", fd, ring: s.result });
        }
        return [{ ...base, syscall: "io_uring_setup", fd: -1, ret: BigInt(fd), iov: [] }];
      }
      case "read":
      case "write":
      case "pread64":
      case "pwrite64": {
        const len = intOf(a[2]);
        const addr = this.addrOf(a[1]);
        const bad = onFd(a[0]);
        if (bad) return other(bad);
        if (len === undefined) return other(`${s.name}: the count is not a number`);
        if (addr === undefined) {
          return other(`${s.name}: the buffer's address is not in the program (&AUTO)`);
        }
        const pos = s.base.startsWith("p") ? { pos: signed(intOf(a[3]) ?? 0n) } : {};
        return [this.checked({
          ...base,
          syscall: s.base,
          fd: fdOf(a[0]),
          iov: [{ base: addr, len }],
          ...pos,
        })];
      }
      case "readv":
      case "writev":
      case "preadv":
      case "pwritev":
      case "preadv2":
      case "pwritev2":
      case "vmsplice": {
        const vlen = intOf(a[2]);
        const bad = onFd(a[0]);
        if (bad) return other(bad);
        if (vlen === undefined) return other(`${s.name}: the iovec count is not a number`);
        const list = this.iovecs(a[1], vlen);
        if (typeof list === "string") return other(`${s.name}: ${list}`);
        const positioned = /^p(read|write)v/.test(s.base);
        // preadv(fd, vec, vlen, off_low, off_high): pos_from_hilo
        const pos = positioned
          ? { pos: signed(((intOf(a[4]) ?? 0n) << 32n | (intOf(a[3]) ?? 0n)) & ((1n << 64n) - 1n)) }
          : {};
        const flags = s.base.endsWith("v2")
          ? { flags: intOf(a[5]) ?? 0n }
          : s.base === "vmsplice"
          ? { flags: intOf(a[3]) ?? 0n }
          : {};
        return [this.checked({
          ...base,
          syscall: s.base,
          fd: fdOf(a[0]),
          iov: list.iov,
          vlen: vlenOf(vlen),
          ...(list.truncated ? { truncated: true } : {}),
          ...pos,
          ...flags,
        })];
      }
      case "splice":
        return [{
          ...base,
          syscall: "splice",
          fd: fdOf(a[0]),
          newfd: fdOf(a[2]),
          iov: [{ len: intOf(a[4]) ?? 0n }],
        }];
      case "io_uring_register": {
        const opcode = Number(intOf(a[1]) ?? -1n);
        const call: Call = {
          ...base,
          syscall: "io_uring_register",
          fd: fdOf(a[0]),
          opcode,
          iov: [],
        };
        if (opcode !== 0) {
          if (opcode === 15) {
            return [{
              ...call,
              unsupported: `${s.name}: IORING_REGISTER_BUFFERS2's table is not read from programs`,
            }];
          }
          return [{ ...call, ret: 0n }];
        }
        const nr = intOf(a[3]) ?? 0n;
        const list = this.iovecs(a[2], nr);
        if (typeof list === "string") return [{ ...call, unsupported: `${s.name}: ${list}` }];
        return [this.checked({
          ...call,
          iov: list.iov,
          vlen: vlenOf(nr),
          ...(list.truncated ? { truncated: true } : {}),
        })];
      }
      case "syz_io_uring_submit": {
        const ring = this.ringOf(a[0]) ?? this.ringOf(a[1]);
        if (ring === undefined) {
          return other(`${s.name}: its ring pointer is not one syz_io_uring_setup defined`);
        }
        const sqe = this.sqe(s, a[2]);
        if (typeof sqe === "string") return other(sqe);
        if (ring.sqpoll) return [sqe]; // the SQ thread submits it
        const q = this.queued.get(ring.fd) ?? [];
        q.push(sqe);
        this.queued.set(ring.fd, q);
        return [];
      }
      case "io_uring_enter": {
        const fd = fdOf(a[0]);
        const toSubmit = Number((intOf(a[1]) ?? 0n) & U32);
        const q = this.queued.get(fd) ?? [];
        const now = q.splice(0, toSubmit);
        // the requests it submits stand for it; without any it only waits for completions
        if (now.length) return now;
        return [{ ...base, syscall: "io_uring_enter", fd, iov: [], vlen: 0, ret: 0n }];
      }
    }
    return other(`${s.name}: not a call whose user pages the model follows`);
  }

  /** SQEs written into a ring but never submitted by an io_uring_enter. */
  unsubmitted(): Call[] {
    return [...this.queued.values()].flat().map((c) => ({
      ...c,
      unsupported:
        "syz_io_uring_submit: the request was never submitted (no io_uring_enter after it)",
    }));
  }

  private fdOf(v: SyzValue | undefined): number {
    if (v?.k === "res") return this.res.get(v.name)?.fd ?? -1;
    if (v?.k === "union") return this.fdOf(v.value);
    const n = intOf(v);
    if (n === undefined) return -1;
    return n >= 1n << 31n ? -1 : Number(n);
  }

  private ringOf(v: SyzValue | undefined): Res | undefined {
    if (v?.k !== "res") return undefined;
    const r = this.res.get(v.name);
    if (!r) return undefined;
    if (r.kind === "ring_ptr") return this.res.get(r.ring ?? "") ?? { kind: "fd", fd: r.fd };
    return r;
  }

  /** A pointer's address (0 for a NULL integer), undefined for &AUTO. */
  private addrOf(v: SyzValue | undefined): bigint | undefined {
    if (v?.k === "ptr") return v.addr;
    return intOf(v) ?? undefined;
  }

  /** An iovec array: each `{&(base)=data, len}` (omitted fields are 0). */
  private iovecs(
    v: SyzValue | undefined,
    vlen: bigint,
  ): { iov: Iov[]; truncated: boolean } | string {
    if (vlen === 0n) return { iov: [], truncated: false };
    const arr = deref(v);
    if (!arr || arr.k !== "array") {
      return intOf(v) === 0n
        ? "a NULL iovec array"
        : "the iovec array's contents are not in the program (the memory was written by other calls)";
    }
    const iov: Iov[] = [];
    for (const e of arr.items.slice(0, Number(vlen < 1024n ? vlen : 1024n))) {
      const f = e.k === "struct" ? e.items : [];
      const base = this.addrOf(f[0]) ?? (f[0] ? undefined : 0n);
      if (base === undefined) return "an iovec's address is not in the program (&AUTO)";
      iov.push({ base, len: intOf(f[1]) ?? 0n });
    }
    return { iov, truncated: BigInt(iov.length) < vlen };
  }

  /** An SQE of syz_io_uring_submit: opcode, flags, ioprio, fd, off, addr, len, rw_flags, user_data, buf_index. */
  private sqe(s: SyzCall, v: SyzValue | undefined): Call | string {
    let x = deref(v);
    let opName = /\$(IORING_OP_\w+)$/.exec(s.name)?.[1];
    while (x?.k === "union") {
      if (/^IORING_OP_/.test(x.name)) opName = x.name;
      x = x.value;
    }
    if (!x || x.k !== "struct") return `${s.name}: the request is not in the program`;
    const f = x.items;
    const opcode = Number(intOf(f[0]) ?? BigInt(OP_BY_NAME[opName ?? ""] ?? -1));
    const base = { pid: PID, tid: PID, comm: "syz-executor", line: s.at.line };
    const fdv = f[3];
    const fixedFile = fdv?.k === "union" && fdv.name === "fd_index";
    const flags = (intOf(f[1]) ?? 0n) | (fixedFile ? 1n : 0n);
    const call = {
      ...base,
      syscall: "sqe",
      req: `syz@${s.at.line}`,
      opcode,
      fd: fixedFile ? Number(intOf(fdv.value) ?? 0n) : this.fdOf(fdv),
      flags,
      pos: signed(intOf(f[4]) ?? 0n),
      bufIndex: Number((intOf(f[9]) ?? 0n) & 0xffffn),
    };
    const len = (intOf(f[6]) ?? 0n) & U32; // sqe->len is a __u32
    if (opcode === 1 || opcode === 2) {
      const list = this.iovecs(f[5], len);
      if (typeof list === "string") return `${s.name}: ${list}`;
      return this.checked({
        ...call,
        iov: list.iov,
        vlen: vlenOf(len),
        ...(list.truncated ? { truncated: true } : {}),
      });
    }
    if (opcode === 4 || opcode === 5 || opcode === 22 || opcode === 23) {
      const addr = this.addrOf(f[5]) ?? (f[5] ? undefined : 0n);
      if (addr === undefined) {
        return `${s.name}: the buffer's address is not in the program (&AUTO)`;
      }
      return this.checked({ ...call, iov: [{ base: addr, len }] });
    }
    return { ...call, iov: [] };
  }

  /**
   * Buffers against mapped memory: all outside (and some bytes asked for) is the kernel's
   * -EFAULT before any page is pinned; some in and some out is left out.
   */
  private checked(c: Call): Call {
    if (c.truncated) return c;
    const used = c.iov.filter((v) => v.len > 0n);
    if (!used.length) return c;
    const inside = (v: Iov) =>
      this.mapped.some((m) => v.base! >= m.start && v.base! + v.len <= m.end);
    const touches = (v: Iov) =>
      this.mapped.some((m) => v.base! < m.end && v.base! + v.len > m.start);
    if (used.every(inside)) return c;
    if (!used.some(touches)) return { ...c, ret: -14n };
    return {
      ...c,
      unsupported: `${
        c.syscall === "sqe" ? "io_uring request" : c.syscall
      }: its buffers run past the program's mapped memory (the kernel pins what is mapped, then faults): not modelled`,
    };
  }
}

/** The value a pointer points to (the value itself otherwise). */
function deref(v: SyzValue | undefined): SyzValue | undefined {
  return v?.k === "ptr" ? v.value : v;
}

/** An integer argument (a resource definition's initial value counts). */
function intOf(v: SyzValue | undefined): bigint | undefined {
  if (!v) return 0n;
  if (v.k === "int") return v.v;
  if (v.k === "resdef") return intOf(v.value);
  if (v.k === "nil" || v.k === "auto") return 0n;
  return undefined;
}

/** Every `<rN=>` defined inside a value, in order. */
function resdefs(v: SyzValue | undefined): string[] {
  if (!v) return [];
  switch (v.k) {
    case "resdef":
      return [v.name, ...resdefs(v.value)];
    case "ptr":
      return resdefs(v.value);
    case "array":
    case "struct":
      return v.items.flatMap(resdefs);
    case "union":
      return resdefs(v.value);
    default:
      return [];
  }
}

/** A readable string argument without its trailing NUL. */
function textOf(v: SyzValue | undefined): string | undefined {
  const d = deref(v);
  return d?.k === "data" && d.text !== undefined ? d.text.replace(/\0+$/, "") : undefined;
}

function signed(v: bigint): bigint {
  return v >= 1n << 63n ? v - (1n << 64n) : v;
}

/** A program file's captured calls, in program order. */
export async function* parseSyzProgram(
  lines: AsyncIterable<string>,
  file: string,
): AsyncGenerator<Call> {
  const conv = new SyzConverter();
  for await (const s of parseSyz(lines, file)) yield* conv.convert(s);
  yield* conv.unsubmitted();
}
