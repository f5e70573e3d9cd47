/**
 * Real kernels as the judge: fixtures/kunit/ERA/ holds the KUnit suite `itertrace export
 * kunit` wrote for a Debian kernel source (linux-source-6.1, linux-source-6.12), the KTAP that
 * the UML kernel built from it printed, and run.json (exact kernel version, the export's
 * arguments). No kernel is built here. For each recording:
 *   (a) the current model must export exactly the recorded suite: a model change that alters
 *       any expectation fails until fixtures/kunit/run.sh ERA re-records it on the kernel;
 *   (b) every case of the suite ran on that kernel and passed.
 */
import assert from "node:assert/strict";
import { runCli } from "../src/cli/mod.ts";
import { fakeIo } from "./_io.ts";

interface RunJson {
  era: string;
  kernel_release: string;
  debian_package: string;
  export: { kernel: string; paths: string[]; random: number; seed: number };
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
 * requires the failures to be exactly these.
 */
const OPEN: Record<string, Record<string, string>> = {
  "6.12": {
    itk_218_random_1_40:
      "IOVEC extract_iter_to_sg: sg_is_last false on the table's last slot: extract_user_to_sg parks its page array in the sg array's tail, which overwrites sg_init_table's end mark (the model keeps it)",
    itk_407_random_1_229: "the same lost end mark after a user extraction into the tail",
    itk_442_random_1_264: "the same lost end mark after a user extraction into the tail",
    itk_224_random_1_46:
      "BVEC iov_iter_get_pages2 over split page_alloc pages: after the refs are put, one page keeps a reference the model does not count (#4); not yet explained",
    itk_328_random_1_150:
      "the same uncounted page reference after BVEC get_pages2 and put_page (#5)",
  },
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

Deno.test("a real-kernel recording exists", () => {
  assert.ok(eras.length > 0, "no fixtures/kunit/ERA/run.json");
});

for (const era of eras) {
  const dir = `${root}/${era}`;
  const run: RunJson = JSON.parse(await Deno.readTextFile(`${dir}/run.json`));
  const suite = await Deno.readTextFile(`${dir}/itertrace_kunit.c`);
  const ktap = await Deno.readTextFile(`${dir}/ktap.txt`);

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
      "/virtual/suite.c",
    ], io);
    assert.equal(code, 0, io.err);
    // the code the kernel ran must be the code the model exports now; comment lines (which ops
    // a case did not run and why, the op indices in them) document and do not run
    const runs = (t: string) => t.split("\n").filter((l) => !/^\s*(\/\*|\*)/.test(l)).join("\n");
    const now = runs(await io.readTextFile("/virtual/suite.c"));
    if (now !== runs(suite)) {
      const a = runs(suite).split("\n"), b = now.split("\n");
      let i = 0;
      while (i < a.length && a[i] === b[i]) i++;
      assert.fail(
        `the model now exports a different suite for ${era} than the one run on ${run.kernel_release} ` +
          `(first difference at line ${i + 1}: recorded ${JSON.stringify(a[i])}, now ${
            JSON.stringify(b[i])
          }); re-record with fixtures/kunit/run.sh ${era}`,
      );
    }
  });

  Deno.test(`kunit ${era}: every recorded case passed on ${run.kernel_release}`, () => {
    const open = new Set(Object.keys(OPEN[era] ?? {}));
    const cases = [...suite.matchAll(/^\tKUNIT_CASE\((itk_\w+)\),$/gm)].map((m) => m[1]);
    assert.ok(cases.length > 0, "the suite has cases");
    const got = ktapResults(ktap);
    const missing = cases.filter((c) => !got.has(c));
    assert.deepEqual(missing, [], `cases with no KTAP result on ${run.kernel_release}`);
    const failed = cases.filter((c) => got.get(c) === false);
    // the open disagreements must be exactly the failures: fixing the model (and re-recording)
    // removes an entry, and any new failure fails here
    assert.deepEqual(failed, [...open].sort(), `cases that failed on ${run.kernel_release}`);
  });
}
