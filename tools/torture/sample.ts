/**
 * The whole corpus for a seed, and the CI-sized sample of it that `deno task test` runs
 * (tests/robustness_torture_test.ts) and `deno task torture --sample` replays: a few cases of
 * every stratum (each trace format, number/name/era substitutions, strict JSON, encodings,
 * every command against file-system situations, -o collisions, each importer, argv, limits,
 * fixtures/bad, mutations of bundled traces and of each importer's captures), chosen by the
 * seed. The sample is a subset of `deno task torture --seed S` with the default mutation
 * counts, so any case it fails is replayed by `deno task torture --seed S --only 'ID'`.
 *
 * @module
 */
import type { TortureCase } from "./case.ts";
import { badCorpusCases } from "./bad.ts";
import { handCases } from "./hand.ts";
import { mutationCases, rng } from "./mutate.ts";

/** Mutations per bundled trace and per capture when not given (`--mutations`, `--capture-mutations`). */
export const DEFAULT_PER_TRACE = 1;
export const DEFAULT_PER_CAPTURE = 4;

/** Every case of the corpus for `seed`: hand-written, fixtures/bad, mutations. */
export function allCases(
  repo: string,
  seed: number,
  perTrace = DEFAULT_PER_TRACE,
  perCapture = DEFAULT_PER_CAPTURE,
): { hand: TortureCase[]; bad: TortureCase[]; mutations: TortureCase[] } {
  return {
    hand: handCases(),
    bad: badCorpusCases(repo),
    mutations: mutationCases(repo, seed, perTrace, perCapture),
  };
}

/** The stratum a case id belongs to: what input path and situation it exercises. */
export function stratum(id: string): string {
  const p = id.split("/");
  if (p[0] === "trace") return `trace${id.slice(id.lastIndexOf("."))}`;
  if (p[0] === "fs") return p[1] === "o" ? `fs/o/${p[2]}` : `fs/${p[1]}`;
  if (p[0] === "import") return `import/${["bt", "strace", "syz"].includes(p[1]) ? p[1] : "other"}`;
  if (p[0] === "mut") {
    if (p[1] === "traces") return "mut/traces";
    const name = id.slice(0, id.lastIndexOf("#"));
    return `mut/capture${
      name.endsWith(".bt.txt") ? ".bt" : name.endsWith(".syz") ? ".syz" : ".strace"
    }`;
  }
  return p[0];
}

/** Cases per stratum in the sample; strata not named take DEFAULT_QUOTA. */
const QUOTA: Readonly<Record<string, number>> = {
  "trace.yaml": 5,
  "trace.json": 2,
  "trace.jsonl": 2,
  num: 5,
  name: 3,
  era: 2,
  json: 3,
  enc: 3,
  argv: 5,
  bad: 4,
  "import/bt": 2,
  "import/strace": 2,
  "import/syz": 2,
  "fs/o/report": 2,
  "fs/o/import-bt": 2,
  "fs/o/import-strace": 2,
  "fs/o/export": 2,
  "mut/traces": 10,
  "mut/capture.bt": 2,
  "mut/capture.strace": 2,
  "mut/capture.syz": 2,
};
const DEFAULT_QUOTA = 1;

/** FNV-1a of a string, to give each stratum its own stream of the seed. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * The CI-sized sample of `cases` for `seed`: QUOTA cases of every stratum, chosen by a
 * seeded shuffle of each stratum, in the order of `cases`. `keep` drops cases the machine
 * cannot run (chattr needs root) before choosing.
 */
export function sampleCases(
  cases: readonly TortureCase[],
  seed: number,
  keep: (c: TortureCase) => boolean = () => true,
): TortureCase[] {
  const by = new Map<string, TortureCase[]>();
  for (const c of cases) {
    if (!keep(c)) continue;
    const s = stratum(c.id);
    if (!by.has(s)) by.set(s, []);
    by.get(s)!.push(c);
  }
  const chosen = new Set<string>();
  for (const [s, cs] of by) {
    const r = rng((seed ^ hash(s)) >>> 0);
    const order = cs.map((c) => ({ c, k: r() })).sort((a, b) => a.k - b.k);
    for (const { c } of order.slice(0, QUOTA[s] ?? DEFAULT_QUOTA)) chosen.add(c.id);
  }
  return cases.filter((c) => chosen.has(c.id));
}

/** True when the case needs root (its setup makes a file immutable with chattr +i). */
export function needsRoot(c: TortureCase): boolean {
  return (c.setup ?? []).some((s) => "immutable" in s);
}

/**
 * True when this process runs as root, from `id -u` (Deno.uid() needs --allow-sys, and
 * Deno refuses /proc/self and /proc/PID without --allow-all; the corpus runs with --allow-run).
 */
export function isRoot(): boolean {
  try {
    const r = new Deno.Command("id", { args: ["-u"], stdout: "piped", stderr: "null" })
      .outputSync();
    return r.success && new TextDecoder().decode(r.stdout).trim() === "0";
  } catch {
    return false;
  }
}
