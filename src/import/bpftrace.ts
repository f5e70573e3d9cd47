/**
 * Parses the itertrace-capture v1 format written by traces/capture/bpftrace-iov.bt
 * (syscall tracepoints: base addresses and lengths read from user memory at entry).
 *
 * @module
 */
import { type Call, IO_SYSCALLS } from "./capture.ts";
import type { TraceIssue } from "../errors.ts";

function fields(rest: string): Record<string, string> {
  const out: Record<string, string> = {};
  const comm = rest.indexOf(" comm=");
  const body = comm >= 0 ? rest.slice(0, comm) : rest;
  for (const f of body.split(" ")) {
    const eq = f.indexOf("=");
    if (eq > 0) out[f.slice(0, eq)] = f.slice(eq + 1);
  }
  return out;
}

/** Parses a capture; malformed lines become issues with their position. */
export function parseBpftrace(text: string, file: string, issues: TraceIssue[]): Call[] {
  type Pending = {
    ts: bigint;
    order: number;
    call: Call & { iov: { base?: bigint; len: number }[] };
  };
  const pending: Pending[] = [];
  const byKey = new Map<string, Pending>();
  const lines = text.split("\n");
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const m = /^(\d+) (\d+) (\d+) (\S+) ?(.*)$/.exec(line);
    if (!m) {
      issues.push({
        file,
        line: i + 1,
        column: 1,
        message: "not an itertrace-capture v1 event line",
      });
      return;
    }
    const [, ts, pid, tid, kind, rest] = m;
    const key = `${ts} ${pid} ${tid}`;
    if (kind === "iov") {
      const p = byKey.get(key);
      const iv = /^(\d+) base=(0x[0-9a-f]+) len=(0x[0-9a-f]+)/.exec(rest);
      if (!p || !iv) {
        issues.push({
          file,
          line: i + 1,
          column: 1,
          message: "an iov line without its syscall line",
        });
        return;
      }
      p.call.iov.push({ base: BigInt(iv[2]), len: Number(BigInt(iv[3])) });
      return;
    }
    if (!IO_SYSCALLS.has(kind)) return;
    const f = fields(rest);
    const iov: { base?: bigint; len: number }[] = [];
    if (f.base !== undefined && f.len !== undefined) {
      iov.push({ base: BigInt(f.base), len: Number(BigInt(f.len)) });
    }
    const call = {
      pid: Number(pid),
      syscall: kind,
      fd: Number(f.fd ?? -1),
      ...(f.pos !== undefined ? { pos: Number(BigInt(f.pos)) } : {}),
      iov,
      line: i + 1,
    };
    const p = { ts: BigInt(ts), order: pending.length, call };
    pending.push(p);
    byKey.set(key, p);
  });
  // perf buffers drain per CPU: order by timestamp, stable
  pending.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.order - b.order));
  return pending.map((p) => p.call);
}
