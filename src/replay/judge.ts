/**
 * The judge: compares what a step or the whole replay produced with the trace's
 * expectations (inline `expect:`, standalone `expect` ops, the header's `expect:`), kept
 * apart from the model and the step loop.
 *
 * @module
 */
import process from "node:process";
import type { Hash } from "node:crypto";
import type { Memory } from "../model/memory.ts";
import { patternBytes } from "../model/fill.ts";
import type { Release } from "../profile.ts";
import type { Warning } from "../check/warnings.ts";
import type { OpNode } from "../trace/load.ts";
import type { Path } from "../trace/locate.ts";
import type { InlineExpect, Pattern, TraceExpect } from "../trace/schema.ts";
import { hex } from "../types.ts";
import { compareValue, compareWarnings, type Failure, whenHolds } from "./compare.ts";

/**
 * A SHA-256 hash. node:crypto is loaded (synchronously, as a builtin) the first time a trace
 * expects a sha256: loading it costs every start-up about 25 M instructions otherwise.
 */
function sha256(): Hash {
  const crypto = process.getBuiltinModule("node:crypto") as typeof import("node:crypto");
  return crypto.createHash("sha256");
}

/** Bytes of a memory expectation read at a time. */
const MEMORY_CHUNK = 1 << 20;
import type { Resolver } from "../trace/resolve.ts";
import type { Scope } from "./vars.ts";
import { iterView, objectView } from "./views/mod.ts";

/** What the judge reads. */
export interface JudgeEnv {
  readonly mem: Memory;
  readonly release: Release;
  readonly scope: Scope;
  readonly at: Resolver;
  /** Op ids by index, for warnings whose cause is given by id (read when judged). */
  idOf(): ReadonlyMap<number, string>;
  counters(kind: "pins" | "refs"): unknown;
  error(message: string, path: Path): never;
}

/** Judges expectations against a replay's state. */
export class Judge {
  constructor(private readonly env: JudgeEnv) {}

  private holds(when: string | undefined): boolean {
    return whenHolds(when, this.env.release);
  }

  private warnRef = (w: Warning) => ({
    ...w,
    causeId: w.cause === undefined ? undefined : this.env.idOf().get(w.cause),
  });

  /** An op's inline `expect:` against its return value, warnings and results. */
  inline(
    node: OpNode,
    ret: unknown,
    warnings: readonly Warning[],
    offset0: number | undefined,
    out: Failure[],
  ): void {
    const e = node.args.expect as InlineExpect;
    const { mem, scope } = this.env;
    const canon = this.env.at.canonPage;
    const at = `ops[${node.index}].expect`;
    const step = node.index;
    if (e.ret !== undefined) compareValue(e.ret, ret, `${at}.ret`, out, step, canon);
    if (e.warnings) {
      compareWarnings(e.warnings, warnings.map(this.warnRef), `${at}.warnings`, out, step);
    }
    if (e.iter && this.holds(e.iter.when)) {
      const v = scope.get(node.args.iter ?? node.args.as);
      const view = v?.type === "iter" ? iterView(mem, v.iter) : undefined;
      compareValue(e.iter, view, `${at}.iter`, out, step, canon);
    }
    for (const k of ["pins", "refs"] as const) {
      if (e[k] && this.holds(e[k].when)) {
        compareValue(e[k], this.env.counters(k), `${at}.${k}`, out, step, canon);
      }
    }
    if (e.offset0 !== undefined) {
      compareValue(e.offset0, offset0 ?? null, `${at}.offset0`, out, step, canon);
    }
    if (e.pages !== undefined) {
      const list = scope.listOf(node.args.as ?? node.args.new ?? node.args.pages);
      const actual = list
        ? list.entries.map((x) => ({ page: mem.pageName(x.pfn), retention: x.retention }))
        : undefined;
      const want = (e.pages as unknown[]).map((p) =>
        typeof p === "object" && p && !("pfn" in p) ? p : { page: p }
      );
      compareValue(want, actual, `${at}.pages`, out, step, canon);
    }
    for (const k of ["sgt", "rdma", "bio", "mr", "pipe"] as const) {
      if (e[k] === undefined || !this.holds(e[k].when)) continue;
      const name = k === "pipe" ? node.args.pipe ?? this.pipeOfIter(node.args.iter) : node.args[k];
      compareValue(e[k], objectView(mem, scope, k, name), `${at}.${k}`, out, step, canon);
    }
  }

  /** The pipe a PIPE iterator writes into, by name. */
  private pipeOfIter(name: unknown): string | undefined {
    const v = typeof name === "string" ? this.env.scope.get(name) : undefined;
    return v?.type === "iter" && v.iter.kind === "pipe" ? v.iter.pipe.name : undefined;
  }

