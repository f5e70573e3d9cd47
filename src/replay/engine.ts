/**
 * The step loop: runs a trace's ops one at a time and returns, per step, its return value,
 * its effects (and the changes derived from them when output wants them), its warnings and
 * the expectations that failed. Handlers come from the op tables (derived from the op
 * declarations); name resolution, the judge, the views and the summary live beside it.
 *
 * @module
 */
import { type Memory, MemoryLimitError } from "../model/memory.ts";
import type { ModelCtx } from "../model/ctx.ts";
import { type KernelProfile, kernelProfile, notInEraReason } from "../profile.ts";
import {
  makeWarning,
  type WarnDetail,
  type WarnFn,
  type Warning,
  type WarningCode,
  type WarningFields,
} from "../check/warnings.ts";
import { TraceError, type TraceIssue } from "../errors.ts";
import type { LoadedHeader, OpNode } from "../trace/load.ts";
import type { Path } from "../trace/locate.ts";
import type { Header } from "../trace/schema.ts";
import { opDecl, varUses } from "../trace/ops/mod.ts";
import { type Failure, whenHolds } from "./compare.ts";
import { PinLedger } from "../model/pin.ts";
import { DmaMapper } from "../convert/dma.ts";
import { withRuns } from "../convert/holds.ts";
import { newPipe } from "../model/pipe.ts";
import type { Pfn } from "../types.ts";
import {
  NO_EFFECTS,
  NO_FAILURES,
  NO_WARNINGS,
  type ReplayOptions,
  type StepResult,
  stepResult,
} from "./result.ts";
import { type Effect, Recorder } from "./effects.ts";
import type { AnyHandler, Handlers, OpCtx } from "./handler.ts";
import { Scope } from "./vars.ts";
import { OpIds } from "./op_ids.ts";
import { Resolver } from "../trace/resolve.ts";
import { Judge } from "./judge.ts";
import { stateView } from "./views/mod.ts";
import { counters, type PageCounters, summarize, type Summary } from "./summary.ts";
import { pinLeaks, pipeReleaseUnderIo } from "./hazards.ts";
import { buildMemory } from "./setup.ts";
import { ITER_HANDLERS } from "./ops.ts";
import { PAGE_HANDLERS } from "./pages.ts";
import { LIFECYCLE_HANDLERS } from "./lifecycle.ts";
import { CONVERT_HANDLERS } from "./convert_ops.ts";
import { BVECQ_HANDLERS } from "./bvecq_ops.ts";
import { CALLER_HANDLERS } from "./caller_ops.ts";
import { IO_URING_HANDLERS } from "./io_uring.ts";

export type { Change, Effect } from "./effects.ts";
export type { ReplayOptions, StepResult } from "./result.ts";
export type { Counters, FolioCounts, PageCounters, Summary } from "./summary.ts";
export type { Var } from "./vars.ts";

/** Every op's handler: a declared op without one fails to compile. */
const HANDLERS = {
  ...ITER_HANDLERS,
  ...PAGE_HANDLERS,
  ...LIFECYCLE_HANDLERS,
  ...CONVERT_HANDLERS,
  ...BVECQ_HANDLERS,
  ...CALLER_HANDLERS,
  ...IO_URING_HANDLERS,
} satisfies Handlers;

/** Runs ops against the model, one step at a time ("internal" members: not library API). */
export class Replay {
  /** The trace's file, as errors name it. */
  readonly file: string;
  /** The trace's validated header (internal)
   * @ignore */
  readonly header: Header;
  /** The kernel era replayed as. */
  readonly profile: KernelProfile;
  /** The modelled memory: regions, tasks, files, pipes, pages (internal)
   * @ignore */
  readonly mem: Memory;
  /** What model functions are given (memory, era, faults, the warning sink) (internal)
   * @ignore */
  readonly ctx: ModelCtx;
  /** Every pin and ref traced ops took and released (internal)
   * @ignore */
  readonly ledger: PinLedger = new PinLedger();
  /** DMA addresses of mapped pages (identity or IOMMU) (internal)
   * @ignore */
  readonly dma: DmaMapper;
  /** The trace's variables and pipes by name (internal)
   * @ignore */
  readonly scope: Scope;
  /** Resolves address and page expressions (internal)
   * @ignore */
  readonly at: Resolver;
  /** Every warning raised so far, steps' and the end's. */
  readonly allWarnings: Warning[] = [];
  /** Op ids by index, for warnings whose cause is given by id. */
  get idOf(): Map<number, string> {
    return this.ids.map();
  }
  private readonly ids = new OpIds();
  /** The current step's warnings: NO_WARNINGS until the first one (most steps raise none). */
  private stepWarnings: Warning[] = NO_WARNINGS;
  private readonly recorder: Recorder | undefined;
  private readonly judge: Judge;
  private readonly opCtx: OpCtx;
  private steps = 0;
  private effects: readonly Effect[] = [];
  private failureCount = 0;
  private current: OpNode | undefined;
  /** Handlers of the ops met so far, checked against the era once each. */
  private readonly handlers = new Map<string, AnyHandler>();

