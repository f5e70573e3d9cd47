/**
 * `itertrace live`: the model judged by the running kernel. Runs shapes a process can perform
 * (O_DIRECT preadv/pwritev, which reach bio_iov_iter_get_pages through iomap, and vmsplice)
 * on this machine, brackets /proc/vmstat's FOLL_PIN counters around each call, replays the
 * same case as a trace in the running kernel's era, and prints agreement per case. Root only.
 *
 * @module
 */
import type { Io } from "../cli/io.ts";
import { UsageError } from "../errors.ts";
import { releaseProblem } from "../profile.ts";
import { hasPinCounters, readPins } from "./vmstat.ts";
import { MAX_REQUEST, randomShapes } from "./shapes.ts";
import type { LiveShape } from "./shapes.ts";
import { readFaultMapsZeroPage, runShape } from "./kernel.ts";
import { type MachineFacts, modelCase } from "./to_trace.ts";
import { iovecs, O_CREAT, O_DIRECT, O_RDWR } from "./libc.ts";
import { type LiveSystem, realSystem } from "./system.ts";
import { shapeOfTrace } from "./from_trace.ts";

/** Options of `live`. */
export interface LiveOpts {
  random?: string;
  seed?: string;
  dir?: string;
  record?: string;
  quiet?: true;
}

/** The era the running kernel replays as: "6.18.44", or "6.18" when the point is unknown. */
export function kernelEra(uname: string): string {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(uname);
  if (!m) throw new UsageError(`cannot read a release from uname "${uname}"`);
  const full = m[3] && m[3] !== "0" ? `${m[1]}.${m[2]}.${m[3]}` : `${m[1]}.${m[2]}`;
  if (!releaseProblem(full)) return full;
  const series = `${m[1]}.${m[2]}`;
  const why = releaseProblem(series);
  if (why) throw new UsageError(`the running kernel ${uname} is outside the model: ${why}`);
  return series;
}

/** The block device queue of a file's file system: its dma_alignment and logical block size. */
export function deviceFacts(
  sys: LiveSystem,
  path: string,
): { dma: number; lbs: number; dev: string } {
  const dev = sys.statDev(path);
  const major = Math.floor(dev / 256) & 0xfff;
  const minor = (dev & 0xff) | (Math.floor(dev / 4096) & ~0xff);
  const base = `/sys/dev/block/${major}:${minor}`;
  for (const q of [`${base}/queue`, `${base}/../queue`]) {
    try {
      const dma = Number(sys.readText(`${q}/dma_alignment`).trim());
      const lbs = Number(sys.readText(`${q}/logical_block_size`).trim());
      return { dma, lbs, dev: sys.realPath(base).split("/").pop() ?? `${major}:${minor}` };
    } catch { /* try the parent (a partition) */ }
  }
  throw new UsageError(
    `${path} is not on a block device (no ${base}/queue): give --dir on an O_DIRECT-capable file system`,
  );
}

function fsType(sys: LiveSystem, dir: string): string {
  const mounts = sys.readText("/proc/self/mounts").split("\n").map((l) => l.split(" "));
  let best = { mp: "", type: "?" };
  for (const m of mounts) {
    if (m.length < 3) continue;
    if (
      (dir === m[1] || dir.startsWith(m[1].endsWith("/") ? m[1] : m[1] + "/")) &&
      m[1].length >= best.mp.length
    ) {
      best = { mp: m[1], type: m[2] };
    }
  }
  return best.type;
}

