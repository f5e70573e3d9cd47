/**
 * The corpus of hand-made bad inputs in fixtures/bad/: each file, the command that reads it
 * (validate, or replay when the trace only fails while replaying), and what it must print.
 * `deno run -A tests/_bad_corpus.ts --update` rewrites fixtures/bad/expected.json from the
 * current messages (review the diff like a golden).
 *
 * @module
 */
import { runCli } from "../src/cli/mod.ts";
import { denoIo } from "../src/cli/io.ts";

/** The manifest entry of one bad input. */
export interface BadCase {
  readonly cmd: "validate" | "replay";
  readonly exit: number;
  readonly stderr: string;
}

export const DIR = "fixtures/bad";
export const MANIFEST = `${DIR}/expected.json`;

/** Runs the CLI in-process over the real file system; returns the exit code and stderr. */
export async function runOn(cmd: "validate" | "replay", file: string) {
  let err = "", out = "";
  const io = {
    ...denoIo(),
    color: false,
    env: () => undefined,
    stdout: (t: string) => void (out += t),
    stderr: (t: string) => void (err += t),
  };
  const args = cmd === "replay" ? ["replay", "-q", file] : ["validate", file];
  const exit = await runCli(args, io);
  return { exit, stderr: err, stdout: out };
}

/** What each file gives now: validate, or replay -q when validate finds nothing. */
export async function current(name: string): Promise<BadCase> {
  const file = `${DIR}/${name}`;
  const v = await runOn("validate", file);
  if (v.exit !== 0) return { cmd: "validate", exit: v.exit, stderr: v.stderr };
  const r = await runOn("replay", file);
  return { cmd: "replay", exit: r.exit, stderr: r.stderr };
}

/** The corpus files, sorted. */
export function corpusFiles(): string[] {
  return [...Deno.readDirSync(DIR)].map((e) => e.name).filter((n) =>
    n !== "expected.json" && n !== "README.md"
  ).sort();
}

if (import.meta.main && Deno.args.includes("--update")) {
  const out: Record<string, BadCase> = {};
  for (const f of corpusFiles()) out[f] = await current(f);
  await Deno.writeTextFile(MANIFEST, JSON.stringify(out, null, 2) + "\n");
  console.log(`wrote ${MANIFEST}: ${Object.keys(out).length} inputs`);
}