  /** A replay of the trace `h` (a LoadedTrace, or its header for ops fed one by one). */
  constructor(h: LoadedHeader, opts: ReplayOptions = {}) {
    this.file = h.file;
    this.header = h.header;
    this.profile = kernelProfile(opts.kernel ?? h.header.kernel, h.header.page_size);
    const { mem, firstTask } = buildMemory(h);
    this.mem = mem;
    this.dma = new DmaMapper(h.header.dma.iommu, h.header.page_size);
    const error = (message: string, path?: Path) => this.error(message, path);
    const warn: WarnFn = (code, fields, message, detail) =>
      this.warn(code, fields, message, detail);
    this.scope = new Scope({
      pageSize: mem.pageSize,
      op: () => this.current?.op,
      error,
      warn,
    });
    for (const p of mem.pipes.values()) this.scope.pipes.set(p.name, newPipe(p.name, p.max_usage));
    this.at = new Resolver(mem, error, firstTask);
    this.ctx = {
      mem,
      profile: this.profile,
      faults: [],
      warn,
      pipeEffects: (it, fx, fn) =>
        pipeReleaseUnderIo(mem, () => this.scope.lists(), warn, it, fx, fn),
    };
    if (opts.changes !== false) {
      const rec = this.recorder = new Recorder();
      mem.onWrite = (pfn, off, len) => rec.wrote(pfn, off, len);
    }
    const holds = withRuns(this.ledger, () => (this.recorder ? undefined : this.current?.index), {
      take: (kind, pfn) => this.hold(kind, pfn),
      drop: (kind, pfn) => this.release(kind, pfn),
      miss: (kind) => this.ledger.countRelease(kind),
    });
    this.opCtx = {
      mem,
      model: this.ctx,
      profile: this.profile,
      holds,
      dma: this.dma,
      scope: this.scope,
      at: this.at,
      out: { offset0: undefined },
      warn,
      error,
    };
    this.judge = new Judge({
      mem,
      release: this.profile.release,
      scope: this.scope,
      at: this.at,
      idOf: () => this.idOf,
      counters: (k) => this.counters(k),
      error,
    });
  }

  /** Records a warning for the current step (internal: handlers warn through their context)
   * @ignore */
  warn<C extends WarningCode>(
    code: C,
    fields: NoInfer<WarningFields<C>>,
    message: string,
    detail?: WarnDetail,
  ): void {
    const w = makeWarning(code, fields, message, this.current?.index, detail);
    if (this.stepWarnings === NO_WARNINGS) this.stepWarnings = [];
    this.stepWarnings.push(w);
    this.allWarnings.push(w);
  }

  /** A replay error at the current op (exit 2). */
  error(message: string, path: Path = []): never {
    const node = this.current;
    const pos = node ? node.locate(path) : { line: 1, column: 1 };
    throw new TraceError([{ file: this.file, ...pos, message } satisfies TraceIssue]);
  }

  /** Takes a pin or ref on a page for the current step. */
  private hold(kind: "pin" | "ref", pfn: Pfn): void {
    this.ledger.take(kind, pfn, this.current?.index ?? -1);
    this.recorder?.held(kind, pfn, 1);
  }

  /** Drops a pin or ref; false when none was held. */
  private release(kind: "pin" | "ref", pfn: Pfn): boolean {
    const ok = this.ledger.drop(kind, pfn);
    if (ok) this.recorder?.held(kind, pfn, -1);
    return ok;
  }

