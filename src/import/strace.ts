/**
 * Parses `strace -f -ttt -T -y -v -s 0 -X verbose` output (other timestamp and -T settings
 * work too). A call that strace splits into `<unfinished ...>` and `<... NAME resumed>`
 * (two tasks under -f) is joined back into one. strace prints no buffer addresses for the
 * read/write family (`-s 0` shows `""...`), only lengths; io_uring_register's iovecs carry
 * their addresses. Lines are read one at a time: memory is bounded by the tasks in flight.
 *
 * @module
 */
import {
  badLine,
  type Call,
  clip,
  ERRNO,
  type Iov,
  RW_SYSCALLS,
  s64,
  u64,
  vlenOf,
} from "./capture.ts";

/** The syscalls whose arguments the importer reads; any other syscall is counted only. */
const KNOWN: ReadonlySet<string> = new Set([
  ...RW_SYSCALLS,
  "vmsplice",
  "splice",
  "sendmsg",
  "recvmsg",
  "openat",
  "open",
  "close",
  "dup",
  "dup2",
  "dup3",
  "pipe",
  "pipe2",
  "io_uring_setup",
  "io_uring_register",
  "io_uring_enter",
]);

const HEAD = /^(?:\[pid\s+(\d+)\]\s+|(\d+)\s+)?(?:(\d+(?:\.\d+)?|\d\d:\d\d:\d\d(?:\.\d+)?)\s+)?/;

/**
 * Index of the first character from `from` on that is outside quotes and brackets and
 * satisfies `hit`, or -1: the one scan of strace's argument text that splitArgs and
 * argsEnd share.
 */
function findTop(s: string, from: number, hit: (c: string) => boolean): number {
  let depth = 0, quote = false;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === '"') quote = false;
      continue;
    }
    if (depth === 0 && hit(c)) return i;
    if (c === '"') quote = true;
    else if (c === "[" || c === "{" || c === "(") depth++;
    else if (c === "]" || c === "}" || c === ")") depth--;
  }
  return -1;
}

/** Splits top-level comma-separated arguments, respecting quotes and brackets. */
export function splitArgs(s: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i; (i = findTop(s, start, (c) => c === ",")) >= 0; start = i + 1) {
    out.push(s.slice(start, i).trim());
  }
  const last = s.slice(start).trim();
  if (last || out.length) out.push(last);
  return out;
}

/** Where a line's text stands, for column numbers. */
interface At {
  file: string;
  line: number;
  text: string;
}

function col(at: At, piece: string): number {
  const i = at.text.indexOf(piece);
  return i >= 0 ? i + 1 : 1;
}

/** The number at the start of `t`, through capture.ts's u64 (the bpftrace parser's too). */
function uint(at: At, t: string, what: string): bigint {
  const m = /^(0x[0-9a-fA-F]+|\d+)/.exec(t.trim())?.[1] ?? t;
  return u64(m, what, at.file, at.line, col(at, m));
}

/** The signed number at the start of `t`, through capture.ts's s64. */
function sint(at: At, t: string, what: string): bigint {
  const m = /^-?\d+/.exec(t.trim())?.[0] ?? t;
  return s64(m, what, at.file, at.line, col(at, m));
}

/** `3</tmp/x>` → fd 3 and its path. */
function fdArg(at: At, t: string, what = "fd"): { fd: number; path?: string } {
  const m = /^(-?\d+)(?:<(.*)>)?$/.exec(t.trim());
  if (!m) {
    if (/^AT_FDCWD/.test(t)) return { fd: -100 };
    badLine(at.file, at.line, col(at, t), `${what}: expected a file descriptor, got "${clip(t)}"`);
  }
  const fd = Number(m[1]);
  if (!Number.isSafeInteger(fd) || Math.abs(fd) > 2 ** 31) {
    badLine(at.file, at.line, col(at, t), `${what}: ${clip(m[1])} is not a file descriptor`);
  }
  return { fd, ...(m[2] !== undefined ? { path: unescape(m[2]) } : {}) };
}

