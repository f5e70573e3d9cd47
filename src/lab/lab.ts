/**
 * The design lab: every workload of the given traces through every strategy, each in a world
 * of its own, judged into one table (pins and refs, unnecessary holds, holds on memory that
 * must never be held, intermediate allocations, passes over the data, hazards, the final list
 * and a one-line verdict). Pure: no I/O; the CLI loads traces and renders the result.
 *
 * @module
 */
import type { LoadedTrace } from "../trace/load.ts";
import { Acct, type Acct as AcctT, type Allocation, type FinalList, judgeHolds } from "./acct.ts";
import { applySetup, type LabWarning, newWorld, type World } from "./world.ts";
import { conversionLength, findWorkloads, type Workload } from "./workload.ts";
import { type Purpose, STRATEGIES, type Strategy, type StrategyId } from "./strategies/mod.ts";
import { iovIterAdvance } from "../model/advance.ts";
import { badEntries, sourceChunks } from "./oracle.ts";
import { type IovIter, userBacked } from "../model/iter.ts";
import { type FeatureName, notInEraReason } from "../profile.ts";
import { hex } from "../types.ts";

/** One strategy on one workload. */
export interface LabCell {
  readonly strategy: StrategyId;
  /** "ran", or "n/a" with a reason (the strategy has no answer for this job in this era). */
  readonly status: "ran" | "n/a";
  readonly reason?: string;
  readonly era: string;
  readonly pins: number;
  readonly refs: number;
  readonly unnecessary: number;
  /** Holds taken on pages that must never be pinned or refcounted. */
  readonly forbidden: number;
  readonly forbiddenPages: readonly string[];
  /** Entries whose page is not the memory they describe. */
  readonly badEntries: number;
  /** Intermediate allocations (not the final list): how many, their bytes, and what. */
  readonly intermediate: {
    readonly count: number;
    readonly bytes: number;
    readonly sgTables: number;
  };
  readonly allocations: readonly Allocation[];
  readonly passes: readonly string[];
  readonly hazards: readonly (LabWarning & { readonly count: number })[];
  readonly final: FinalList | undefined;
  readonly notes: readonly string[];
  readonly verdict: string;
}

/** One workload's row. */
export interface LabRow {
  readonly workload: {
    readonly id: string;
    readonly file: string;
    readonly line: number;
    readonly op: string;
    readonly purpose: Purpose;
    readonly source: string;
    readonly dir: string;
    readonly len: number;
    readonly description: string | undefined;
  };
  readonly cells: readonly LabCell[];
}

/** The whole lab table. */
export interface LabReport {
  readonly kernel: string | undefined;
  readonly strategies: readonly {
    readonly id: StrategyId;
    readonly name: string;
    readonly status: "proposal" | "merged";
    readonly follows: string;
  }[];
  readonly rows: readonly LabRow[];
}

/** Options of a lab run. */
export interface LabOptions {
  /** Runs every strategy in this era instead of each trace's `kernel:`. */
  readonly kernel?: string;
}

/** The constructor feature a source kind needs. */
const KIND_ERA: Partial<Record<IovIter["kind"], FeatureName>> = {
  ubuf: "iter_ubuf",
  pipe: "iter_pipe",
  folioq: "iter_folioq",
  bvecq: "iter_bvecq",
};

/** Runs the lab over the traces' workloads. */
export function runLab(traces: readonly LoadedTrace[], opts: LabOptions = {}): LabReport {
  const rows: LabRow[] = [];
  for (const t of traces) {
    for (const wl of findWorkloads(t)) rows.push(runRow(wl, opts));
  }
  return {
    kernel: opts.kernel,
    strategies: STRATEGIES.map((s) => ({
      id: s.id,
      name: s.name,
      status: s.status,
      follows: s.follows,
    })),
    rows,
  };
}

function runRow(wl: Workload, opts: LabOptions): LabRow {
  const era = opts.kernel ?? wl.trace.header.kernel;
  const cells = STRATEGIES.map((s) => runCell(wl, s, opts.kernel ?? s.era ?? era));
  const probe = setUp(wl, era);
  const src = probe.src;
  return {
    workload: {
      id: wl.id,
      file: wl.file,
      line: wl.op.line,
      op: wl.op.op,
      purpose: wl.purpose,
      source: src ? src.kind : "?",
      dir: src ? src.dir : "?",
      len: src ? Math.min(wl.len, src.count) : 0,
      description: wl.trace.header.description,
    },
    cells,
  };
}

/** Builds the workload's world and source iterator in `era`. */
function setUp(wl: Workload, era: string): { w: World; src: IovIter | undefined } {
  const w = newWorld(wl.trace, era);
  for (const op of wl.before) {
    const len = conversionLength(op);
    if (len === undefined) {
      applySetup(w, wl.file, op);
      continue;
    }
    const it = w.iters.get(op.args.iter);
    if (it) iovIterAdvance(w.ctx, it, Math.min(len, it.count));
  }
  return { w, src: w.iters.get(wl.iter) };
}

