/**
 * src/ has no import cycles, type-only imports included, and no file in src/replay is long
 * enough to be doing two jobs.
 */
import assert from "node:assert/strict";
import { dirname, join, normalize, relative } from "node:path";

async function sources(dir: string, out: string[] = []): Promise<string[]> {
  for await (const e of Deno.readDir(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) await sources(p, out);
    else if (p.endsWith(".ts")) out.push(normalize(p));
  }
  return out;
}

/** Relative imports and re-exports of a file (static, dynamic, type-only). */
function importsOf(file: string, text: string): string[] {
  const out: string[] = [];
  // comments may show imports (module examples): they are not edges
  text = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const re = /(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)["'](\.{1,2}\/[^"']+)["']/gm;
  for (const m of text.matchAll(re)) out.push(normalize(join(dirname(file), m[1])));
  return out;
}

Deno.test("src/ has no import cycles (type-only imports count)", async () => {
  const files = await sources("src");
  const graph = new Map<string, string[]>();
  for (const f of files) graph.set(f, importsOf(f, await Deno.readTextFile(f)));
  const state = new Map<string, "open" | "done">();
  const cycles: string[] = [];
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, "open");
    stack.push(f);
    for (const d of graph.get(f) ?? []) {
      if (state.get(d) === "open") {
        cycles.push(
          [...stack.slice(stack.indexOf(d)), d].map((p) => relative("src", p)).join(
            " -> ",
          ),
        );
      } else if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(f, "done");
  };
  for (const f of files) if (!state.has(f)) visit(f);
  assert.deepEqual(cycles, []);
});

Deno.test("the cycle finder sees a cycle through a type-only import", () => {
  const a = importsOf("src/a.ts", 'import type { B } from "./b.ts";\nexport * from "./c.ts";');
  assert.deepEqual(a, ["src/b.ts", "src/c.ts"]);
});

Deno.test("no file in src/replay is over 350 lines", async () => {
  const long: string[] = [];
  for (const f of await sources("src/replay")) {
    const n = (await Deno.readTextFile(f)).split("\n").length - 1;
    if (n > 350) long.push(`${f}: ${n}`);
  }
  assert.deepEqual(long, []);
});