/** strace's escapes in paths: \xNN, \\, \", \n... */
function unescape(s: string): string {
  return s.includes("\\")
    ? s.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_m, e: string) => {
      if (e[0] === "x") return String.fromCharCode(parseInt(e.slice(1), 16));
      if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
      return ({ n: "\n", t: "\t", r: "\r" } as Record<string, string>)[e] ?? e;
    })
    : s;
}

/** `[{iov_base=""..., iov_len=7680}, ...]` → the iovecs, and whether strace cut the list. */
function iovList(at: At, t: string): { iov: Iov[]; truncated: boolean } {
  const s = t.trim();
  if (s === "NULL" || /^0x[0-9a-f]+$/.test(s)) return { iov: [], truncated: true };
  if (!s.startsWith("[") || !s.endsWith("]")) {
    badLine(at.file, at.line, col(at, t), `expected an iovec list [...], got "${clip(t)}"`);
  }
  const iov: Iov[] = [];
  let truncated = false;
  for (const e of splitArgs(s.slice(1, -1))) {
    if (e === "...") {
      truncated = true;
      continue;
    }
    if (!e) continue;
    const b = /iov_base=(0x[0-9a-fA-F]+|NULL)?/.exec(e);
    const l = /iov_len=(\S+?)\}?$/.exec(e);
    if (!l) badLine(at.file, at.line, col(at, e), `an iovec without iov_len: "${clip(e)}"`);
    const base = b?.[1] && b[1] !== "NULL" ? uint(at, b[1], "iov_base") : b?.[1] ? 0n : undefined;
    iov.push({ ...(base !== undefined ? { base } : {}), len: uint(at, l[1], "iov_len") });
  }
  return { iov, truncated };
}

interface Pending {
  syscall: string;
  args: string;
  line: number;
  text: string;
}

