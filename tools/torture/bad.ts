/**
 * fixtures/bad/* as torture cases: each file through `replay -q` (which validates first),
 * copied as bytes (some are binary).
 *
 * @module
 */
import type { TortureCase } from "./case.ts";

/** One case per file of `repo`/fixtures/bad, in name order. */
export function badCorpusCases(repo: string): TortureCase[] {
  const out: TortureCase[] = [];
  const names = [...Deno.readDirSync(`${repo}/fixtures/bad`)]
    .filter((e) => e.isFile && e.name !== "expected.json" && e.name !== "README.md")
    .map((e) => e.name)
    .sort();
  for (const name of names) {
    out.push({
      id: `bad/${name}/replay`,
      files: {},
      setup: [{ bytes: name, data: Deno.readFileSync(`${repo}/fixtures/bad/${name}`) }],
      argv: ["replay", "-q", name],
      input: name,
      pos: "auto",
    });
  }
  return out;
}