  /** A standalone `expect` op against the state now. */
  state(node: OpNode, out: Failure[]): void {
    const a = node.args;
    if (!this.holds(a.when)) return;
    const { mem, scope } = this.env;
    const canon = this.env.at.canonPage;
    const step = node.index;
    for (const [name, exp] of Object.entries(a.iter ?? {}) as [string, { when?: string }][]) {
      if (!this.holds(exp.when)) continue;
      const v = scope.get(name);
      if (v?.type !== "iter") this.env.error(`unknown iterator "${name}"`, ["iter", name]);
      compareValue(exp, iterView(mem, v.iter), `iter.${name}`, out, step, canon);
    }
    (a.memory as MemoryExpect[] | undefined)?.forEach((m, i) => this.memory(m, i, step, out));
    for (const k of ["pins", "refs"] as const) {
      if (a[k] && this.holds(a[k].when)) {
        compareValue(a[k], this.env.counters(k), k, out, step, canon);
      }
    }
    for (const k of ["sgt", "rdma", "mr", "bio", "pipe"] as const) {
      for (const [name, exp] of Object.entries((a[k] ?? {}) as Record<string, { when?: string }>)) {
        if (!this.holds(exp.when)) continue;
        const view = objectView(mem, scope, k, name);
        if (view === undefined) this.env.error(`unknown ${k} "${name}"`, [k, name]);
        compareValue(exp, view, `${k}.${name}`, out, step, canon);
      }
    }
  }

  private memory(m: MemoryExpect, i: number, step: number, out: Failure[]): void {
    const loc = this.env.at.loc(m.at, ["memory", i, "at"]);
    if (loc.offset + m.len > loc.region.size) {
      this.env.error(`memory[${i}]: range runs past the end of "${loc.region.name}"`, [
        "memory",
        i,
        "len",
      ]);
    }
    const path = `memory[${i}]`;
    // read and compared a chunk at a time: a check of 256 MiB holds 1 MiB of it
    const hash = m.sha256 !== undefined ? sha256() : undefined;
    const wantHex = m.bytes?.replace(/\s+/g, "").toLowerCase();
    let gotHex = "", bad: { at: number; want: number; got: number } | undefined;
    const origin = m.origin === "region" ? loc.offset : 0;
    for (let done = 0; done < m.len; done += MEMORY_CHUNK) {
      const n = Math.min(MEMORY_CHUNK, m.len - done);
      const data = this.env.mem.readRegion(loc.region, loc.offset + done, n);
      hash?.update(data);
      if (wantHex !== undefined && gotHex.length < wantHex.length) {
        const need = (wantHex.length - gotHex.length) / 2;
        gotHex += Array.from(
          data.subarray(0, need),
          (b) => b.toString(16).padStart(2, "0"),
        ).join("");
      }
      if (m.pattern !== undefined && !bad) {
        const want = patternBytes(m.pattern, origin + done, n);
        for (let k = 0; k < n; k++) {
          if (want[k] !== data[k]) {
            bad = { at: done + k, want: want[k], got: data[k] };
            break;
          }
        }
      }
    }
    if (hash) {
      const got = hash.digest("hex");
      if (got !== m.sha256!.toLowerCase()) {
        out.push({ step, path: `${path}.sha256`, expected: m.sha256!, actual: got });
      }
    }
    if (wantHex !== undefined && (wantHex.length / 2 !== m.len || gotHex !== wantHex)) {
      out.push({ step, path: `${path}.bytes`, expected: m.bytes!, actual: gotHex });
    }
    if (bad) {
      out.push({
        step,
        path: `${path}.pattern`,
        expected: `byte ${hex(bad.want)} at +${hex(bad.at)}`,
        actual: hex(bad.got),
      });
    }
  }

  /** The header's `expect:` against the whole replay. */
  trace(
    e: TraceExpect | undefined,
    warnings: readonly Warning[],
    pins: unknown,
    refs: unknown,
    out: Failure[],
  ): void {
    if (!e || !this.holds(e.when)) return;
    const canon = this.env.at.canonPage;
    if (e.warnings) {
      compareWarnings(e.warnings, warnings.map(this.warnRef), "expect.warnings", out, undefined);
    }
    if (e.pins && this.holds(e.pins.when)) {
      compareValue(e.pins, pins, "expect.pins", out, undefined, canon);
    }
    if (e.refs && this.holds(e.refs.when)) {
      compareValue(e.refs, refs, "expect.refs", out, undefined, canon);
    }
  }
}

interface MemoryExpect {
  at: string;
  len: number;
  sha256?: string;
  bytes?: string;
  pattern?: Pattern;
  origin?: string;
}
