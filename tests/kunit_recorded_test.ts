/**
 * Real kernels as the judge: fixtures/kunit/ERA/ holds the KUnit suite `itertrace export
 * kunit` wrote for a Debian kernel source (linux-source-6.1, linux-source-6.12), the KTAP that
 * the UML kernel built from it printed, and run.json (exact kernel version, the export's
 * arguments). No kernel is built here. For each recording:
 *   (a) the current model must export exactly the recorded suite: a model change that alters
 *       any expectation fails until fixtures/kunit/run.sh ERA re-records it on the kernel;
 *   (b) every case of the suite ran on that kernel and passed;
 *   (c) run.json's counts (cases, of them from traces and random, ops not run) are the
 *       export's, so the numbers quoted from a recording are the ones the model gives.
 */
import assert from "node:assert/strict";
import { runCli } from "../src/cli/mod.ts";
import { fakeIo } from "./_io.ts";

interface RunJson {
  era: string;
  kernel_release: string;
  debian_package: string;
  export: { kernel: string; paths: string[]; random: number; seed: number };
  cases: number;
  trace_cases: number;
  random_cases: number;
  ops_not_run: number;
}

const root = "fixtures/kunit";
const eras: string[] = [];
for await (const e of Deno.readDir(root)) {
  // a recording is complete once run.sh has written run.json
  if (e.isDirectory && (await Deno.stat(`${root}/${e.name}/run.json`).catch(() => null))) {
    eras.push(e.name);
  }
}
eras.sort();

/**
 * Disagreements the real kernel found that the model does not yet explain, by era and case,
 * each with what the kernel said. They are the model's open bugs (the kernel wins); the test
 * requires the failures to be exactly these plus the FIXED ones.
 */
const OPEN: Record<string, Record<string, string>> = {
  "6.1": {},
  "6.12": {},
};

/**
 * Recorded failures the model has since been fixed to explain, by era and case, with the fix.
 * Only these cases may export differently from the recording, and only so that every
 * expectation the kernel failed now expects what the kernel printed; re-recording
 * (fixtures/kunit/run.sh ERA) runs the rest of their new code and empties this list.
 */
const FIXED: Record<string, Record<string, string>> = {
  "6.1": {},
  "6.12": {},
};

/** KUnit case results of the itertrace suite in a KTAP log: name → passed. */
export function ktapResults(ktap: string): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const line of ktap.split("\n")) {
    const m = /^\s+(not ok|ok) \d+ (itk_\w+)(\s|$)/.exec(line);
    if (m) out.set(m[2], m[1] === "ok");
  }
  return out;
}

/** One failed KUnit expectation: where, the expression and the value the kernel gave it. */
export interface KtapFailure {
  readonly test: string;
  readonly line: number;
  readonly expr: string;
  readonly value: bigint;
  /** The expectation's message (the prelude's helpers name the step and page there). */
  readonly msg: string;
}

/** The failed expectations in a KTAP log. */
export function ktapFailures(ktap: string): KtapFailure[] {
  const out: KtapFailure[] = [];
  const re =
    /^\s+# (itk_\w+): EXPECTATION FAILED at \S+:(\d+)\n\s+Expected (.+) == .+, but\n\s+\3 == (-?\d+) .*\n.*\n(.*)$/gm;
  for (const m of ktap.matchAll(re)) {
    out.push({ test: m[1], line: +m[2], expr: m[3], value: BigInt(m[4]), msg: m[5].trim() });
  }
  return out;
}

/** The value of a C literal the exporter writes: true, false, (type)0x1fU, -3. */
function literal(c: string): bigint | undefined {
  const t = c.trim().replace(/^\([\w ]+\)/, "").replace(/U$/, "");
  if (t === "true") return 1n;
  if (t === "false") return 0n;
  if (!/^-?(0x[0-9a-f]+|\d+)$/.test(t)) return undefined;
  return t.startsWith("-") ? -BigInt(t.slice(1)) : BigInt(t);
}

/** Whether a case's code now expects what the kernel printed for one failed expectation. */
function predicts(code: string[], recorded: string[], f: KtapFailure): boolean {
  // a failure inside itk_expect_folio: "#STEP: refcount of folio of R[I]"
  const folio = /^#(\d+): (refcount|folio_maybe_dma_pinned) of (?:folio of )?(\d+)\[(\d+)\]$/
    .exec(f.msg);
  if (folio) {
    const [, step, what, r, i] = folio;
    return code.some((l) => {
      const m = /^\titk_expect_folio\(c, (\d+), (\w+), (-?\d+), (true|false), (\d+)\);$/.exec(l);
      if (!m || m[1] !== r || literal(m[2]) !== BigInt(i) || m[5] !== step) return false;
      return literal(what === "refcount" ? m[3] : m[4]) === f.value;
    });
  }
  // a failure at a line of the case: the line as recorded, with the kernel's value expected
  const line = recorded[f.line - 1] ?? "";
  const at = line.indexOf(`(test, ${f.expr}, `);
  if (at < 0) return false;
  const head = line.slice(0, at + `(test, ${f.expr}, `.length);
  return code.some((l) => {
    if (!l.startsWith(head)) return false;
    const rest = l.slice(head.length);
    return literal(rest.slice(0, rest.indexOf(","))) === f.value;
  });
}

