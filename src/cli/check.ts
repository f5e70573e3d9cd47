/**
 * `itertrace check`: every trace under the paths, in sorted order, judged by its inline
 * expectations and, when present, by its golden file `<trace>.expected` (the whole replay as
 * colourless text). `--update` writes missing or changed goldens. Formats: text, json (the
 * document design.md specifies), tap (TAP 14) and junit (JUnit XML).
 *
 * @module
 */
import { failsOn } from "./severity.ts";
import { WARNINGS } from "../check/warnings.ts";
import type { Io } from "./io.ts";
import { openTrace, reiterable } from "./source.ts";
import { collectTraces } from "./collect.ts";
import { runTrace } from "./run_trace.ts";
import { isInputError, TraceError } from "../errors.ts";
import { globMatcher } from "./glob.ts";
import { loadStyles, renderStep, renderSummary, styles } from "../render/text.ts";
import { jsonReplacer } from "../render/value.ts";
import { mdCheck } from "../render/markdown.ts";
import { Progress } from "./progress.ts";
import {
  type CheckEntry,
  checkFailureText,
  renderJunit,
  renderTap,
  seconds,
} from "../render/report_formats.ts";
import { checkKernel } from "./replay.ts";
import type { Severity } from "../types.ts";
import type { TraceSource } from "./source.ts";
import type { OpNode } from "../trace/load.ts";
import type { RunResult } from "./run_trace.ts";
import {
  compareRelease,
  featureIn,
  type FeatureName,
  isSnapshot,
  kernelLabel,
  parseRelease,
  type Release,
  whenHolds,
} from "../profile.ts";
import { FailureSites } from "./where.ts";
import {
  collectWhens,
  eraIndexOf,
  type EraRange,
  type EraSpec,
  inRange,
  lastBefore,
  parseRange,
  rangeName,
  releaseName,
  specEnd,
  specHolds,
  traceEras,
} from "../check/eras.ts";

export type { CheckEntry };

export { collectTraces };

/** Options of `check`. */
export interface CheckOpts {
  format: string;
  kernel?: string;
  update?: true;
  filter?: string;
  failOn?: string;
}

/** The first line of a golden: `itertrace replay NAME   (kernel LABEL)`. */
function kernelLine(name: string, label: string): string {
  return `itertrace replay ${name}   (kernel ${label})`;
}

/** A golden's text without its kernel line, which names the era and nothing else. */
function body(text: string): string {
  const nl = text.indexOf("\n");
  return nl < 0 ? "" : text.slice(nl + 1);
}

/** One era's replay of a trace. */
interface EraRun {
  readonly era: Release;
  readonly name: string;
  /** The golden text without its kernel line. */
  readonly body?: string;
  readonly res?: RunResult;
  /** The source line of each failure (of the op or the expectation field). */
  readonly sites?: FailureSites;
  /** Expectations this era's `when:` skipped: a standalone expect or an op's inline one. */
  readonly skips?: readonly { step: number; line: number; when: string }[];
  /** not_in_era: an op of the trace does not exist in this era. */
  readonly gated?: string;
}

/** Replays an opened trace in one era; TraceErrors other than not_in_era propagate. */
async function runEra(
  io: Io,
  file: string,
  opened: TraceSource,
  era: Release,
  text = true,
): Promise<EraRun> {
  // a YAML/JSON document is loaded and checked once; JSON Lines stream again for each era
  const src = reiterable(opened) ? opened : await openTrace(io, file);
  const s = styles(false);
  const lines: string[] = [];
  const sites = new FailureSites(file, src.header.locate);
  const skips: { step: number; line: number; when: string }[] = [];
  const name = src.header.header.name;
  try {
    // with no golden to compare or write, no step text (and no change records) is built
    const res = await runTrace(
      src,
      { kernel: releaseName(era), changes: text },
      (st, node) => {
        if (st.failures.length) sites.note(st.failures, node);
        const skipped = node.op === "expect" ? st.skipped : st.expect_skipped;
        if (skipped) skips.push({ step: st.index, line: node.line, when: skipped });
        if (text) lines.push(renderStep(st, node.args, s));
      },
    );
    if (!text) return { era, name, res, body: "", sites, skips };
    lines.push("", renderSummary(res.summary, res.endWarnings, res.failures, s));
    return { era, name, res, body: "\n" + lines.join("\n") + "\n", sites, skips };
  } catch (e) {
    if (e instanceof TraceError && /not_in_era/.test(e.message)) {
      // the golden of an era the trace cannot run in says why, without the file's path
      const why = e.issues
        .map((i) => `line ${i.line}: ${i.message.replace(/, kernel is [\w.-]+\)/, ")")}`)
        .join("\n");
      return { era, name, gated: e.message, body: `\n${why}\n` };
    }
    throw e;
  }
}

