/**
 * A live case as a trace: the buffer (with the frames the kernel used, so bvec merging sees
 * the real physical contiguity), the machine's facts (no-zero-page rule, logical block size,
 * dma_alignment), and the kernel path of the syscall as ops:
 *
 * - O_DIRECT preadv/pwritev (iomap_dio_bio_iter): import_iovec, then bios of up to
 *   BIO_MAX_VECS vecs built with bio_iov_iter_get_pages and submitted (submit_bio) until the
 *   iterator is empty or a call fails (iomap checks dio->error before each new bio, so a bio
 *   the split check failed at submission ends the request); completion releases every bio
 *   (bio_release_pages, dirtying for reads).
 * - vmsplice (iter_to_pipe): import_iovec, then iov_iter_get_pages2 up to the pipe's free
 *   slots per call, and the pipe's release (put_page) when it is drained.
 *
 * How many bios or calls a case needs depends on the model's own results, so the trace is
 * grown one call at a time and replayed until the iterator is empty.
 *
 * @module
 */
import { stringify } from "yaml";
import { loadDocument } from "../trace/load.ts";
import { runTrace } from "../cli/run_trace.ts";
import type { LiveShape } from "./shapes.ts";

/** Facts about the machine that change pin counts and results. */
export interface MachineFacts {
  /** uname -r */
  readonly uname: string;
  /** The era the running kernel is replayed as ("6.18.44"). */
  readonly kernel: string;
  /** A read fault on private anonymous memory maps the shared zero page. */
  readonly zeroPage: boolean;
  readonly dmaAlignment: number;
  readonly logicalBlockSize: number;
  /** Where the test file lives: file system and device. */
  readonly fs: string;
}

/** The model's outcome of a case. */
export interface ModelOutcome {
  readonly ret: number;
  readonly acquired: number;
  readonly released: number;
}

const BIO_MAX_VECS = 256;
const PIPE_SLOTS = 16;
/** Frames for pages the kernel never mapped: far apart, so nothing merges with them. */
export const FAKE_PFN = 0x40000000;

/** The trace document of a case (without expectations). */
export function caseTrace(
  name: string,
  s: LiveShape,
  facts: MachineFacts,
  pfns: readonly number[],
  thp: boolean,
  calls: number,
): Record<string, unknown> {
  const frames = pfns.map((p, i) => (p ? p : FAKE_PFN + 2 * i));
  const uniq = new Set(frames).size === frames.length;
  const region: Record<string, unknown> = {
    region: "buf",
    size: s.size,
    vma: "anon",
    prot: "rw",
    populated: s.touched,
  };
  if (thp) region.folio_order = 9;
  if (uniq && (!thp || frames[0] % 512 === 0)) {
    region.pfns = frames.map((p) => `0x${p.toString(16)}`);
  }
  const iov = s.segs.map((g) => ({ base: `buf+0x${g.off.toString(16)}`, len: g.len }));
  const dir = s.syscall === "preadv" ? "dest" : "source";
  const ops: Record<string, unknown>[] = [{ op: "import_iovec", iter: "it", dir, iov }];
  if (s.syscall === "vmsplice") {
    for (let k = 0; k < calls; k++) {
      ops.push({
        op: "iov_iter_get_pages2",
        iter: "it",
        maxsize: 0x10000,
        maxpages: PIPE_SLOTS,
        as: `p${k}`,
      });
    }
    for (let k = 0; k < calls; k++) ops.push({ op: "put_page", pages: `p${k}` });
  } else {
    for (let k = 0; k < calls; k++) {
      ops.push({
        op: "bio_iov_iter_get_pages",
        iter: "it",
        bio: `b${k}`,
        max_vecs: BIO_MAX_VECS,
        lbs: facts.logicalBlockSize,
        pos: 0,
        dma_alignment: facts.dmaAlignment,
      });
      ops.push({ op: "submit_bio", bio: `b${k}`, dma_alignment: facts.dmaAlignment });
    }
    for (let k = 0; k < calls; k++) {
      ops.push({ op: "io_complete", of: `b${k}` });
      ops.push({ op: "bio_release_pages", bio: `b${k}`, dirty: s.syscall === "preadv" });
    }
  }
  return {
    itertrace: 1,
    name,
    description: `live: ${s.syscall} of ${s.segs.length} segments (${s.kind}) on ${facts.uname}`,
    kernel: facts.kernel,
    eras: [facts.kernel],
    memory: { ...(facts.zeroPage ? {} : { no_zero_page: true }), user: [region] },
    ops,
  };
}