/** Parses one complete syscall; returns undefined for syscalls outside KNOWN. */
function parseCall(
  at: At,
  pid: number,
  syscall: string,
  args: string,
  retText: string,
): Call | undefined {
  if (!KNOWN.has(syscall)) return undefined;
  const a = splitArgs(args);
  const need = (n: number) => {
    if (a.length < n) {
      badLine(
        at.file,
        at.line,
        col(at, syscall),
        `${syscall}: expected ${n} arguments, got ${a.length}`,
      );
    }
  };
  let ret: bigint | undefined;
  let retPath: string | undefined;
  const rm = /^(-?\d+|0x[0-9a-f]+)(?:<(.*?)>)?(?:\s+(E[A-Z0-9]+))?/.exec(retText);
  if (rm) {
    ret = rm[3] && ERRNO[rm[3]] !== undefined ? -BigInt(ERRNO[rm[3]]) : sint(at, rm[1], "result");
    if (rm[3] && ERRNO[rm[3]] === undefined) ret = -1n;
    retPath = rm[2] !== undefined ? unescape(rm[2]) : undefined;
  } else if (!/^\?/.test(retText)) {
    badLine(at.file, at.line, col(at, retText), `unreadable result "${clip(retText)}"`);
  }
  const base = {
    pid,
    tid: pid,
    syscall,
    line: at.line,
    ...(ret !== undefined ? { ret } : {}),
  };
  switch (syscall) {
    case "read":
    case "write":
    case "pread64":
    case "pwrite64": {
      need(syscall.startsWith("p") ? 4 : 3);
      const f = fdArg(at, a[0]);
      return {
        ...base,
        ...f,
        iov: [{ len: uint(at, a[2], "count") }],
        ...(syscall.startsWith("p") ? { pos: sint(at, a[3], "pos") } : {}),
      };
    }
    case "readv":
    case "writev":
    case "preadv":
    case "pwritev":
    case "preadv2":
    case "pwritev2":
    case "vmsplice": {
      need(syscall.endsWith("v2") ? 5 : syscall.startsWith("p") ? 4 : 3);
      const f = fdArg(at, a[0]);
      const { iov, truncated } = iovList(at, a[1]);
      const vlen = uint(at, a[2], "iovcnt");
      return {
        ...base,
        ...f,
        iov,
        vlen: vlenOf(vlen),
        ...(truncated || BigInt(iov.length) < vlen ? { truncated: true } : {}),
        // preadv2(fd, iov, iovcnt, offset, flags): the position is the 4th argument
        ...(/^p(read|write)v/.test(syscall) ? { pos: sint(at, a[3], "offset") } : {}),
        ...(syscall.endsWith("v2") ? { flags: rwfFlags(a[4]) } : {}),
      };
    }
    case "splice": {
      need(6);
      return {
        ...base,
        ...fdArg(at, a[0], "fd_in"),
        newfd: fdArg(at, a[2], "fd_out").fd,
        iov: [{ len: uint(at, a[4], "len") }],
      };
    }
    case "sendmsg":
    case "recvmsg": {
      need(3);
      const im = /msg_iov=(\[.*?\])(?:,\s*msg_iovlen=(\d+))?/.exec(a[1]);
      const { iov, truncated } = im ? iovList(at, im[1]) : { iov: [], truncated: true };
      return { ...base, ...fdArg(at, a[0]), iov, ...(truncated ? { truncated } : {}) };
    }
    case "open":
    case "openat": {
      const i = syscall === "open" ? 0 : 1;
      need(i + 2);
      const pm = /^"((?:[^"\\]|\\.)*)"(\.\.\.)?$/.exec(a[i]);
      if (!pm) badLine(at.file, at.line, col(at, a[i]), `${syscall}: expected a quoted path`);
      return {
        ...base,
        fd: ret !== undefined && ret >= 0n ? Number(ret) : -1,
        path: retPath ?? unescape(pm[1]),
        odirect: /\bO_DIRECT\b/.test(a[i + 1]),
        iov: [],
      };
    }
    case "close":
    case "dup":
      need(1);
      return { ...base, ...fdArg(at, a[0]), iov: [] };
    case "dup2":
    case "dup3":
      need(2);
      return { ...base, ...fdArg(at, a[0]), newfd: fdArg(at, a[1], "newfd").fd, iov: [] };
    case "pipe":
    case "pipe2": {
      need(1);
      const fm = /^\[(-?\d+)(?:<[^>]*>)?,\s*(-?\d+)(?:<[^>]*>)?\]$/.exec(a[0]);
      return { ...base, fd: -1, iov: [], ...(fm ? { fds: [Number(fm[1]), Number(fm[2])] } : {}) };
    }
    case "io_uring_setup":
      need(2);
      return { ...base, fd: ret !== undefined && ret >= 0n ? Number(ret) : -1, iov: [] };
    case "io_uring_register": {
      need(4);
      // -X verbose: `0 /* IORING_REGISTER_BUFFERS */`; -X abbrev: the name; -X raw: the number
      const op = a[1].replace(/\/\*.*?\*\//g, "").trim();
      const opcode = /^\d+$/.test(op) ? Number(op) : REGISTER_OPS[op] ?? -1;
      let iov: Iov[] = [];
      let truncated = false;
      if (opcode === 0) ({ iov, truncated } = iovList(at, a[2]));
      return {
        ...base,
        ...fdArg(at, a[0]),
        opcode,
        iov,
        vlen: vlenOf(uint(at, a[3], "nr_args")),
        ...(truncated ? { truncated } : {}),
      };
    }
    case "io_uring_enter":
      need(4);
      return { ...base, ...fdArg(at, a[0]), vlen: Number(uint(at, a[1], "to_submit")), iov: [] };
  }
  return undefined;
}

const REGISTER_OPS: Record<string, number> = {
  IORING_REGISTER_BUFFERS: 0,
  IORING_UNREGISTER_BUFFERS: 1,
  IORING_REGISTER_FILES: 2,
  IORING_UNREGISTER_FILES: 3,
  IORING_REGISTER_BUFFERS2: 15,
  IORING_REGISTER_BUFFERS_UPDATE: 16,
};

