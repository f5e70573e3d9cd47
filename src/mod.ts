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
export { loadDocument, type LoadedTrace, type OpNode, streamJsonl } from "./trace/load.ts";
export { type Change, Replay, type StepResult, type Summary } from "./replay/engine.ts";
export { FEATURES, type KernelProfile, kernelProfile } from "./profile.ts";
export { type Warning, type WarningCode, WARNINGS } from "./check/warnings.ts";
export { runCli } from "./cli/mod.ts";
export type { Io } from "./cli/io.ts";
