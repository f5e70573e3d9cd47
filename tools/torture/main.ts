/**
 * `deno task torture`: the outside robustness corpus (issue 16's criterion), run from outside
 * in child processes: hand-written bad inputs over every input path (tools/torture/hand.ts),
 * fixtures/bad/, and seeded mutations of every bundled trace and capture
 * (tools/torture/mutate.ts). Each run gets 20 s and its peak RSS measured; the tally counts
 * crashes, hangs, runs above 1 GiB, unpositioned errors, data loss, and importer output that
 * itertrace itself rejects. Exit 0 only when all are 0.
 *
 * Options: `--jobs N` (4), `--seed S` (1), `--mutations N` per trace (1), `--capture-mutations
 * N` per capture (4), `--only REGEXP` (of case ids), `--keep` (keep every case folder), `--json FILE`
 * (every outcome), `--root DIR` (scratch, default a fresh temp folder), `--repo DIR` (the
 * checkout to run, e.g. a snapshot taken with git archive, so that edits during a run do not
 * mix versions).
 *
 * @module
 */
import type { TortureCase } from "./case.ts";
import { failureLines, runPool, type Verdict } from "./run.ts";
import {
  allCases,
  DEFAULT_PER_CAPTURE,
  DEFAULT_PER_TRACE,
  isRoot,
  needsRoot,
  sampleCases,
} from "./sample.ts";

/** The checkout whose main.ts, traces and captures are used (`--repo DIR`, else this one). */
const REPO = option("--repo", "") ||
  new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

function option(name: string, fallback: string): string {
  const i = Deno.args.indexOf(name);
  return i >= 0 && i + 1 < Deno.args.length ? Deno.args[i + 1] : fallback;
}

const KINDS: readonly Verdict[] = [
  "crash",
  "hang",
  "memory",
  "unpositioned",
  "data_loss",
  "own_output_rejected",
];

async function main(): Promise<number> {
  const jobs = Number(option("--jobs", "4"));
  const seed = Number(option("--seed", "1"));
  const perTrace = Number(option("--mutations", String(DEFAULT_PER_TRACE)));
  const perCapture = Number(option("--capture-mutations", String(DEFAULT_PER_CAPTURE)));
  const sample = Deno.args.includes("--sample");
  const only = option("--only", "");
  const keep = Deno.args.includes("--keep");
  const json = option("--json", "");
  const root = option("--root", "") || await Deno.makeTempDir({ prefix: "itertrace-torture-" });
  await Deno.mkdir(root, { recursive: true });

  const { hand, bad, mutations } = allCases(REPO, seed, perTrace, perCapture);
  const ids = new Set<string>();
  for (const c of [...hand, ...bad, ...mutations]) {
    if (ids.has(c.id)) throw new Error(`duplicate case id ${c.id}`);
    ids.add(c.id);
  }
  // chattr +i (read-only even for root) needs root; elsewhere those cases are left out
  const asRoot = isRoot();
  const runnable = (c: TortureCase) => asRoot || !needsRoot(c);
  let all = [...hand, ...bad, ...mutations];
  const skipped = all.filter((c) => !runnable(c)).length;
  all = sample ? sampleCases(all, seed, runnable) : all.filter(runnable);
  if (only) all = all.filter((c) => new RegExp(only).test(c.id));
  console.log(
    `torture: ${all.length} runs (${
      sample ? "the CI sample of " : ""
    }${hand.length} hand-written, ${bad.length} fixtures/bad, ${mutations.length} mutations, seed ${seed}), ${jobs} at a time, scratch ${root}${
      skipped ? `; ${skipped} cases need root (chattr +i) and are left out` : ""
    }`,
  );

  const t0 = performance.now();
  const outcomes = await runPool(all, REPO, root, {
    jobs,
    keep,
    done(o, n) {
      if (o.verdicts.length) console.log(failureLines(o).join("\n"));
      if (n % 100 === 0) {
        console.log(`  ${n}/${all.length} in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      }
    },
  });

  const count = (v: Verdict) => outcomes.filter((o) => o.verdicts.includes(v)).length;
  const slowest = [...outcomes].sort((a, b) => b.ms - a.ms).slice(0, 5);
  const biggest = [...outcomes].sort((a, b) => b.rssKiB - a.rssKiB).slice(0, 5);
  const exits = new Map<number | undefined, number>();
  for (const o of outcomes) exits.set(o.exit, (exits.get(o.exit) ?? 0) + 1);
  console.log(
    `\nslowest: ${slowest.map((o) => `${o.id} ${(o.ms / 1000).toFixed(1)} s`).join("; ")}`,
  );
  console.log(
    `largest: ${biggest.map((o) => `${o.id} ${(o.rssKiB / 1024).toFixed(0)} MiB`).join("; ")}`,
  );
  console.log(`exit codes: ${[...exits].sort().map(([k, v]) => `${k}: ${v}`).join(", ")}`);
  console.log(
    `\n${outcomes.length} runs in ${((performance.now() - t0) / 1000).toFixed(0)} s: ${
      KINDS.map((k) => `${count(k)} ${k}`).join(", ")
    }`,
  );
  if (json) {
    await Deno.writeTextFile(json, JSON.stringify(outcomes, null, 1) + "\n");
  }
  if (!keep && !outcomes.some((o) => o.verdicts.length)) {
    await Deno.remove(root, { recursive: true }).catch(() => {});
  }
  return outcomes.some((o) => o.verdicts.length) ? 1 : 0;
}

Deno.exit(await main());
