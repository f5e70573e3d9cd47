/**
 * The outside robustness corpus (tools/torture), CI-sized: a seeded sample of every stratum
 * of `deno task torture` (each trace format; numbers, names and eras; strict JSON; encodings;
 * every command against directories, FIFOs, devices, symlinks and -o collisions; each
 * importer's line formats; argv; ITERTRACE_LIMITS; fixtures/bad; mutations of the bundled
 * traces and of each importer's captures), each run from outside in a child process and
 * judged as the full corpus judges it: no crash (an exit outside 0/1/2, a stack trace, an
 * internal error), no hang (20 s of CPU), no run above 1 GiB peak RSS, every exit-2 line about
 * a positioned input positioned, no input changed or removed, importer output that validates.
 *
 * The seed is printed; ITERTRACE_TORTURE_SEED=S picks another. A failure is replayed with
 * `deno task torture --sample --seed S` (the same sample) or `--seed S --only 'ID'` (one case).
 */
import assert from "node:assert/strict";
import { failureLines, runPool } from "../tools/torture/run.ts";
import { allCases, isRoot, needsRoot, sampleCases, stratum } from "../tools/torture/sample.ts";

const REPO = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const SEED = Number(Deno.env.get("ITERTRACE_TORTURE_SEED") || "16");

Deno.test(`torture sample (seed ${SEED}): no crash, hang, run above 1 GiB, unpositioned error or data loss`, async () => {
  assert.ok(Number.isSafeInteger(SEED), "ITERTRACE_TORTURE_SEED must be an integer");
  const { hand, bad, mutations } = allCases(REPO, SEED);
  const all = [...hand, ...bad, ...mutations];
  const root = isRoot();
  const runnable = all.filter((c) => root || !needsRoot(c));
  const cases = sampleCases(all, SEED, (c) => root || !needsRoot(c));
  // every stratum of the corpus is in the sample
  assert.deepEqual(
    [...new Set(cases.map((c) => stratum(c.id)))].sort(),
    [...new Set(runnable.map((c) => stratum(c.id)))].sort(),
  );
  console.log(
    `torture sample: ${cases.length} of ${all.length} cases, seed ${SEED}${
      root ? "" : ` (not root: ${all.length - runnable.length} chattr cases left out)`
    }; replay with: deno task torture --sample --seed ${SEED}`,
  );
  const scratch = await Deno.makeTempDir({ prefix: "itertrace-torture-ci-" });
  const t0 = performance.now();
  const outcomes = await runPool(cases, REPO, scratch, { jobs: 2, keep: false });
  const failed = outcomes.filter((o) => o.verdicts.length);
  const slowest = [...outcomes].sort((a, b) => b.ms - a.ms).slice(0, 3);
  const biggest = [...outcomes].sort((a, b) => b.rssKiB - a.rssKiB)[0];
  console.log(
    `torture sample: ${outcomes.length} runs in ${
      ((performance.now() - t0) / 1000).toFixed(0)
    } s, ${failed.length} failed; slowest ${
      slowest.map((o) => `${o.id} ${(o.ms / 1000).toFixed(1)} s`).join(", ")
    }; largest ${biggest.id} ${(biggest.rssKiB / 1024).toFixed(0)} MiB`,
  );
  if (!failed.length) await Deno.remove(scratch, { recursive: true }).catch(() => {});
  assert.equal(
    failed.length,
    0,
    `${
      failed.flatMap(failureLines).join("\n")
    }\nreplay one: deno task torture --seed ${SEED} --only '^ID$'`,
  );
});
