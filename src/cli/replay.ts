/**
 * `itertrace replay`: step-by-step output in text, json or jsonl.
 *
 * @module
 */
import { failsOn } from "./severity.ts";
import { WARNINGS } from "../check/warnings.ts";
import type { Io } from "./io.ts";
import { openTrace } from "./source.ts";
import { runTrace } from "./run_trace.ts";
import { loadStyles, renderState, renderStep, renderSummary } from "../render/text.ts";
import type { Replay } from "../replay/engine.ts";
import { jsonReplacer } from "../render/value.ts";
import type { StepResult } from "../replay/engine.ts";
import type { OpNode } from "../trace/load.ts";
import type { Severity } from "../types.ts";
import { kernelLabel, kernelProfile, releaseName, releaseProblem } from "../profile.ts";
import { UsageError } from "../errors.ts";
import { FailureSites } from "./where.ts";
import { Progress } from "./progress.ts";
import { mdReplayHead, mdStep, mdSummary } from "../render/markdown.ts";

/** Options of `replay`. */
export interface ReplayOpts {
  format: string;
  kernel?: string;
  from?: number;
  to?: number;
  quiet?: true;
  failOn?: string;
  state?: true;
  expand?: true;
}

/** Checks a --kernel value. */
export function checkKernel(k: string | undefined): void {
  const why = k === undefined ? undefined : releaseProblem(k);
  if (why) throw new UsageError(`invalid --kernel: ${why}`);
}

/** Runs `replay`; returns the exit code. */
export async function replayCommand(io: Io, file: string, o: ReplayOpts): Promise<number> {
  checkKernel(o.kernel);
  if (o.from !== undefined && o.to !== undefined && o.from > o.to) {
    throw new UsageError(`--from ${o.from} is after --to ${o.to}: no step would be shown`);
  }
  const src = await openTrace(io, file);
  const s = await loadStyles(io.color && o.format === "text");
  const inRange = (i: number) =>
    (o.from === undefined || i >= o.from) && (o.to === undefined || i <= o.to);
  const steps: unknown[] = [];
  const kernel = o.kernel ?? src.header.header.kernel;
  const page = kernelProfile(kernel).pageSize / 1024;
  if (o.format === "md" && !o.quiet) io.stdout(mdReplayHead(file, kernelLabel(kernel), page));
  if (o.format === "text" && !o.quiet) {
    io.stdout(
      `${s.bold(`itertrace replay ${file}`)}   (kernel ${kernelLabel(kernel)}, page ${
        kernelProfile(kernel).pageSize / 1024
      } KiB)\n\n`,
    );
  }
  const sites = new FailureSites(file, src.header.locate);
  const total = Array.isArray(src.ops) ? src.ops.length : undefined;
  // only where nothing else is printed until the end: streamed steps would break the line
  const progress = new Progress(io, "replay", !!o.quiet || o.format === "json");
  const onStep = (st: StepResult, node: OpNode, replay: Replay) => {
    // the clock is read once every 1024 steps, not on each step of a long replay
    if ((st.index & 1023) === 0) progress.tick(st.index + 1, total, "steps");
    if (st.failures.length) sites.note(st.failures, node);
    if (o.quiet || !inRange(st.index)) return;
    const state = o.state ? replay.stateView() : undefined;
    if (o.format === "md") io.stdout(mdStep(st, node.args, { expand: o.expand, at: sites.at }));
    else if (o.format === "text") {
      io.stdout(
        renderStep(st, node.args, s, { expand: o.expand, at: sites.at }) +
          "\n",
      );
      if (state) io.stdout(renderState(state, s) + "\n");
    } else if (o.format === "jsonl") {
      io.stdout(JSON.stringify(state ? { ...st, state } : st, jsonReplacer) + "\n");
    } else steps.push(state ? { ...st, state } : st);
  };
  const res = await runTrace(src, { kernel: o.kernel, changes: !o.quiet }, onStep).finally(() =>
    progress.end()
  );
  const name = src.header.header.name;
  if (o.format === "md") {
    if (o.quiet) io.stdout(`### itertrace replay \`${file}\` (kernel ${kernelLabel(kernel)})\n`);
    io.stdout(
      mdSummary(res.summary, res.endWarnings, res.failures, { expand: o.expand, at: sites.at }),
    );
  } else if (o.format === "text") {
    io.stdout(
      (o.quiet ? "" : "\n") +
        renderSummary(res.summary, res.endWarnings, res.failures, s, {
          expand: o.expand,
          at: sites.at,
        }) + "\n",
    );
  } else if (o.format === "jsonl") {
    io.stdout(
      JSON.stringify(
        { summary: res.summary, warnings: res.endWarnings, failures: res.failures },
        jsonReplacer,
      ) + "\n",
    );
  } else {
    const doc = {
      file,
      name,
      kernel,
      release: releaseName(kernelProfile(kernel).release),
      steps: o.quiet ? [] : steps,
      warnings: res.endWarnings,
      failures: res.failures,
      summary: res.summary,
    };
    io.stdout(JSON.stringify(doc, jsonReplacer, 2) + "\n");
  }
  if (res.failures.length) return 1;
  if (o.failOn) {
    const min = o.failOn as Severity;
    if (res.replay.allWarnings.some((w) => failsOn(WARNINGS[w.code].severity, min))) return 1;
  }
  return 0;
}
