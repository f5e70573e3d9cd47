/**
 * itertrace as a library: load a trace, replay it step by step against a kernel era, and
 * inspect what each step did.
 *
 * @example Replay a trace held in a string
 * ```ts
 * import { loadDocument, Replay } from "./mod.ts";
 *
 * const text = `itertrace: 1
 * name: demo
 * memory: { kernel: [{ region: k, kind: kmalloc, size: 8K }] }
 * ops:
 *   - { op: iov_iter_kvec, iter: kv, dir: source, kvec: [{ base: "k+0x10", len: 0x1000 }] }
 *   - { op: iov_iter_advance, iter: kv, bytes: 16 }
 * `;
 * const { trace } = loadDocument(text, "demo.yaml");
 * const replay = new Replay(trace!);
 * for (const op of trace!.ops) console.log(replay.step(op).changes);
 * console.log(replay.finish().summary.verdict); // "clean"
 * ```
 *
 * @module
 */
export {
  loadDocument,
  type LoadedHeader,
  type LoadedTrace,
  type OpNode,
  streamJsonl,
} from "./trace/load.ts";
export {
  type Change,
  type Counters,
  type FolioCounts,
  type PageCounters,
  Replay,
  type ReplayOptions,
  type StepResult,
  type Summary,
} from "./replay/engine.ts";
export { type FeatureName, FEATURES, type KernelProfile, kernelProfile } from "./profile.ts";
export {
  type FieldName,
  FIELDS,
  type FieldValue,
  type Severity,
  type WarnDetail,
  type Warning,
  type WarningCode,
  type WarningFields,
  type WarningInfo,
  type WarningOf,
  WARNINGS,
} from "./check/warnings.ts";
export { runCli } from "./cli/mod.ts";
export type { Io, Output, PathInfo } from "./cli/io.ts";
export type { Failure } from "./replay/compare.ts";
export type { SourcePos, TraceIssue } from "./errors.ts";
export type { Locator, Path } from "./trace/locate.ts";
export type { Release } from "./eras/release.ts";
