/**
 * User memory of an imported workload. With addresses (bpftrace, io_uring registrations)
 * each process's buffers become page-aligned regions at their real addresses; without
 * (strace's read/write family) each call's iovecs are laid out page-aligned from the start
 * of one region per process. Calls that failed with -EFAULT get a region that is not mapped.
 *
 * Physical frames: where the capture read them from /proc/PID/pagemap (capture v3 `pfns`
 * lines) each page gets the frame the kernel used (the first one seen, when a page changed
 * frames; a frame already given to another page is not given twice). Otherwise no two pages
 * are adjacent (page i of a region at frame base + 2i, above every captured frame), the way
 * the kernel's KUnit iov_iter tests build their buffers from separately allocated pages;
 * `contiguous`, for captures without frames, leaves the frames to the trace loader, which
 * numbers each region's pages consecutively.
 *
 * @module
 */
import type { Iov } from "./capture.ts";
import { hex } from "../types.ts";
import { ZERO_PFN } from "../model/memory.ts";

const PAGE = 4096n;
/** First frame of the scattered layout, and the frame where the replay's own pages start. */
const PFN_BASE = 0x1000;
const PFN_REPLAY = 0x100000;

interface Range {
  start: bigint;
  end: bigint;
}

/** One declared region. */
export interface LaidRegion {
  readonly name: string;
  readonly pid: number;
  readonly start: bigint;
  readonly end: bigint;
  readonly unmapped?: boolean;
  pfns?: number[];
  /** First frame under the loader's consecutive numbering (contiguous layout). */
  base?: number;
}

const up = (n: bigint) => ((n + PAGE - 1n) / PAGE) * PAGE;
const down = (n: bigint) => (n / PAGE) * PAGE;

/** Collects buffers (pass 1), then answers where each byte is (pass 2). */
export class Layout {
  private readonly real = new Map<number, Range[]>();
  private readonly synth = new Map<number, bigint>();
  private readonly fault = new Map<number, bigint>();
  private regions: LaidRegion[] = [];
  private byPid = new Map<number, LaidRegion[]>();
  private synthRegion = new Map<number, LaidRegion>();
  private faultRegion = new Map<number, LaidRegion>();
  /** Whether some call's buffers were laid out by the importer. */
  laidOut = false;
  private pending = 0;
  /** Captured frames by process and page address. */
  private readonly seen = new Map<number, Map<bigint, number>>();
  /** Pages in the regions, and how many of them got a captured frame (after finish). */
  pages = 0;
  captured = 0;
  /** Pages seen with a second frame, or whose frame another page already had. */
  conflicts = 0;

  /** Records frames read from pagemap for pages from `va` on (first seen wins). */
  frames(pid: number, va: bigint, pfns: readonly (number | undefined)[]): void {
    let m = this.seen.get(pid);
    if (!m) this.seen.set(pid, m = new Map());
    pfns.forEach((p, i) => {
      if (p === undefined) return;
      const at = va + BigInt(i) * PAGE;
      const had = m!.get(at);
      if (had === undefined) m!.set(at, p);
      else if (had !== p) this.conflicts++;
    });
  }

  /** Records a call's buffers. `fault`: the call failed with -EFAULT. */
  add(pid: number, iov: readonly Iov[], fault = false): void {
    if (fault || iov.some((v) => v.base === undefined)) {
      const size = synthSize(iov);
      const m = fault ? this.fault : this.synth;
      if ((m.get(pid) ?? 0n) < size) m.set(pid, size);
      if (!fault) this.laidOut = true;
      return;
    }
    const list = this.real.get(pid) ?? [];
    this.real.set(pid, list);
    for (const v of iov) {
      if (!v.len) continue;
      list.push({ start: down(v.base!), end: up(v.base! + v.len) });
    }
    // keep the list short: merge now and then
    if (++this.pending > 4096) {
      this.pending = 0;
      this.real.set(pid, merge(list));
    }
  }