/** A 32 MiB test file written with O_DIRECT; removed by the caller. */
function makeTestFile(sys: LiveSystem, dir: string): string {
  const c = sys.libc;
  const path = `${dir.replace(/\/$/, "")}/itertrace-live.${sys.pid()}`;
  const size = 32 * 1024 * 1024;
  const fd = c.openFile(path, O_CREAT | O_RDWR | O_DIRECT);
  if (fd < 0) {
    // a file system refusing O_DIRECT may refuse it only after creating the file
    try {
      sys.remove(path);
    } catch { /* not created */ }
    throw new UsageError(`cannot open ${path} with O_DIRECT (errno ${-fd})`);
  }
  const chunk = 1024 * 1024;
  let buf: bigint | undefined;
  try {
    // one extent: iomap maps a request extent by extent, and a request crossing an extent
    // boundary is built in two passes (a page there is pinned twice); the cases stay inside it
    c.fallocate(fd, size);
    buf = c.mmapAnon(chunk);
    for (let o = 0; o < chunk; o += 4096) c.pokeByte(buf + BigInt(o), (o >> 12) & 0xff);
    const iov = iovecs([{ base: buf, len: chunk }]);
    for (let pos = 0; pos < size; pos += chunk) {
      const r = c.rwv("pwritev", fd, iov, 1, pos);
      if (r !== chunk) throw new UsageError(`writing ${path} with O_DIRECT failed (${r})`);
    }
    const ext = c.extents(fd, size);
    if (ext.length && (ext[0].start !== 0 || ext[0].len < MAX_REQUEST)) {
      throw new UsageError(
        `the test file's first extent is ${ext[0].len} bytes at ${
          ext[0].start
        }, smaller than the largest request (${MAX_REQUEST}): give --dir on a file system with contiguous free space`,
      );
    }
  } catch (e) {
    c.closeFd(fd);
    sys.remove(path);
    throw e;
  } finally {
    if (buf !== undefined) c.munmap(buf, chunk);
  }
  c.closeFd(fd);
  return path;
}

/** Detects the machine facts that change pin counts. */
export function machineFacts(sys: LiveSystem, file: string, dir: string): MachineFacts {
  const uname = sys.osRelease();
  const dev = deviceFacts(sys, file);
  return {
    uname,
    kernel: kernelEra(uname),
    zeroPage: readFaultMapsZeroPage(sys),
    dmaAlignment: dev.dma,
    logicalBlockSize: dev.lbs,
    fs: `${fsType(sys, dir)} on ${dev.dev}`,
  };
}

/** One recorded case: the shape, the kernel's answer, and the trace replayed. */
export interface LiveRecord {
  readonly case: number;
  readonly shape: LiveShape;
  readonly kernel: {
    ret: number;
    acquired: number;
    released: number;
    runs: number;
    stable: boolean;
    thp: boolean;
  };
  readonly model: { ret: number; acquired: number; released: number };
  readonly agree: boolean;
  readonly trace: Record<string, unknown>;
}

function errnoName(r: number): string {
  const names: Record<number, string> = { [-22]: "-EINVAL", [-14]: "-EFAULT", [-11]: "-EAGAIN" };
  return r < 0 ? names[r] ?? String(r) : `0x${r.toString(16)}`;
}