/**
 * Replays a trace in each era, once per distinct behaviour: a replay depends on its era only
 * through the profile rows it asks about and the trace's `when:` conditions (the engine reads
 * the release nowhere else), so an era that answers all of those as an earlier replayed one
 * does shares that era's replay (the era matrix of the bundled traces replays about one era
 * in nine). Eras whose ops do not exist are replayed each time (they stop at once).
 */
async function runEras(
  io: Io,
  file: string,
  opened: TraceSource,
  eras: readonly Release[],
  whens: ReadonlySet<string>,
  text: boolean,
): Promise<EraRun[]> {
  const conds = [...whens];
  const answers = (rows: readonly FeatureName[], era: Release) =>
    rows.map((f) => featureIn(f, era) ? 1 : 0).join("") + "/" +
    conds.map((c) => whenHolds(c, era) ? 1 : 0).join("");
  const done: { run: EraRun; rows: FeatureName[]; key: string }[] = [];
  const runs: EraRun[] = [];
  for (const era of eras) {
    const same = done.find((d) => answers(d.rows, era) === d.key);
    if (same) {
      runs.push({ ...same.run, era });
      continue;
    }
    const run = await runEra(io, file, opened, era, text);
    runs.push(run);
    if (run.res) {
      const rows = run.res.replay.profile.consulted();
      done.push({ run, rows, key: answers(rows, era) });
    }
  }
  return runs;
}

/** Every `when:` in a trace (YAML/JSON: the loaded ops; JSON Lines: one streaming pass). */
async function traceWhens(io: Io, file: string, src: TraceSource): Promise<Set<string>> {
  const out = collectWhens(src.header.header.expect);
  if (reiterable(src)) {
    for (const n of src.ops) collectWhens(n.args, out);
  } else {
    for await (const n of (await openTrace(io, file)).ops as AsyncIterable<OpNode>) {
      collectWhens(n.args, out);
    }
  }
  return out;
}

/** Whether a trace names a linux-next snapshot in its kernel:, eras: or a when: condition. */
async function namesSnapshot(
  io: Io,
  file: string,
  src: TraceSource,
  spec: EraSpec,
): Promise<boolean> {
  const snap = /\bnext-\d{8}\b/;
  if (snap.test(src.header.header.kernel) || snap.test(JSON.stringify(spec ?? ""))) return true;
  for (const w of await traceWhens(io, file, src)) if (snap.test(w)) return true;
  return false;
}

/** The golden files beside a trace: the main one and the era-range ones (`<trace>@6.3-6.11.expected`). */
async function goldensOf(
  io: Io,
  file: string,
  probe: readonly string[],
): Promise<{ range: EraRange; path: string }[]> {
  const slash = file.lastIndexOf("/");
  const dir = slash < 0 ? "." : file.slice(0, slash);
  const base = file.slice(slash + 1);
  const names = new Set(probe);
  for (const e of (await io.readDir(dir)) ?? []) names.add(e.name);
  const out: { range: EraRange; path: string }[] = [];
  for (const n of names) {
    if (!n.startsWith(`${base}@`) || !n.endsWith(".expected")) continue;
    const range = parseRange(n.slice(base.length + 1, -".expected".length));
    const path = slash < 0 ? n : `${dir}/${n}`;
    if (range && (await io.exists(path))) out.push({ range, path });
  }
  return out.sort((a, b) => compareRelease(a.range.from, b.range.from));
}

/** The golden file of an era-range: `<trace>@<range>.expected`. */
export function rangeGolden(file: string, range: EraRange): string {
  return `${file}@${rangeName(range)}.expected`;
}

