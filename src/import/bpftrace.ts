/**
 * Parses the itertrace-capture format written by traces/capture/bpftrace-iov.bt (v2; v1
 * captures, without results or fd tables, still load). Every field of every line is checked,
 * with its line and column. Lines from different CPUs arrive nearly but not strictly in
 * time order: records are joined by their `<ts> <pid> <tid>` key and released in timestamp
 * order through a bounded window, so memory does not grow with the capture's length.
 *
 * @module
 */
import { badLine, type Call, clip, type Iov, s64, smallInt, u64, vlenOf } from "./capture.ts";

/** Records held for reordering before the oldest are released. */
const WINDOW = 4096;
/**
 * O_DIRECT in openat's flags as x86-64 defines it: include/uapi/asm-generic/fcntl.h
 * `O_DIRECT 00040000` (octal). arm64 differs (arch/arm64/include/uapi/asm/fcntl.h
 * `0200000` = 0x10000), so a capture from an arm64 machine reads as not O_DIRECT.
 */
const O_DIRECT = 0x4000n;

interface Rec {
  ts: bigint;
  seq: number;
  key: string;
  call?: Record<string, unknown> & { iov: Iov[]; line: number };
  ret?: bigint;
  done: boolean;
}

const FIELDS: Record<string, readonly string[]> = {
  read: ["fd", "base", "len"],
  write: ["fd", "base", "len"],
  pread64: ["fd", "base", "len", "pos"],
  pwrite64: ["fd", "base", "len", "pos"],
  readv: ["fd", "vlen"],
  writev: ["fd", "vlen"],
  preadv: ["fd", "vlen", "pos"],
  pwritev: ["fd", "vlen", "pos"],
  preadv2: ["fd", "vlen", "pos", "flags"],
  pwritev2: ["fd", "vlen", "pos", "flags"],
  vmsplice: ["fd", "vlen", "flags"],
  sendmsg: ["fd", "vlen", "flags"],
  recvmsg: ["fd", "vlen", "flags"],
  splice: ["fd_in", "off_in", "fd_out", "off_out", "len", "flags"],
  openat: ["dfd", "flags"],
  close: ["fd"],
  dup: ["fd"],
  dup2: ["fd", "newfd"],
  pipe: [],
  pipe2: ["flags"],
  io_uring_setup: ["entries"],
  io_uring_enter: ["fd", "to_submit", "min_complete", "flags"],
  io_uring_register: ["fd", "opcode", "nr_args", "vlen"],
  sqe: ["req", "opcode"],
  exit: [],
};

/** Splits `k=v k=v comm=rest of line`; returns the fields with their columns. */
function keyValues(
  rest: string,
  col0: number,
  file: string,
  line: number,
): { f: Map<string, { v: string; col: number }>; comm?: string } {
  const f = new Map<string, { v: string; col: number }>();
  const at = rest.startsWith("comm=") ? 0 : rest.indexOf(" comm=");
  const body = at >= 0 ? rest.slice(0, at) : rest;
  const comm = at >= 0 ? rest.slice(at + (at === 0 ? 5 : 6)) : undefined;
  let col = col0;
  for (const tok of body.split(" ")) {
    if (tok) {
      const eq = tok.indexOf("=");
      if (eq <= 0) badLine(file, line, col, `expected key=value, got "${clip(tok)}"`);
      f.set(tok.slice(0, eq), { v: tok.slice(eq + 1), col: col + eq + 1 });
    }
    col += tok.length + 1;
  }
  return { f, ...(comm !== undefined ? { comm } : {}) };
}

/** Reads a capture number: 0x-hex (unsigned, reinterpreted as signed when asked) or decimal. */
function num(
  v: { v: string; col: number },
  what: string,
  signed: boolean,
  file: string,
  line: number,
): bigint {
  if (v.v.startsWith("0x")) {
    const u = u64(v.v, what, file, line, v.col);
    return signed && u >= 1n << 63n ? u - (1n << 64n) : u;
  }
  return signed ? s64(v.v, what, file, line, v.col) : u64(v.v, what, file, line, v.col);
}

