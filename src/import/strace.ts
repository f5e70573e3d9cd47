/**
 * Parses `strace -f -ttt -T -y -v -s 0 -X verbose` output. strace does not print iovec
 * base addresses for these calls (`-s 0` shows `""...`), only lengths: the importer lays the
 * buffers out itself and says so in the trace.
 *
 * @module
 */
import { type Call, IO_SYSCALLS } from "./capture.ts";
import type { TraceIssue } from "../errors.ts";

const LINE = /^(?:\[pid\s+)?(\d+)\]?\s+[\d.]+\s+(\w+)\((.*)\)\s+=\s+(-?\d+|\?)/;

/** Parses a capture; only the I/O syscalls are kept. */
export function parseStrace(text: string, _file: string, _issues: TraceIssue[]): Call[] {
  const calls: Call[] = [];
  text.split("\n").forEach((raw, i) => {
    const m = LINE.exec(raw);
    if (!m) return;
    const [, pid, syscall, args, ret] = m;
    if (!IO_SYSCALLS.has(syscall)) return;
    const fdm = /^(-?\d+)(?:<([^>]*)>)?/.exec(args);
    const iov: { len: number }[] = [];
    for (const v of args.matchAll(/iov_len=(\d+)/g)) iov.push({ len: Number(v[1]) });
    const plain = /^(read|write|pread64|pwrite64)$/.test(syscall);
    if (plain) {
      const n = /^[^,]*,\s*(?:""|".*?")(?:\.\.\.)?,\s*(\d+)/.exec(args);
      if (n) iov.push({ len: Number(n[1]) });
    }
    const posm = /,\s*(\d+)$/.exec(args);
    calls.push({
      pid: Number(pid),
      syscall,
      fd: fdm ? Number(fdm[1]) : -1,
      ...(fdm?.[2] ? { path: fdm[2] } : {}),
      ...(/^p(read|write)/.test(syscall) && posm ? { pos: Number(posm[1]) } : {}),
      iov,
      ...(ret !== "?" ? { ret: Number(ret) } : {}),
      line: i + 1,
    });
  });
  return calls;
}