/**
 * Groups consecutive eras with the same replay into golden files: the group holding the
 * trace's `kernel:` (or, when that era is not checked, the last group) is `<trace>.expected`,
 * the others `<trace>@<from>-<to>.expected`, where `to` is the release before the next group
 * (after the last group, the end of the trace's `eras:`).
 */
function goldenLayout(
  file: string,
  runs: readonly EraRun[],
  kernel: Release,
  spec: EraSpec,
): { path: string; range: EraRange; body: string; label: string; main: boolean }[] {
  const live = runs.filter((r) => r.body !== undefined);
  if (!live.some((r) => r.res)) return [];
  const groups: EraRun[][] = [];
  for (const r of live) {
    const g = groups[groups.length - 1];
    if (g && g[0].body === r.body) g.push(r);
    else groups.push([r]);
  }
  const ran = live.filter((r) => r.res).map((r) => r.era);
  const k = eraIndexOf(ran, kernel);
  const mainEra = k >= 0 ? ran[k] : ran[ran.length - 1];
  return groups.map((g) => {
    // the range ends before the next era checked or gated (an era whose ops do not exist)
    const next = runs[runs.indexOf(g[g.length - 1]) + 1]?.era;
    const last = g[g.length - 1].era;
    const range = { from: g[0].era, to: next ? lastBefore(next) : specEnd(spec, last) };
    const main = g.some((r) => compareRelease(r.era, mainEra) === 0);
    return {
      path: main ? `${file}.expected` : rangeGolden(file, range),
      range,
      body: g[0].body!,
      label: main ? "" : rangeName(range),
      main,
    };
  });
}

/** What one `check` run shares between its traces. */
export interface CheckRun {
  /** --filter, by name or path. */
  readonly filter?: (s: string) => boolean;
  /** Goldens written. */
  readonly updated: string[];
  /** Goldens not written because the trace's own expectations fail. */
  readonly kept: string[];
  /** Files found by walking directories, and the names seen per folder. */
  readonly walked?: Set<string>;
  readonly names?: Map<string, string>;
  /**
   * Traces already read (YAML and JSON; JSON Lines stream and are read again), for a caller
   * that checks the same unchanged traces many times (the era-mutation test checks each in
   * every release a move changes): a replay never changes the ops it reads.
   */
  readonly sources?: Map<string, TraceSource>;
}

/** The trace at `file`, read once per run where the run keeps what it read. */
async function openOnce(io: Io, file: string, run: CheckRun): Promise<TraceSource> {
  const kept = run.sources?.get(file);
  if (kept) return kept;
  const opened = await openTrace(io, file);
  if (run.sources && reiterable(opened)) run.sources.set(file, opened);
  return opened;
}

/**
 * Checks one trace in its eras (or in `o.kernel`, or in `release` alone); undefined when the
 * filter leaves it out.
 */