  /** Fixes the regions; returns an error message when the layout is impossible. */
  finish(contiguous: boolean): string | undefined {
    const pids = [...new Set([...this.real.keys(), ...this.synth.keys(), ...this.fault.keys()])]
      .sort((a, b) => a - b);
    for (const pid of pids) {
      const list: LaidRegion[] = [];
      let top = 0x7e0000000000n;
      for (const r of merge(this.real.get(pid) ?? [])) {
        list.push({ name: `p${pid}_${list.length}`, pid, start: r.start, end: r.end });
        if (r.end > top) top = r.end;
      }
      const place = (size: bigint, kind: "laid" | "fault") => {
        const start = up(top) + 0x100000n;
        top = start + size;
        const reg: LaidRegion = {
          name: `p${pid}_${kind}`,
          pid,
          start,
          end: start + size,
          ...(kind === "fault" ? { unmapped: true } : {}),
        };
        list.push(reg);
        return reg;
      };
      const s = this.synth.get(pid);
      if (s) this.synthRegion.set(pid, place(s, "laid"));
      const f = this.fault.get(pid);
      if (f) this.faultRegion.set(pid, place(f, "fault"));
      this.byPid.set(pid, list);
      this.regions.push(...list);
    }
    let frame = PFN_BASE;
    for (const r of this.regions) {
      r.base = frame;
      frame += Number((r.end - r.start) / PAGE);
    }
    if (this.seen.size) return this.captureFrames();
    if (contiguous) return undefined;
    let next = PFN_BASE;
    for (const r of this.regions) {
      // unmapped regions too: the loader reserves frames for every region
      const pages = Number((r.end - r.start) / PAGE);
      if (next + 2 * pages > PFN_REPLAY) {
        return `the buffers span more than ${
          (PFN_REPLAY - PFN_BASE) / 2
        } pages: too many for the scattered layout (use --contiguous)`;
      }
      r.pfns = Array.from({ length: pages }, (_v, i) => next + 2 * i);
      next += 2 * pages + 2;
    }
    return undefined;
  }

  /**
   * Captured frames for the pages that have one; the rest scattered above the highest
   * captured frame. A frame is given to one page only (the trace's regions may not share
   * frames), and never the model's zero page.
   */
  private captureFrames(): string | undefined {
    let top = PFN_BASE;
    for (const m of this.seen.values()) for (const p of m.values()) if (p + 2 > top) top = p + 2;
    const used = new Set<number>();
    let next = top;
    for (const r of this.regions) {
      const n = Number((r.end - r.start) / PAGE);
      const m = r.unmapped ? undefined : this.seen.get(r.pid);
      r.pfns = Array.from({ length: n }, (_v, i) => {
        const p = m?.get(r.start + BigInt(i) * PAGE);
        this.pages++;
        if (p !== undefined && p !== ZERO_PFN && p >= PFN_BASE && !used.has(p)) {
          used.add(p);
          this.captured++;
          return p;
        }
        if (p !== undefined) this.conflicts++;
        const s = next;
        next += 2;
        return s;
      });
      next += 2;
    }
    return undefined;
  }

  /** The regions by process, for the trace's memory section. */
  tasks(): { name: string; user: Record<string, unknown>[] }[] {
    return [...this.byPid].map(([pid, list]) => ({
      name: `pid${pid}`,
      user: list.map((r) => ({
        region: r.name,
        addr: hex(r.start),
        size: Number(r.end - r.start),
        ...(r.unmapped ? { vma: "unmapped" } : {}),
        ...(r.pfns ? { pfns: r.pfns.map((p) => hex(p)) } : {}),
      })),
    }));
  }

  /** The addresses of a call's iovecs: real, or laid out page-aligned in its process's region. */
  bases(pid: number, iov: readonly Iov[], fault = false): bigint[] {
    if (!fault && iov.every((v) => v.base !== undefined)) return iov.map((v) => v.base!);
    const reg = (fault ? this.faultRegion : this.synthRegion).get(pid)!;
    let at = reg.start;
    return iov.map((v) => {
      const b = at;
      at += up(v.len);
      return b;
    });
  }

  /** The region holding an address. */
  region(pid: number, addr: bigint): LaidRegion | undefined {
    const list = this.byPid.get(pid) ?? [];
    let lo = 0, hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = list[mid];
      if (addr < r.start) hi = mid - 1;
      else if (addr >= r.end) lo = mid + 1;
      else return r;
    }
    // synthetic regions are appended after the sorted real ones
    return list.find((r) => addr >= r.start && addr < r.end);
  }

  /** `region+0x...` for an address. */
  at(pid: number, addr: bigint): string {
    const r = this.region(pid, addr)!;
    return addr === r.start ? r.name : `${r.name}+${hex(addr - r.start)}`;
  }

  /** The frame behind an address (scattered or consecutive per region). */
  pfnOf(pid: number, addr: bigint): number {
    const r = this.region(pid, addr)!;
    const i = Number((addr - r.start) / PAGE);
    return r.pfns ? r.pfns[i] : r.base! + i;
  }
}

function synthSize(iov: readonly Iov[]): bigint {
  return iov.reduce((n, v) => n + up(v.len), 0n) || PAGE;
}

function merge(list: Range[]): Range[] {
  list.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const out: Range[] = [];
  for (const r of list) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end) {
      if (r.end > last.end) last.end = r.end;
    } else out.push({ ...r });
  }
  return out;
}
