#!/usr/bin/env python3
"""pagemap.py: the page frames behind captured buffers, for `capture.sh -p`.

Reads bpftrace-iov.bt output (with bpftrace-pfns.bt appended) on stdin and copies every
line to stdout as it comes. It remembers the user ranges each process hands the kernel
(read/write/pread64/pwrite64 buffers, iov lines of vectors, io_uring registrations and
requests, sqe addr/len). On a `stop` line (the process was just stopped with SIGSTOP after
such a call) it reads /proc/PID/pagemap for the pages of those ranges, prints

    <ts_ns> <pid> <tid> pfns va=0x<first page> <pfn>[,<pfn>...]

(hex frames, `-` for a page not present), one line per range, and sends SIGCONT. Needs root:
without CAP_SYS_ADMIN pagemap reads frames as 0. See traces/capture/README.md.
"""
import os
import signal
import struct
import sys

PAGE = 4096
MAX_PAGES = 1 << 16  # per range: 256 MiB
PRESENT = 1 << 63
PFN_MASK = (1 << 55) - 1

pending = {}  # pid -> list of (start page va, npages)


def note(pid, base, length):
    if length <= 0 or base <= 0:
        return
    first = base // PAGE * PAGE
    last = (base + length - 1) // PAGE * PAGE
    n = min((last - first) // PAGE + 1, MAX_PAGES)
    pending.setdefault(pid, []).append((first, n))


def field(parts, key):
    for p in parts:
        if p.startswith(key + "="):
            return int(p[len(key) + 1:], 0)
    return None


def frames(pid, first, n):
    try:
        with open(f"/proc/{pid}/pagemap", "rb") as f:
            f.seek(first // PAGE * 8)
            raw = f.read(n * 8)
    except OSError:
        return None
    out = []
    for (e,) in struct.iter_unpack("<Q", raw[: len(raw) // 8 * 8]):
        out.append(f"{e & PFN_MASK:x}" if e & PRESENT and e & PFN_MASK else "-")
    return out


def stop(ts, pid, tid, out):
    try:
        seen = set()
        for first, n in pending.pop(pid, []):
            if (first, n) in seen:
                continue
            seen.add((first, n))
            fr = frames(pid, first, n)
            if fr:
                out.write(f"{ts} {pid} {tid} pfns va=0x{first:x} {','.join(fr)}\n")
    finally:
        try:
            os.kill(pid, signal.SIGCONT)
        except ProcessLookupError:
            pass


def main():
    out = sys.stdout
    for raw in sys.stdin:
        line = raw.rstrip("\n")
        if line.startswith("# itertrace-capture v2"):
            # v3 = v2 + pfns lines
            line = line.replace("v2", "v3", 1) + " pfns=pagemap"
        parts = line.split(" ")
        if len(parts) >= 4 and parts[0].isdigit():
            ts, pid, tid, kind = parts[0], int(parts[1]), int(parts[2]), parts[3]
            if kind == "stop":
                stop(ts, pid, tid, out)
                out.flush()
                continue  # the stop itself is not part of the capture
            if kind in ("read", "write", "pread64", "pwrite64"):
                note(pid, field(parts, "base") or 0, field(parts, "len") or 0)
            elif kind == "iov":
                note(pid, field(parts, "base") or 0, field(parts, "len") or 0)
            elif kind == "sqe" and field(parts, "addr") is not None:
                op = field(parts, "opcode")
                if op not in (1, 2, 60, 61):  # vectors come as iov lines
                    note(pid, field(parts, "addr") or 0, field(parts, "len") or 0)
        out.write(line + "\n")
        out.flush()
    # the capture is over: let every process we might have stopped go on
    for pid in list(pending):
        try:
            os.kill(pid, signal.SIGCONT)
        except ProcessLookupError:
            pass


if __name__ == "__main__":
    main()