export async function checkTrace(
  io: Io,
  file: string,
  o: CheckOpts,
  run: CheckRun = { updated: [], kept: [] },
  release?: Release,
): Promise<CheckEntry | undefined> {
  let entry: CheckEntry;
  try {
    const opened = await openOnce(io, file, run);
    const h = opened.header.header;
    if (run.filter && !run.filter(h.name) && !run.filter(file)) return undefined;
    const same = run.walked?.has(file) && run.names
      ? sameNameIn(run.names, file, h.name)
      : undefined;
    if (same) {
      throw new TraceError([{
        file,
        ...opened.header.locate(["name"]),
        message:
          `name: "${h.name}" is also the name of ${same}; traces in one folder need distinct names`,
      }]);
    }
    const spec = (h as { eras?: EraSpec }).eras;
    const declared = spec !== undefined && spec !== "all";
    const single = o.kernel !== undefined || release !== undefined;
    if (release && !specHolds(spec, release)) {
      return { file, name: h.name, status: "skip", failures: [], error: "outside eras:" };
    }
    // a linux-next snapshot is checked only for a trace that names one: the when: conditions
    // of other traces describe the releases, not what linux-next carried between them
    const asked = release ?? (o.kernel ? parseRelease(o.kernel) : undefined);
    if (asked && isSnapshot(asked) && !(await namesSnapshot(io, file, opened, spec))) {
      return {
        file,
        name: h.name,
        status: "skip",
        failures: [],
        error: `${
          releaseName(asked)
        } is a linux-next snapshot and the trace names none (kernel:, eras:, when:)`,
      };
    }
    const whens = single ? new Set<string>() : await traceWhens(io, file, opened);
    const eras = release
      ? [release]
      : o.kernel
      ? [parseRelease(o.kernel)!]
      : traceEras(spec, h.kernel, whens);
    const text = !!o.update || await io.exists(`${file}.expected`) ||
      (await goldensOf(io, file, [])).length > 0;
    const runs = await runEras(io, file, opened, eras, whens, text);
    entry = judge(file, h.name, runs, o);
    const gated = runs.filter((r) => r.gated);
    if (declared && gated.length && !o.kernel) {
      // the trace claims to hold in an era where one of its ops does not exist
      entry.status = "error";
      entry.error = `eras: ${String(spec)} includes ${
        gated.map((r) => releaseName(r.era)).join(", ")
      }, where the trace cannot run:\n${gated[0].gated}`;
    } else if (!runs.some((r) => r.res) && (o.kernel || !release)) {
      entry = {
        file,
        name: "",
        status: o.kernel || !declared ? "skip" : "error",
        failures: [],
        error: runs[0]?.gated ?? "no era to check",
      };
      // --kernel V where the trace cannot run: the era-range golden covering V (which says
      // why) is compared and updated as the era matrix does; without one it is only a skip
      const gated = o.kernel && runs.length === 1 && runs[0].body !== undefined;
      if (gated && (await goldensOf(io, file, [])).some((g) => inRange(g.range, runs[0].era))) {
        await judgeGoldens(io, file, h.name, runs, h.kernel, spec, o, entry, run);
      }
    } else if (!single || runs[0].res || release) {
      await judgeGoldens(io, file, h.name, runs, h.kernel, spec, o, entry, run);
    }
  } catch (e) {
    if (!isInputError(e)) throw e;
    entry = { file, name: "", status: "error", failures: [], error: e.message };
  }
  return entry;
}

/** Runs `check`; returns the exit code. */
export async function checkCommand(
  io: Io,
  paths: readonly string[],
  o: CheckOpts,
): Promise<number> {
  checkKernel(o.kernel);
  const walked = new Set<string>();
  const files = await collectTraces(io, paths, walked);
  const s = await loadStyles(io.color && o.format === "text");
  const run: CheckRun = {
    filter: o.filter !== undefined ? globMatcher(o.filter) : undefined,
    updated: [],
    kept: [],
    walked,
    names: new Map(),
  };
  const traces: CheckEntry[] = [];
  const start = io.now?.();
  const progress = new Progress(io, "check");
  for (const [i, file] of files.entries()) {
    progress.tick(i, files.length, file);
    const t0 = io.now?.();
    const entry = await checkTrace(io, file, o, run);
    if (!entry) continue;
    if (t0 !== undefined) entry.time = (io.now!() - t0) / 1000;
    traces.push(entry);
    if (o.format === "text") {
      progress.end();
      printText(io, entry, s);
    }
  }
  progress.end();
  const passed = traces.filter((t) => t.status === "pass").length;
  const failed = traces.filter((t) => t.status === "fail").length;
  const errors = traces.filter((t) => t.status === "error").length;
  const skipped = traces.filter((t) => t.status === "skip").length;
  if (o.format === "json") {
    const doc = {
      traces: traces.map(({ goldenDiff: _d, ...t }) => t),
      passed,
      failed,
      errors,
      ...(skipped ? { skipped } : {}),
    };
    io.stdout(JSON.stringify(doc, jsonReplacer, 2) + "\n");
  } else if (o.format === "tap") io.stdout(renderTap(traces));
  else if (o.format === "junit") io.stdout(renderJunit(traces));
  else if (o.format === "md") io.stdout(mdCheck(traces));
  else {
    io.stdout(
      `\n${passed} passed, ${failed} failed${errors ? `, ${errors} errors` : ""}${
        skipped ? `, ${skipped} skipped` : ""
      }${start !== undefined ? ` in ${seconds((io.now!() - start) / 1000)} s` : ""}\n`,
    );
  }
  for (const g of run.updated) io.stderr(`updated ${g}\n`);
  for (const g of run.kept) {
    io.stderr(`not updated ${g}: the trace's own expectations fail; fix them first\n`);
  }
  if (files.length === 0) {
    io.stderr(`error: no traces found under ${paths.join(", ")}\n`);
    return 2;
  }
  if (run.filter && traces.length === 0) {
    io.stderr(
      `error: --filter '${o.filter}' matches none of the ${files.length} traces (by name or path)\n`,
    );
    return 2;
  }
  return errors ? 2 : failed ? 1 : 0;
}