/** Parses a capture into calls, in timestamp order; a malformed line throws a TraceError. */
export async function* parseBpftrace(
  lines: AsyncIterable<string>,
  file: string,
): AsyncGenerator<Call> {
  const byKey = new Map<string, Rec>();
  const openByTid = new Map<number, Rec>();
  const sqeByReq = new Map<string, Rec>();
  let ready: Rec[] = [];
  let seq = 0;
  let n = 0;
  let sawHeader = false;
  const order = (a: Rec, b: Rec) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.seq - b.seq);
  const finish = (r: Rec) => {
    if (r.done || !r.call) return;
    r.done = true;
    byKey.delete(r.key);
    ready.push(r);
  };
  function* release(all: boolean): Generator<Call> {
    if (!all && ready.length < 2 * WINDOW) return;
    ready.sort(order);
    const out = all ? ready : ready.slice(0, WINDOW);
    ready = all ? [] : ready.slice(WINDOW);
    for (const r of out) yield toCall(r);
  }
  for await (const raw of lines) {
    n++;
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (!line.trim() || line.startsWith("#")) {
      if (/^# itertrace-capture v\d+/.test(line)) {
        const v = Number(/v(\d+)/.exec(line)![1]);
        if (v > 3) badLine(file, n, 1, `itertrace-capture v${v} is newer than this importer (v3)`);
        sawHeader = true;
      }
      continue;
    }
    if (/^(__BPFTRACE_NOTIFY_PROBES_ATTACHED|Attaching \d+ probes?\.\.\.)$/.test(line)) continue;
    const m = /^(\d+) (\d+) (\d+) ([a-z_0-9]+)(?: (.*))?$/.exec(line);
    if (!m) {
      badLine(
        file,
        n,
        1,
        sawHeader
          ? "not an itertrace-capture event line (<ts_ns> <pid> <tid> <kind> ...)"
          : "not an itertrace-capture file (no '# itertrace-capture' header, and this line is not an event)",
      );
    }
    const [, tsT, pidT, tidT, kind, rest = ""] = m;
    const ts = u64(tsT, "ts_ns", file, n, 1);
    const pid = smallInt(pidT, "pid", file, n, tsT.length + 2);
    const tid = smallInt(tidT, "tid", file, n, tsT.length + pidT.length + 3);
    const key = `${tsT} ${pidT} ${tidT}`;
    const restCol = tsT.length + pidT.length + tidT.length + kind.length + 5;
    const rec = (): Rec => {
      let r = byKey.get(key);
      if (!r) {
        r = { ts, seq: seq++, key, done: false };
        byKey.set(key, r);
      }
      return r;
    };
    if (kind === "iov") {
      const im = /^(\d+) base=(\S+) len=(\S+)$/.exec(rest);
      if (!im) badLine(file, n, restCol, "expected: iov <idx> base=0x<addr> len=0x<len>");
      const r = byKey.get(key);
      if (!r?.call) badLine(file, n, 1, "an iov line without its syscall line before it");
      const idx = Number(im[1]);
      if (idx !== r.call.iov.length) {
        badLine(file, n, restCol, `iov index ${im[1]}: expected ${r.call.iov.length}`);
      }
      const bcol = restCol + im[1].length + 6;
      r.call.iov.push({
        base: u64(im[2], "iov base", file, n, bcol),
        len: u64(im[3], "iov len", file, n, bcol + im[2].length + 5),
      });
      continue;
    }
    if (kind === "path") {
      const r = byKey.get(key);
      if (!r?.call || r.call.syscall !== "openat") {
        badLine(file, n, 1, "a path line without its openat line before it");
      }
      r.call.path = rest;
      continue;
    }
    if (kind === "fds") {
      const fm = /^(-?\d+) (-?\d+)$/.exec(rest);
      const r = byKey.get(key);
      if (!fm) badLine(file, n, restCol, "expected: fds <read end> <write end>");
      if (!r?.call) badLine(file, n, 1, "an fds line without its pipe line");
      r.call.fds = [Number(fm[1]), Number(fm[2])];
      continue;
    }
    if (kind === "pfns") {
      // v3: `pfns va=0x<page> <pfn>,<pfn>,...` (hex, `-` = not present), a record of its own
      const pm = /^va=(\S+) (\S+)$/.exec(rest);
      if (!pm) badLine(file, n, restCol, "expected: pfns va=0x<page address> <pfn>,<pfn>,...");
      const va = u64(pm[1], "pfns va", file, n, restCol + 3);
      if (va % 4096n) badLine(file, n, restCol + 3, `pfns va ${pm[1]} is not page-aligned`);
      const list = pm[2].split(",");
      if (list.length > 1 << 16) badLine(file, n, restCol, "more than 65536 pfns on one line");
      let col = restCol + pm[1].length + 4;
      const pfns = list.map((t) => {
        const c0 = col;
        col += t.length + 1;
        if (t === "-") return undefined;
        if (!/^[0-9a-fA-F]{1,13}$/.test(t)) {
          badLine(file, n, c0, `pfn "${clip(t)}": expected hex or -`);
        }
        return parseInt(t, 16);
      });
      ready.push({
        ts,
        seq: seq++,
        key: `${key} pfns ${seq}`,
        call: { pid, tid, syscall: "pfns", fd: -1, iov: [], line: n, frames: { va, pfns } },
        done: true,
      });
      yield* release(false);
      continue;
    }
    if (kind === "ret") {
      const r = rec();
      r.ret = s64(rest, "ret", file, n, restCol);
      if (r.call) finish(r);
      yield* release(false);
      continue;
    }
    if (kind === "cqe") {
      const cm = /^req=(0x[0-9a-f]+) res=(-?\d+)$/.exec(rest);
      if (!cm) badLine(file, n, restCol, "expected: cqe req=0x<req> res=<n>");
      const r = sqeByReq.get(cm[1]);
      if (r) {
        sqeByReq.delete(cm[1]);
        r.ret = s64(cm[2], "res", file, n, restCol + cm[1].length + 9);
        finish(r);
        yield* release(false);
      }
      continue;
    }
    const need = FIELDS[kind];
    if (!need) {
      badLine(file, n, tsT.length + pidT.length + tidT.length + 4, `unknown event "${clip(kind)}"`);
    }
    const { f, comm } = keyValues(rest, restCol, file, n);
    for (const k of need) {
      if (!f.has(k)) badLine(file, n, restCol, `${kind}: missing field ${k}=`);
    }
    const call: Rec["call"] = { pid, tid, syscall: kind, fd: -1, iov: [], line: n };
    if (comm !== undefined) call.comm = comm;
    const get = (k: string, signed = false) => num(f.get(k)!, `${kind} ${k}`, signed, file, n);
    if (f.has("fd")) call.fd = Number(get("fd", true));
    if (kind === "splice") call.fd = Number(get("fd_in", true));
    if (f.has("pos")) call.pos = get("pos", true);
    if (f.has("flags")) call.flags = get("flags");
    if (kind === "openat") call.odirect = (get("flags") & O_DIRECT) !== 0n;
    if (f.has("newfd")) call.newfd = Number(get("newfd", true));
    if (f.has("opcode")) call.opcode = Number(get("opcode"));
    if (f.has("base")) call.iov.push({ base: get("base"), len: get("len") });
    if (kind === "splice") call.iov.push({ len: get("len") });
    if (f.has("vlen")) call.vlen = vlenOf(get("vlen"));
    if (kind === "sqe") {
      call.req = f.get("req")!.v;
      if (f.has("addr")) {
        call.fd = Number(get("fd", true));
        call.bufIndex = Number(get("buf_index"));
        if (f.has("sqe_flags")) call.flags = get("sqe_flags");
        const op = call.opcode as number;
        // READV/WRITEV and READV_FIXED/WRITEV_FIXED: addr is an iovec array, len its count
        if (op === 1 || op === 2 || op === 60 || op === 61) call.vlen = vlenOf(get("len"));
        else call.iov.push({ base: get("addr"), len: get("len") });
      }
      const r: Rec = { ts, seq: seq++, key, call, done: false };
      byKey.set(key, r); // its iov lines join by the line key
      sqeByReq.set(call.req as string, r);
      continue;
    }
    if (kind === "exit") {
      const r: Rec = { ts, seq: seq++, key: `${key} exit`, call, done: false };
      finish(r);
      continue;
    }
    // a task runs one syscall at a time: its earlier call without a result is over
    const prev = openByTid.get(tid);
    if (prev && prev.call && !prev.done && prev.ts < ts && byKey.get(prev.key) === prev) {
      finish(prev);
    }
    const r = rec();
    if (r.call) badLine(file, n, 1, `a second event with the key "${key}"`);
    r.call = call;
    openByTid.set(tid, r);
    if (r.ret !== undefined) finish(r);
    yield* release(false);
  }
  for (const r of [...byKey.values()]) finish(r);
  for (const r of sqeByReq.values()) finish(r);
  yield* release(true);
}

function toCall(r: Rec): Call {
  const c = r.call!;
  const vlen = c.vlen as number | undefined;
  // the script prints at most PRINTED_IOVS iovecs (v1: 16)
  const truncated = vlen !== undefined && c.iov.length < vlen;
  return {
    ...(c as unknown as Call),
    ...(r.ret !== undefined ? { ret: r.ret } : {}),
    ...(truncated ? { truncated: true } : {}),
  };
}
