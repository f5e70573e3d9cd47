/**
 * Turns captured syscalls into a trace of what the kernel does with their buffers on a
 * chosen path: O_DIRECT through bio_iov_iter_get_pages, netfs direct I/O through
 * netfs_extract_user_iter, and vmsplice through get_user_pages refs.
 *
 * User memory: with addresses (bpftrace) each process's buffers become page-aligned regions
 * at their real addresses; without (strace) every call's buffers are laid out page-aligned in
 * a region of their own, which the trace's description says.
 *
 * @module
 */
import { type Call, readsIntoUser } from "./capture.ts";
import { hex } from "../types.ts";

/** The I/O path the calls are replayed through. */
export type ImportPath = "odirect" | "netfs";

/** Options of an import. */
export interface ImportOptions {
  readonly name: string;
  readonly kernel: string;
  readonly path: ImportPath;
  /** Keep only calls on this fd. */
  readonly fd?: number;
  /** Also keep plain read/write/pread64/pwrite64 (by default only vector calls). */
  readonly all?: boolean;
  /** Where the calls came from, for the description. */
  readonly source: "bpftrace" | "strace";
}

const PAGE = 4096n;

interface Region {
  region: string;
  addr: string;
  size: number;
  start: bigint;
  end: bigint;
}

/** Builds the trace document (a plain object in trace-format v1). */
export function callsToTrace(calls: readonly Call[], o: ImportOptions): Record<string, unknown> {
  const kept = calls.filter((c) =>
    (o.fd === undefined || c.fd === o.fd) &&
    (o.all || !/^(read|write|pread64|pwrite64)$/.test(c.syscall)) &&
    c.iov.some((v) => v.len > 0)
  );
  const laidOut = kept.some((c) => c.iov.some((v) => v.base === undefined));
  // regions per process
  const byPid = new Map<number, { start: bigint; end: bigint }[]>();
  let synthetic = 0x7f0000000000n;
  const bases = new Map<Call, bigint[]>();
  for (const c of kept) {
    const list = byPid.get(c.pid) ?? [];
    byPid.set(c.pid, list);
    const bs: bigint[] = [];
    for (const v of c.iov) {
      let base = v.base;
      if (base === undefined) {
        base = synthetic;
        synthetic += ((BigInt(v.len) + PAGE - 1n) / PAGE + 1n) * PAGE;
      }
      bs.push(base);
      if (v.len > 0) {
        list.push({
          start: (base / PAGE) * PAGE,
          end: ((base + BigInt(v.len) + PAGE - 1n) / PAGE) * PAGE,
        });
      }
    }
    bases.set(c, bs);
  }
  const tasks: { name: string; user: Omit<Region, "start" | "end">[] }[] = [];
  const regions: Region[] = [];
  for (const [pid, ranges] of [...byPid].sort((a, b) => a[0] - b[0])) {
    ranges.sort((a, b) => (a.start < b.start ? -1 : 1));
    const merged: { start: bigint; end: bigint }[] = [];
    for (const r of ranges) {
      const last = merged[merged.length - 1];
      if (last && r.start <= last.end) last.end = r.end > last.end ? r.end : last.end;
      else merged.push({ ...r });
    }
    const user = merged.map((r) => {
      const reg: Region = {
        region: `buf${regions.length}`,
        addr: hex(r.start),
        size: Number(r.end - r.start),
        start: r.start,
        end: r.end,
      };
      regions.push(reg);
      return { region: reg.region, addr: reg.addr, size: reg.size };
    });
    tasks.push({ name: `pid${pid}`, user });
  }
  const at = (a: bigint): string => {
    const r = regions.find((x) => a >= x.start && a < x.end)!;
    return `${r.region}+${hex(a - r.start)}`;
  };
  const ops: Record<string, unknown>[] = [];
  kept.forEach((c, k) => {
    const bs = bases.get(c)!;
    const iov = c.iov.map((v, i) => ({
      base: v.len ? at(bs[i]) : at(bs.find((_b, j) => c.iov[j].len) ?? bs[i]),
      len: v.len,
    }));
    const it = `c${k}`;
    const read = readsIntoUser(c.syscall);
    const dir = c.syscall === "vmsplice" ? "source" : read ? "dest" : "source";
    ops.push({ op: "import_iovec", id: `${c.syscall}@${c.line}`, iter: it, dir, iov });
    if (c.syscall === "vmsplice") {
      // vmsplice takes page refs with get_user_pages; the pipe holds them until read
      c.iov.forEach((v, i) => {
        if (!v.len) return;
        ops.push({
          op: "iov_iter_get_pages_alloc2",
          iter: it,
          maxsize: v.len,
          maxpages: 0,
          as: `${it}p${i}`,
        });
      });
      ops.push({ op: "syscall_return", iters: [it] });
      c.iov.forEach((v, i) => {
        if (v.len) {
          ops.push({ op: "put_page", pages: `${it}p${i}` }, { op: "free", var: `${it}p${i}` });
        }
      });
    } else if (o.path === "netfs") {
      const total = c.iov.reduce((n, v) => n + v.len, 0);
      ops.push({ op: "netfs_extract_user_iter", iter: it, len: total, new: `${it}bv` });
      ops.push({ op: "syscall_return", iters: [it] });
      ops.push({ op: "io_complete", of: `${it}bv` });
      ops.push(
        read
          ? { op: "unpin_user_pages_dirty_lock", pages: `${it}bv`, dirty: true }
          : { op: "unpin_user_pages", pages: `${it}bv` },
      );
      ops.push({ op: "free", var: `${it}bv` });
    } else {
      ops.push({
        op: "bio_iov_iter_get_pages",
        iter: it,
        bio: `${it}b`,
        max_vecs: 256,
        lbs: 512,
        ...(c.pos !== undefined ? { pos: c.pos } : {}),
      });
      ops.push({ op: "io_complete", of: `${it}b` });
      ops.push({ op: "bio_release_pages", bio: `${it}b`, dirty: read });
      ops.push({ op: "syscall_return", iters: [it] });
      ops.push({ op: "free", var: `${it}b` });
    }
    ops.push({ op: "free", var: it });
  });
  const how = o.path === "netfs"
    ? "netfs direct I/O (netfs_extract_user_iter)"
    : "O_DIRECT (bio_iov_iter_get_pages)";
  return {
    itertrace: 1,
    name: o.name,
    description: `${kept.length} syscalls imported from a ${o.source} capture, replayed as ${how}${
      laidOut
        ? "; the capture has no buffer addresses, so each call's buffers are laid out page-aligned"
        : ""
    }`,
    kernel: o.kernel,
    memory: { tasks },
    ops,
    expect: { pins: { outstanding: 0 } },
  };
}