/**
 * The entry of a trace from its era runs: expectations judged per era. A failure found in
 * every era checked is listed once without an era; one found in some eras names them.
 */
function judge(file: string, name: string, runs: readonly EraRun[], o: CheckOpts): CheckEntry {
  const live = runs.filter((r) => r.res);
  const entry: CheckEntry = {
    file,
    name,
    status: "pass",
    failures: [],
    eras: live.map((r) => releaseName(r.era)),
  };
  const seen = new Map<string, { f: CheckEntry["failures"][number]; eras: string[] }>();
  const add = (f: CheckEntry["failures"][number], era: Release) => {
    const key = JSON.stringify([f.step, f.path, f.expected, f.actual], jsonReplacer);
    const had = seen.get(key);
    if (had) had.eras.push(releaseName(era));
    else seen.set(key, { f, eras: [releaseName(era)] });
  };
  for (const run of live) {
    for (const f of run.res!.failures) {
      const line = run.sites?.line(f);
      add(
        {
          step: f.step ?? null,
          path: f.path,
          expected: f.expected,
          actual: f.actual,
          ...(line !== undefined ? { line } : {}),
        },
        run.era,
      );
    }
    if (o.failOn) {
      const min = o.failOn as Severity;
      for (
        const w of run.res!.replay.allWarnings.filter((w) =>
          failsOn(WARNINGS[w.code].severity, min)
        )
      ) {
        add(
          { step: w.step ?? null, path: "warnings", expected: `no ${o.failOn}`, actual: w.code },
          run.era,
        );
      }
    }
  }
  for (const { f, eras } of seen.values()) {
    entry.failures.push(eras.length === live.length ? f : { ...f, era: eras.join(", ") });
  }
  // expectations skipped by their when:, with the eras that skipped them
  const skipped = new Map<number, { step: number; line: number; when: string; eras: string[] }>();
  for (const run of live) {
    for (const k of run.skips ?? []) {
      const had = skipped.get(k.step) ?? { ...k, eras: [] };
      had.eras.push(releaseName(run.era));
      skipped.set(k.step, had);
    }
  }
  if (skipped.size) {
    entry.skipped_expects = [...skipped.values()].map((k) => ({
      ...k,
      all: k.eras.length === live.length,
    }));
  }
  if (entry.failures.length) entry.status = "fail";
  return entry;
}

/**
 * Compares each era's replay with the golden covering it (an era-range golden, else the
 * main `<trace>.expected`), or with `--update` rewrites the goldens.
 */