function naCell(s: Strategy, era: string, reason: string): LabCell {
  return {
    strategy: s.id,
    status: "n/a",
    reason,
    era,
    pins: 0,
    refs: 0,
    unnecessary: 0,
    forbidden: 0,
    forbiddenPages: [],
    badEntries: 0,
    intermediate: { count: 0, bytes: 0, sgTables: 0 },
    allocations: [],
    passes: [],
    hazards: [],
    final: undefined,
    notes: [],
    verdict: `n/a: ${reason}`,
  };
}

function runCell(wl: Workload, s: Strategy, era: string): LabCell {
  const { w, src } = setUp(wl, era);
  if (!src) return naCell(s, era, `the trace never constructs "${wl.iter}"`);
  const gate = KIND_ERA[src.kind];
  const kindWhy = gate && !s.accepts?.(src.kind) && notInEraReason(gate, w.profile);
  if (kindWhy) {
    return naCell(s, era, `ITER_${src.kind.toUpperCase()} is not in this era (${kindWhy})`);
  }
  const why = s.unavailable?.(w);
  if (why) return naCell(s, era, `not in this era (${why})`);
  w.warnings.length = 0;
  const acct = new Acct();
  const job = {
    purpose: wl.purpose,
    len: Math.min(wl.len, src.count),
    limit: wl.limit,
    dmaDir: wl.dmaDir,
    step: wl.op.index,
  };
  const truth = sourceChunks(w, src, job.len);
  const out = s.run(w, src, job, acct);
  if ("na" in out) return naCell(s, era, out.na);
  const bad = truth ? badEntries(w, truth, out.list.entries) : 0;
  return judge(w, src, s, era, acct, out.list, job, bad);
}

function judge(
  w: World,
  src: IovIter,
  s: Strategy,
  era: string,
  acct: AcctT,
  list: FinalList,
  job: { purpose: Purpose; len: number },
  bad: number,
): LabCell {
  const h = judgeHolds(w, src, acct);
  const inter = acct.allocations.filter((a) => !a.final);
  const intermediate = {
    count: inter.length,
    bytes: inter.reduce((n, a) => n + a.bytes, 0),
    sgTables: inter.filter((a) => a.what === "sg table").length,
  };
  const hazards: (LabWarning & { count: number })[] = [];
  for (const x of w.warnings) {
    const seen = hazards.find((y) => y.code === x.code);
    if (seen) seen.count++;
    else hazards.push({ ...x, count: 1 });
  }
  const cell = {
    strategy: s.id,
    status: "ran" as const,
    era,
    pins: h.pins,
    refs: h.refs,
    unnecessary: h.unnecessary,
    forbidden: h.forbidden,
    forbiddenPages: h.forbiddenPages,
    badEntries: bad,
    intermediate,
    allocations: acct.allocations,
    passes: acct.passes,
    hazards,
    final: list,
    notes: acct.notes,
  };
  return { ...cell, verdict: verdict(cell, job, userBacked(src)) };
}

/** A one-line judgement built from the counts. */
function verdict(
  c: Omit<LabCell, "verdict">,
  job: { purpose: Purpose; len: number },
  user: boolean,
): string {
  const purpose = job.purpose;
  const parts: string[] = [];
  const got = c.final?.bytes ?? 0;
  if (got < job.len) parts.push(`describes ${hex(got)} of ${hex(job.len)} bytes`);
  if (c.forbidden) {
    parts.push(
      `holds ${c.forbidden} page(s) that must never be held (${c.forbiddenPages.join(", ")})`,
    );
  }
  if (c.badEntries) {
    parts.push(
      `${c.badEntries} entr${c.badEntries === 1 ? "y points" : "ies point"} at the wrong page`,
    );
  }
  const codes = new Set(c.hazards.map((x) => x.code));
  if (codes.has("pipe_premature_claim")) parts.push("advances the PIPE before the data exists");
  if (codes.has("fork_under_dma_ref")) {
    parts.push("refs, not pins, on a DIO read buffer (fork COW)");
  }
  if (c.unnecessary) {
    parts.push(`${c.unnecessary} unnecessary ${c.refs && !c.pins ? "refs" : "holds"}`);
  }
  const userRefs = user ? c.refs - c.unnecessary : 0;
  if (purpose === "rdma" && c.intermediate.sgTables) {
    parts.push("an intermediate sglist on the RDMA path");
  }
  if (c.intermediate.count) {
    parts.push(
      `${c.intermediate.count} intermediate allocation${
        c.intermediate.count === 1 ? "" : "s"
      } (${c.intermediate.bytes} B)`,
    );
  }
  for (const x of c.hazards) {
    if (x.code !== "pipe_premature_claim" && x.code !== "fork_under_dma_ref") {
      parts.push(`${x.code}`);
    }
  }
  if (userRefs && !codes.has("fork_under_dma_ref")) {
    parts.push(`refs (FOLL_GET), not pins, on ${userRefs} user page${userRefs === 1 ? "" : "s"}`);
  }
  if (!parts.length) {
    return c.pins
      ? `pins only the user pages (${c.pins}); borrows everything else; no intermediate lists`
      : "borrows the pages: no holds, no intermediate lists";
  }
  return parts.join("; ");
}