/** Runs `live` over random shapes and/or trace files on `sys` (this machine); returns the exit code. */
export async function liveCommand(
  io: Io,
  o: LiveOpts,
  traces: readonly string[] = [],
  sys: LiveSystem = realSystem(),
): Promise<number> {
  if (sys.os !== "linux") throw new UsageError("itertrace live runs on Linux only");
  if (sys.uid() !== 0) {
    throw new UsageError(
      "itertrace live must run as root: it writes /proc/sys/vm/stat_refresh and reads /proc/self/pagemap and /proc/kpageflags (try: sudo deno task live --random 300)",
    );
  }
  if (!hasPinCounters(sys)) {
    throw new UsageError(
      "this kernel has no nr_foll_pin_* counters in /proc/vmstat (5.8 or later)",
    );
  }
  const n = Number(o.random ?? "0");
  if (!traces.length && o.random === undefined) {
    throw new UsageError("give trace files to run, or --random N");
  }
  if (o.random !== undefined && (!Number.isInteger(n) || n < 1 || n > 100000)) {
    throw new UsageError(`--random must be a count from 1 to 100000, got "${o.random ?? ""}"`);
  }
  const seed = Number(o.seed ?? "1");
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a whole number`);
  const dir = o.dir ?? "/tmp";
  const file = makeTestFile(sys, dir);
  try {
    const facts = machineFacts(sys, file, dir);
    io.stdout(
      `itertrace live   kernel ${facts.uname} (replayed as ${facts.kernel}), ${facts.fs}\n` +
        `  read faults map the zero page: ${
          facts.zeroPage ? "yes" : "no (mm_forbids_zeropage: traces say no_zero_page)"
        }\n` +
        `  dma_alignment ${facts.dmaAlignment}, logical block ${facts.logicalBlockSize}\n` +
        `  ${traces.length ? `${traces.length} traces` : ""}${
          traces.length && o.random ? ", " : ""
        }${o.random ? `${n} random cases, seed ${seed}` : ""}\n\n`,
    );
    // an aligned 4 KiB read must pin, or this file system copies (tmpfs) and nothing is judged
    const probe = runShape(sys, {
      syscall: "preadv",
      size: 4096,
      thp: false,
      touched: true,
      segs: [{ off: 0, len: 4096 }],
      kind: "probe",
    }, file);
    if (probe.acquired < 1) {
      throw new UsageError(
        `O_DIRECT on ${dir} (${facts.fs}) takes no pins: give --dir on a block-device file system`,
      );
    }
    const named: { shape: LiveShape; name: string }[] = [];
    let skipped = 0;
    for (const t of traces) {
      const sh = shapeOfTrace(await io.readTextFile(t));
      if (typeof sh === "string") {
        skipped++;
        io.stdout(`skip     ${t}: ${sh}\n`);
      } else named.push({ shape: sh, name: t });
    }
    const shapes = [...named.map((x) => x.shape), ...(o.random ? randomShapes(n, seed) : [])];
    const records: LiveRecord[] = [];
    let agree = 0;
    for (let i = 0; i < shapes.length; i++) {
      const s = shapes[i];
      const k = runShape(sys, s, file);
      const name = i < named.length
        ? `live-${
          named[i].name.replace(/^.*\//, "").replace(/\.[^.]*$/, "").replace(/[^\w.+@=,-]/g, "_")
        }`
        : `live-${seed}-${i - named.length}`;
      const { doc, outcome } = await modelCase(name, s, facts, k.pfns, k.thp);
      const ok = outcome.ret === k.ret && outcome.acquired === k.acquired &&
        outcome.released === k.released;
      if (ok) agree++;
      records.push({
        case: i,
        shape: s,
        kernel: {
          ret: k.ret,
          acquired: k.acquired,
          released: k.released,
          runs: k.runs,
          stable: k.stable,
          thp: k.thp,
        },
        model: outcome,
        agree: ok,
        trace: doc,
      });
      if (!o.quiet || !ok) {
        io.stdout(
          `${ok ? "agree   " : "DISAGREE"} ${
            i < named.length ? named[i].name : `#${i - named.length}`
          } ${s.syscall} ${s.segs.length} segs ${s.kind}: kernel ${
            errnoName(k.ret)
          } pins ${k.acquired}/${k.released}${k.stable ? "" : " (runs never agreed)"}, model ${
            errnoName(outcome.ret)
          } pins ${outcome.acquired}/${outcome.released}\n`,
        );
      }
    }
    io.stdout(
      `\n${agree}/${shapes.length} agree${
        o.random ? ` (seed ${seed})` : ""
      }, kernel ${facts.uname}${skipped ? `; ${skipped} traces cannot run on a kernel` : ""}\n`,
    );
    if (o.record) {
      const head = { itertrace_live: 1, facts, seed, count: n, agree, pins_now: readPins(sys) };
      const lines = [JSON.stringify(head), ...records.map((r) => JSON.stringify(r))];
      await io.writeTextFile(o.record, lines.join("\n") + "\n");
      io.stderr(`recorded ${o.record}\n`);
    }
    return agree === shapes.length ? 0 : 1;
  } finally {
    try {
      sys.remove(file);
    } catch { /* already gone */ }
  }
}