/** Replays a trace document; returns its step results and summary. */
export async function replayDoc(doc: Record<string, unknown>, file = "<live>") {
  const text = stringify(doc);
  const r = loadDocument(text, file);
  if (!r.trace) {
    throw new Error(r.issues.map((i) => `${i.line}:${i.column}: ${i.message}`).join("; "));
  }
  const steps: { op: string; ret: unknown; iterCount?: number }[] = [];
  const res = await runTrace(
    { header: r.trace, ops: r.trace.ops, issues: [] },
    { changes: false },
    (st, _node, replay) => {
      const v = replay.scope.get("it");
      steps.push({
        op: st.op,
        ret: st.ret,
        iterCount: v && v.type === "iter" ? v.iter.count : undefined,
      });
    },
  );
  return { steps, res };
}

type Steps = Awaited<ReturnType<typeof replayDoc>>["steps"];

/** The syscall's return and the pins, from a replay of a case's trace. */
function outcomeOf(
  steps: Steps,
  pins: { acquired: number; released: number },
  syscall: LiveShape["syscall"],
): ModelOutcome & { done: boolean } {
  const build = steps.filter((x) =>
    x.op === "bio_iov_iter_get_pages" || x.op === "iov_iter_get_pages2"
  );
  const last = build[build.length - 1];
  const failed = build.find((x) => typeof x.ret === "number" && x.ret < 0);
  // iomap_dio_bio_iter checks dio->error before each new bio: a bio failed at submission
  // (synchronously, by the split check) ends the request
  const submitErr = steps.find((x) => x.op === "submit_bio" && (x.ret as number) < 0);
  const done = !!failed || !!submitErr || !last || (last.iterCount ?? 0) === 0;
  const total = steps[0].ret as number;
  let ret: number;
  if (total < 0) ret = total;
  else if (failed && build.indexOf(failed) === 0) ret = failed.ret as number;
  else if (syscall !== "vmsplice" && submitErr) ret = submitErr.ret as number;
  else ret = total - (last?.iterCount ?? total);
  return { ret, acquired: pins.acquired, released: pins.released, done };
}

/** The model's outcome of a recorded case's trace. */
export async function modelOutcomeOfTrace(
  doc: Record<string, unknown>,
  syscall: LiveShape["syscall"],
): Promise<ModelOutcome> {
  const { steps, res } = await replayDoc(doc);
  const { ret, acquired, released } = outcomeOf(steps, res.summary.pins, syscall);
  return { ret, acquired, released };
}

/**
 * Grows the case's trace one call at a time until the model's iterator is empty or a call
 * fails; returns the trace and the model's outcome (the syscall's return and the pins).
 */
export async function modelCase(
  name: string,
  s: LiveShape,
  facts: MachineFacts,
  pfns: readonly number[],
  thp: boolean,
): Promise<{ doc: Record<string, unknown>; outcome: ModelOutcome }> {
  for (let calls = 1;; calls++) {
    const doc = caseTrace(name, s, facts, pfns, thp, calls);
    const { steps, res } = await replayDoc(doc);
    const o = outcomeOf(steps, res.summary.pins, s.syscall);
    if (!o.done && calls < 64) continue;
    return { doc, outcome: { ret: o.ret, acquired: o.acquired, released: o.released } };
  }
}