/** A suite's code without comments (which document and do not run), split into its cases. */
function caseCode(suite: string): { rest: string; cases: Map<string, string[]> } {
  const rest: string[] = [], cases = new Map<string, string[]>();
  let cur: string[] | undefined;
  for (const l of suite.split("\n")) {
    if (/^\s*(\/\*|\*)/.test(l)) continue;
    const m = /^static void (itk_\w+)\(struct kunit \*test\)$/.exec(l);
    if (m) cases.set(m[1], cur = []);
    (cur ?? rest).push(l);
    if (cur && l === "}") cur = undefined;
  }
  return { rest: rest.join("\n"), cases };
}

Deno.test("a real-kernel recording exists", () => {
  assert.ok(eras.length > 0, "no fixtures/kunit/ERA/run.json");
});

for (const era of eras) {
  const dir = `${root}/${era}`;
  const run: RunJson = JSON.parse(await Deno.readTextFile(`${dir}/run.json`));
  const suite = await Deno.readTextFile(`${dir}/itertrace_kunit.c`);
  const ktap = await Deno.readTextFile(`${dir}/ktap.txt`);
  const failures = ktapFailures(ktap);

  Deno.test(`kunit ${era}: the recorded kernel is a ${era}.x release`, () => {
    assert.equal(run.era, era);
    assert.match(run.kernel_release, new RegExp(`^${era.replace(".", "\\.")}\\.\\d+`));
  });

  Deno.test(`kunit ${era}: the current model exports the recorded suite`, async () => {
    const io = fakeIo();
    const code = await runCli([
      "export",
      "kunit",
      "--kernel",
      run.export.kernel,
      ...run.export.paths,
      "--random",
      String(run.export.random),
      "--seed",
      String(run.export.seed),
      "-o",
      "virtual-suite.c",
    ], io);
    assert.equal(code, 0, io.err);
    const m = /: (\d+) test cases \((\d+) of \d+ traces, (\d+) random shapes .*; (\d+) ops not run/
      .exec(io.err);
    assert.ok(m, io.err);
    assert.deepEqual(
      { cases: run.cases, trace_cases: run.trace_cases, random_cases: run.random_cases },
      { cases: +m[1], trace_cases: +m[2], random_cases: +m[3] },
      "run.json's case counts are the export's",
    );
    assert.equal(run.ops_not_run, +m[4], "run.json's ops_not_run is the export's");
    assert.equal(run.cases, run.trace_cases + run.random_cases);
    // the code the kernel ran must be the code the model exports now, but for the cases whose
    // failures the model has been fixed to explain
    const was = caseCode(suite), now = caseCode(await io.readTextFile("virtual-suite.c"));
    const lines = suite.split("\n");
    const rerecord = `re-record with fixtures/kunit/run.sh ${era}`;
    assert.equal(now.rest, was.rest, `the suite's prelude or case list changed; ${rerecord}`);
    assert.deepEqual(
      [...now.cases.keys()],
      [...was.cases.keys()],
      `the cases changed; ${rerecord}`,
    );
    for (const [name, code] of now.cases) {
      const old = was.cases.get(name)!;
      if (code.join("\n") === old.join("\n")) continue;
      if (!(name in (FIXED[era] ?? {}))) {
        let i = 0;
        while (i < old.length && old[i] === code[i]) i++;
        assert.fail(
          `the model now exports ${name} differently from the code run on ${run.kernel_release} ` +
            `(line ${i + 1} of the case: recorded ${JSON.stringify(old[i])}, now ${
              JSON.stringify(code[i])
            }); ${rerecord}`,
        );
      }
    }
    for (const name of Object.keys(FIXED[era] ?? {})) {
      const fs = failures.filter((f) => f.test === name);
      assert.ok(fs.length > 0, `${name} is listed as fixed but did not fail on the kernel`);
      for (const f of fs) {
        assert.ok(
          predicts(now.cases.get(name) ?? [], lines, f),
          `${name}: the model still does not expect ${f.expr} == ${f.value} (${f.msg})`,
        );
      }
    }
  });

  Deno.test(`kunit ${era}: every recorded case passed on ${run.kernel_release}`, () => {
    const open = new Set([...Object.keys(OPEN[era] ?? {}), ...Object.keys(FIXED[era] ?? {})]);
    const cases = [...suite.matchAll(/^\tKUNIT_CASE\((itk_\w+)\),$/gm)].map((m) => m[1]);
    assert.ok(cases.length > 0, "the suite has cases");
    const got = ktapResults(ktap);
    const missing = cases.filter((c) => !got.has(c));
    assert.deepEqual(missing, [], `cases with no KTAP result on ${run.kernel_release}`);
    const failed = cases.filter((c) => got.get(c) === false);
    // the open and fixed disagreements must be exactly the failures: re-recording after a fix
    // removes an entry, and any new failure fails here
    assert.deepEqual(failed, [...open].sort(), `cases that failed on ${run.kernel_release}`);
  });
}
