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
import { handCases } from "./hand.ts";
import { mutationCases } from "./mutate.ts";
import { type Outcome, runCase, type Verdict } from "./run.ts";

/** The checkout whose main.ts, traces and captures are used (`--repo DIR`, else this one). */
const REPO = option("--repo", "") ||
  new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

function option(name: string, fallback: string): string {
  const i = Deno.args.indexOf(name);
  return i >= 0 && i + 1 < Deno.args.length ? Deno.args[i + 1] : fallback;
}

/** fixtures/bad/*: each file through replay (which validates first). */
function badCorpusCases(): TortureCase[] {
  const out: TortureCase[] = [];
  for (
    const e of [...Deno.readDirSync(`${REPO}/fixtures/bad`)].sort((a, b) =>
      a.name < b.name ? -1 : 1
    )
  ) {
    if (!e.isFile || e.name === "expected.json" || e.name === "README.md") continue;
    const text = Deno.readTextFileSync(`${REPO}/fixtures/bad/${e.name}`);
    for (const cmd of [["replay", "-q"]]) {
      out.push({
        id: `bad/${e.name}/${cmd[0]}`,
        files: {},
        setup: [{ bytes: e.name, data: new TextEncoder().encode(text) }],
        argv: [...cmd, e.name],
        input: e.name,
        pos: "auto",
      });
    }
  }
  // binary fixtures are copied as bytes, not text
  return out.map((c) => {
    const name = c.input!;
    const data = Deno.readFileSync(`${REPO}/fixtures/bad/${name}`);
    return { ...c, setup: [{ bytes: name, data }] };
  });
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
  const perTrace = Number(option("--mutations", "1"));
  const perCapture = Number(option("--capture-mutations", "4"));
  const only = option("--only", "");
  const keep = Deno.args.includes("--keep");
  const json = option("--json", "");
  const root = option("--root", "") || await Deno.makeTempDir({ prefix: "itertrace-torture-" });
  await Deno.mkdir(root, { recursive: true });

  const hand = handCases();
  const bad = badCorpusCases();
  const mutations = mutationCases(REPO, seed, perTrace, perCapture);
  const ids = new Set<string>();
  const all = [...hand, ...bad, ...mutations].filter((c) => {
    if (ids.has(c.id)) throw new Error(`duplicate case id ${c.id}`);
    ids.add(c.id);
    return !only || new RegExp(only).test(c.id);
  });
  console.log(
    `torture: ${all.length} runs (${hand.length} hand-written, ${bad.length} fixtures/bad, ${mutations.length} mutations, seed ${seed}), ${jobs} at a time, scratch ${root}`,
  );

  const outcomes: Outcome[] = [];
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < all.length) {
      const c = all[next++];
      const o = await runCase(c, REPO, root, keep);
      outcomes.push(o);
      if (o.verdicts.length) {
        console.log(
          `FAIL ${o.id}  [${o.verdicts.join(", ")}]\n     itertrace ${
            o.argv.join(" ")
          }   (in ${o.dir})`,
        );
        for (const w of o.why) console.log(`     ${w}`);
      }
      if (outcomes.length % 100 === 0) {
        console.log(
          `  ${outcomes.length}/${all.length} in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));

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
