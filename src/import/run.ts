/**
 * An import, end to end: two passes over the capture (the first fixes the memory layout and
 * the summary the trace's header needs, the second streams the ops), so memory grows with
 * the buffers and processes a capture uses, not with its length.
 *
 * @module
 */
import type { Call } from "./capture.ts";
import { Classifier, type Decision, type Selection } from "./classify.ts";
import { Layout } from "./layout.ts";
import { Emitter, type ImportPath } from "./to_trace.ts";

/** Options of an import. */
export interface ImportOptions extends Selection {
  readonly name: string;
  readonly kernel: string;
  readonly path: ImportPath;
  readonly contiguous?: boolean;
  readonly source: "bpftrace" | "strace" | "syzkaller";
}

/** What was modelled and what was left out, and why. */
export class Summary {
  readonly modelled = new Map<string, number>();
  readonly skipped = new Map<string, { n: number; line: number }>();
  book = 0;
  noResult = 0;
  total = 0;
  extra: string[] = [];

  add(c: Call, d: Decision): void {
    this.total++;
    if (d.kind === "book") {
      this.book++;
      return;
    }
    if (d.kind === "skip") {
      const s = this.skipped.get(d.reason);
      if (s) s.n++;
      else this.skipped.set(d.reason, { n: 1, line: c.line });
      return;
    }
    const what = d.kind === "unregister"
      ? "buffer unregistration"
      : c.syscall === "sqe"
      ? "io_uring request"
      : c.syscall;
    this.modelled.set(what, (this.modelled.get(what) ?? 0) + 1);
    if (c.ret === undefined && d.kind !== "unregister" && c.syscall !== "exit") this.noResult++;
  }

  /** Number of modelled calls. */
  get count(): number {
    let k = 0;
    for (const v of this.modelled.values()) k += v;
    return k;
  }

  /** The summary as lines for stderr. */
  lines(): string[] {
    const m = [...this.modelled].map(([k, v]) => `${v} ${k}`).join(", ");
    const out = [`${this.total} captured calls: ${this.count} modelled${m ? ` (${m})` : ""}`];
    if (this.noResult) {
      out.push(
        `  ${this.noResult} modelled calls have no captured result and were modelled as complete`,
      );
    }
    if (this.book) {
      out.push(
        `  ${this.book} fd-table calls (openat, close, dup, pipe, io_uring_setup, exits): bookkeeping`,
      );
    }
    const skipped = [...this.skipped].sort((a, b) => b[1].n - a[1].n);
    for (const [reason, s] of skipped) {
      out.push(`  ${s.n} left out (first at line ${s.line}): ${reason}`);
    }
    out.push(...this.extra.map((e) => `  ${e}`));
    return out;
  }
}

/** The source of calls: a fresh parse of the capture for each pass. */
export type Calls = () => AsyncIterable<Call>;

/** Pass 1: classifies every call, lays memory out. */
export async function plan(
  calls: Calls,
  o: ImportOptions,
): Promise<{ layout: Layout; summary: Summary; error?: string }> {
  const cls = new Classifier(o);
  const layout = new Layout();
  const summary = new Summary();
  for await (const c of calls()) {
    if (c.frames) {
      layout.frames(c.pid, c.frames.va, c.frames.pfns);
      continue;
    }
    const d = cls.classify(c);
    summary.add(c, d);
    if (d.kind === "rw" || d.kind === "vmsplice") layout.add(c.pid, c.iov, d.fault);
    else if (d.kind === "register") layout.add(d.ring.pid, d.ring.bufs!);
    else if (d.kind === "uring_rw" && !d.fixed) layout.add(c.pid, c.iov);
  }
  const live = cls.liveRings();
  if (live.length) {
    summary.extra.push(
      `${live.length} io_uring buffer table(s) still registered when the capture ended: released at the end (ring exit)`,
    );
  }
  const error = layout.finish(!!o.contiguous);
  return { layout, summary, ...(error ? { error } : {}) };
}

/** The trace's header (everything but ops). */
export function header(
  o: ImportOptions,
  layout: Layout,
  summary: Summary,
): Record<string, unknown> {
  const how = o.path === "netfs"
    ? "netfs direct I/O (netfs_extract_user_iter)"
    : "O_DIRECT (bio_iov_iter_get_pages)";
  const notes = [
    `Imported from a ${
      o.source === "syzkaller" ? "syzkaller program" : `${o.source} capture`
    }; the read/write family replayed as ${how}.`,
    ...(o.source === "syzkaller"
      ? [
        "Addresses are the program's own (its data area at 0x7f0000000000, 16 MiB, and its mmap calls); a program has no results, so calls are modelled as completing in full; open flags are read as amd64's (O_DIRECT 0x4000).",
      ]
      : []),
    layout.captured
      ? `Physical layout: the page frames the capture read from /proc/PID/pagemap (${layout.captured} of ${layout.pages} pages${
        layout.captured < layout.pages
          ? "; the others, never seen present, are laid out so that no two are adjacent"
          : ""
      }), so bvecs merge exactly where the kernel's did.${
        layout.conflicts
          ? ` ${layout.conflicts} pages whose frame changed during the capture or was seen under another page keep the first frame seen or get their own.`
          : ""
      }`
      : o.contiguous
      ? "Physical layout: each buffer region's pages are consecutive frames (--contiguous), so bvecs merge across pages as far as the frames allow."
      : "Physical layout: the capture cannot see page frames, so no two pages are physically adjacent (as in the kernel's KUnit iov_iter tests): every page is its own bvec; --contiguous lays them out consecutively instead.",
    ...(layout.laidOut
      ? [
        "The capture has no buffer addresses for the read/write family (strace), so each call's iovecs are laid out page-aligned from the start of one region per process.",
      ]
      : []),
    ...summary.lines(),
  ];
  return {
    itertrace: 1,
    name: o.name,
    description: notes.join("\n"),
    kernel: o.kernel,
    memory: { tasks: layout.tasks() },
  };
}

/** Pass 2: the ops, streamed. */
export async function* emitOps(
  calls: Calls,
  o: ImportOptions,
  layout: Layout,
): AsyncGenerator<Record<string, unknown>> {
  const cls = new Classifier(o);
  const em = new Emitter(layout, o.path);
  for await (const c of calls()) {
    if (!c.frames) yield* em.ops(c, cls.classify(c));
  }
  yield* em.end(cls.liveRings());
}