async function judgeGoldens(
  io: Io,
  file: string,
  name: string,
  runs: readonly EraRun[],
  kernelText: string,
  spec: EraSpec,
  o: CheckOpts,
  entry: CheckEntry,
  ctx: CheckRun,
): Promise<void> {
  const kernel = parseRelease(kernelText)!;
  const ownLabel = kernelLabel(kernelText);
  // a trace whose own expectations fail keeps its goldens
  const write = async (path: string, text: string) => {
    const have = (await io.exists(path)) ? await io.readTextFile(path) : undefined;
    if (have === text) return;
    if (entry.failures.length) ctx.kept.push(path);
    else {
      await io.writeTextFile(path, text);
      ctx.updated.push(path);
    }
  };
  const layout = goldenLayout(file, runs, kernel, spec);
  const existing = await goldensOf(
    io,
    file,
    layout.filter((g) => !g.main).map((g) => g.path.slice(g.path.lastIndexOf("/") + 1)),
  );
  const mainPath = `${file}.expected`;
  if (o.update) {
    if (o.kernel) {
      // one era: rewrite the golden that covers it
      const run = runs[0];
      const hit = existing.find((g) => inRange(g.range, run.era));
      const path = hit?.path ?? mainPath;
      const label = hit ? rangeName(hit.range) : ownLabel;
      await write(path, kernelLine(name, label) + "\n" + run.body);
      return;
    }
    for (const g of layout) {
      const label = g.main ? ownLabel : g.label;
      await write(g.path, kernelLine(name, label) + "\n" + g.body);
    }
    if (entry.failures.length) return;
    const keep = new Set(layout.map((g) => g.path));
    for (const g of existing) {
      if (keep.has(g.path)) continue;
      if (!io.remove) continue;
      await io.remove(g.path);
      ctx.updated.push(`${g.path} (removed)`);
    }
    return;
  }
  // each golden is read once, however many eras it covers
  const texts = new Map<string, string | undefined>();
  const read = async (path: string) => {
    if (!texts.has(path)) {
      texts.set(path, (await io.exists(path)) ? await io.readTextFile(path) : undefined);
    }
    return texts.get(path);
  };
  const live = runs.filter((r) => r.body !== undefined);
  const differs = new Map<string, { have: string; runs: EraRun[] }>();
  for (const run of live) {
    const path = existing.find((g) => inRange(g.range, run.era))?.path ?? mainPath;
    const have = await read(path);
    if (have === undefined || body(have) === run.body) continue;
    const d = differs.get(path) ?? { have, runs: [] };
    d.runs.push(run);
    differs.set(path, d);
  }
  const ran = live.filter((r) => r.res);
  const k = eraIndexOf(ran.map((r) => r.era), kernel);
  const mainEra = k >= 0 ? ran[k].era : undefined;
  for (const [path, d] of differs) {
    entry.status = "fail";
    const all = d.runs.length === live.length;
    entry.failures.push({
      step: null,
      path: "golden",
      expected: path,
      actual: "replay differs",
      ...(all ? {} : { era: d.runs.map((r) => releaseName(r.era)).join(", ") }),
    });
    if (entry.goldenDiff) continue;
    // the diff shows the trace's own era when it is among those that differ
    const run = d.runs.find((r) => mainEra && compareRelease(r.era, mainEra) === 0) ?? d.runs[0];
    const own = mainEra !== undefined && compareRelease(run.era, mainEra) === 0;
    const label = own ? ownLabel : releaseName(run.era);
    // npm:diff is loaded only when a golden differs
    const { createTwoFilesPatch } = await import("diff");
    entry.goldenDiff = createTwoFilesPatch(
      path,
      own ? "replay" : `replay (kernel ${label})`,
      d.have,
      kernelLine(name, label) + "\n" + run.body,
      "",
      "",
      { context: 2 },
    );
  }
}

function printText(io: Io, entry: CheckEntry, s: ReturnType<typeof styles>): void {
  const tag = entry.status === "pass"
    ? s.green("pass ")
    : entry.status === "skip"
    ? s.yellow("skip ")
    : entry.status === "fail"
    ? s.red("FAIL ")
    : s.red("ERROR");
  const time = entry.time !== undefined ? s.dim(`${seconds(entry.time).padStart(7)} s  `) : "";
  io.stdout(`${tag} ${time}${entry.file}\n`);
  for (const f of entry.failures) {
    // a golden mismatch in every era is shown by its diff below
    if (f.path === "golden" && !f.era) continue;
    io.stdout(`      ${checkFailureText(entry, f)}\n`);
  }
  if (entry.goldenDiff) {
    io.stdout(entry.goldenDiff.split("\n").map((l) => `      ${l}`).join("\n") + "\n");
  }
  if (entry.error) io.stdout(entry.error.split("\n").map((l) => `      ${l}`).join("\n") + "\n");
}

/** The file in the same folder already checked under `name`, if any; records this one. */
function sameNameIn(names: Map<string, string>, file: string, name: string): string | undefined {
  const key = `${file.slice(0, file.lastIndexOf("/") + 1)}\0${name}`;
  const prev = names.get(key);
  if (prev === undefined) names.set(key, file);
  return prev;
}