  /** Runs one op. Throws TraceError for ops that cannot run (exit 2). */
  step(node: OpNode): StepResult {
    this.current = node;
    if (node.id !== undefined) this.ids.add(node.index, node.id);
    this.stepWarnings = NO_WARNINGS;
    this.scope.newStep();
    this.steps++;
    this.effects = NO_EFFECTS;
    // only an expectation can fail: the other steps share one empty list
    const failures: Failure[] = node.op === "expect" || node.args.expect ? [] : NO_FAILURES;
    // an op, or a standalone expect, whose `when:` excludes this era is skipped, and says so
    if (node.args.when && !whenHolds(node.args.when, this.profile.release)) {
      this.current = undefined;
      return {
        index: node.index,
        op: node.op,
        id: node.id,
        line: node.line,
        ret: null,
        changes: [],
        warnings: [],
        failures: [],
        skipped: `when ${node.args.when}`,
      };
    }
    let ret: unknown = null;
    let effects: readonly Effect[] = NO_EFFECTS;
    let expectSkipped: string | undefined;
    if (node.op === "expect") {
      this.judge.state(node, failures);
    } else {
      const handler = this.handlerOf(node.op);
      // one object per replay, emptied per step (read during the step and right after it)
      const out = this.opCtx.out;
      out.offset0 = undefined;
      this.recorder?.begin(varArgs(node.op, node.args), this.scope);
      try {
        ret = handler(this.opCtx, node.args, node) ?? null;
      } catch (e) {
        if (e instanceof MemoryLimitError) this.error(e.message);
        throw e;
      }
      if (this.recorder) {
        effects = this.recorder.end(this.scope, (k, pfn) => this.ledger.count(k, pfn));
        this.effects = effects;
      }
      const exp = node.args.expect;
      if (exp && whenHolds(exp.when, this.profile.release)) {
        this.judge.inline(node, ret, this.stepWarnings, out.offset0, failures);
      } else if (exp) expectSkipped = `when ${exp.when}`;
    }
    this.failureCount += failures.length;
    this.current = undefined;
    const res = stepResult(node, ret, effects, this.mem, this.stepWarnings, failures);
    if (expectSkipped) (res as { expect_skipped?: string }).expect_skipped = expectSkipped;
    return res;
  }

  /** The op's handler; an op outside the era in effect stops the replay (not_in_era). */
  private handlerOf(op: string): AnyHandler {
    const known = this.handlers.get(op);
    if (known) return known;
    const feature = opDecl(op)?.era;
    const why = feature && notInEraReason(feature, this.profile);
    if (why) this.error(`not_in_era: ${op} does not exist in this era (${why})`, ["op"]);
    const handler = (HANDLERS as unknown as Partial<Record<string, AnyHandler>>)[op];
    if (!handler) this.error(`op "${op}" is not modelled yet`, ["op"]);
    this.handlers.set(op, handler);
    return handler;
  }

  /** Results of the last step besides its return value (offset0 of an extraction). */
  get stepExtras(): { readonly offset0?: number } {
    return this.opCtx.out;
  }

  /** The last step's effects, none under `changes: false` (internal: shapes may change)
   * @ignore */
  get stepEffects(): readonly Effect[] {
    return this.effects;
  }

  /** Every variable and pipe as its view, and the pin and ref counters (`--state`). */
  stateView(): Record<string, unknown> {
    return {
      ...stateView(this.mem, this.scope),
      pins: this.counters("pins"),
      refs: this.counters("refs"),
    };
  }

  /** Pin or ref counters, per page. */
  counters(kind: "pins" | "refs"): PageCounters {
    return counters(this.ledger, this.mem, kind);
  }

  /** Ends the replay: end-of-trace detections, trace-level expectations, the summary. */
  finish(): { summary: Summary; failures: Failure[]; endWarnings: Warning[] } {
    const failures: Failure[] = [];
    this.current = undefined;
    this.stepWarnings = NO_WARNINGS;
    pinLeaks(this.mem, this.ledger, (c, f, m, d) => this.warn(c, f, m, d));
    const endWarnings = this.stepWarnings;
    const pins = this.counters("pins"), refs = this.counters("refs");
    this.judge.trace(this.header.expect, this.allWarnings, pins, refs, failures);
    this.failureCount += failures.length;
    const summary = summarize({
      kernel: this.profile.name,
      steps: this.steps,
      failures: this.failureCount,
      ledger: this.ledger,
      mem: this.mem,
      pins,
      refs,
      warnings: this.allWarnings,
    });
    return { summary, failures, endWarnings };
  }
}

/** The variables an op names, in its declaration's order (reads, then creates, then releases). */
function varArgs(op: string, args: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const u of varUses(op)) {
    const v = args[u.key];
    if (typeof v === "string" && !out.includes(v)) out.push(v);
  }
  return out;
}