function rwfFlags(t: string | undefined): bigint {
  if (!t) return 0n;
  const s = t.trim();
  if (/^(0x[0-9a-f]+|\d+)$/.test(s)) return BigInt(s);
  const bits: Record<string, bigint> = {
    RWF_HIPRI: 1n,
    RWF_DSYNC: 2n,
    RWF_SYNC: 4n,
    RWF_NOWAIT: 8n,
    RWF_APPEND: 16n,
    RWF_NOAPPEND: 32n,
    RWF_ATOMIC: 64n,
    RWF_DONTCACHE: 128n,
  };
  let v = 0n;
  for (const p of s.split("|")) v |= bits[p.trim()] ?? 0n;
  return v;
}

/** Counts of what the parser saw but does not turn into calls, for the summary. */
export interface StraceStats {
  otherSyscalls: number;
  unrecognised: number;
  firstUnrecognised?: number;
}

/** Parses an strace capture into calls, in file order. */
export async function* parseStrace(
  lines: AsyncIterable<string>,
  file: string,
  stats: StraceStats = { otherSyscalls: 0, unrecognised: 0 },
): AsyncGenerator<Call> {
  const unfinished = new Map<number, Pending>();
  let n = 0;
  for await (const raw of lines) {
    n++;
    const text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (!text.trim() || text.startsWith("#") || text.startsWith("strace: ")) continue;
    const h = HEAD.exec(text)!;
    const pid = Number(h[1] ?? h[2] ?? 0);
    const body = text.slice(h[0].length);
    if (/^\+\+\+ (exited|killed)/.test(body)) {
      yield { pid, tid: pid, syscall: "exit", fd: -1, iov: [], line: n };
      continue;
    }
    if (/^---/.test(body)) continue;
    let syscall: string, args: string, tail: string, line = n;
    const resumed = /^<\.\.\. (\w+) resumed>(.*)$/.exec(body);
    if (resumed) {
      const p = unfinished.get(pid);
      if (!p || p.syscall !== resumed[1]) {
        badLine(file, n, 1, `"${resumed[1]} resumed" without its "<unfinished ...>" line`);
      }
      unfinished.delete(pid);
      syscall = p.syscall;
      line = p.line;
      const full = p.args + resumed[2];
      const close = argsEnd(full);
      if (close < 0) badLine(file, n, 1, `${syscall}: no closing parenthesis`);
      args = full.slice(0, close);
      tail = full.slice(close + 1);
    } else {
      const m = /^(\w+)\((.*)$/.exec(body);
      if (!m) {
        stats.unrecognised++;
        stats.firstUnrecognised ??= n;
        continue;
      }
      syscall = m[1];
      const un = /^(.*?)\s*<unfinished \.\.\.>$/.exec(m[2]);
      if (un) {
        unfinished.set(pid, { syscall, args: un[1], line: n, text });
        continue;
      }
      const close = argsEnd(m[2]);
      if (close < 0) {
        stats.unrecognised++;
        stats.firstUnrecognised ??= n;
        continue;
      }
      args = m[2].slice(0, close);
      tail = m[2].slice(close + 1);
    }
    const rm = /^\s*=\s*(.*?)(?:\s+<\d+\.\d+>)?$/.exec(tail);
    if (!rm) {
      badLine(file, n, 1, `${syscall}: expected " = <result>" after the arguments`);
    }
    const c = parseCall({ file, line, text }, pid, syscall, args, rm[1]);
    if (c) yield c;
    else stats.otherSyscalls++;
  }
  for (const [pid, p] of unfinished) {
    if (!KNOWN.has(p.syscall)) continue;
    // the capture ended inside the call: no result, and maybe not all of its arguments
    let c: Call | undefined;
    try {
      c = parseCall({ file, line: p.line, text: p.text }, pid, p.syscall, p.args, "?");
    } catch {
      c = undefined;
    }
    yield c ??
      { pid, tid: pid, syscall: p.syscall, fd: -1, iov: [], truncated: true, line: p.line };
  }
}

/** Index of the parenthesis closing the argument list (the first top-level one). */
function argsEnd(s: string): number {
  return findTop(s, 0, (c) => c === ")");
}
