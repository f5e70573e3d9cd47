/**
 * The op declarations (src/trace/ops) are complete: every field is described, every variable
 * a declaration names is one of its arguments, and what refs.ts and the era gate derive from
 * them matches the ops' arguments.
 */
import assert from "node:assert/strict";
import type { z } from "zod";
import { DECLARED_OPS, memFields, opDecl, varUses } from "../src/trace/ops/mod.ts";
import { FEATURES } from "../src/profile.ts";
import { fieldDoc } from "../src/trace/args.ts";
import { OP_NAMES } from "../src/trace/schema.ts";

type Def = { type: string; innerType?: z.ZodType; element?: z.ZodType; shape?: object };
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

function undescribed(s: z.ZodType, path: string, out: string[]): void {
  if (!fieldDoc(s)) out.push(path);
  let cur = s;
  while (defOf(cur).innerType) cur = defOf(cur).innerType!;
  const d = defOf(cur);
  if (d.type === "array" && d.element) {
    const e = d.element;
    if (defOf(e).type === "object") undescribed(e, `${path}[]`, out);
  }
  if (d.type === "object" && d.shape) {
    for (const [k, f] of Object.entries(d.shape)) undescribed(f as z.ZodType, `${path}.${k}`, out);
  }
}

Deno.test("every op argument has a one-line description", () => {
  const missing: string[] = [];
  for (const name of DECLARED_OPS) {
    for (const [k, f] of Object.entries(opDecl(name)!.args)) {
      undescribed(f as z.ZodType, `${name}.${k}`, missing);
    }
  }
  // array elements that are objects are described by their fields
  assert.deepEqual(missing.filter((p) => !p.endsWith("[]")), []);
});

Deno.test("declared variables are arguments; era rows and kernel functions are named", () => {
  for (const name of DECLARED_OPS) {
    const d = opDecl(name)!;
    for (const u of varUses(name)) assert.ok(u.key in d.args, `${name}: ${u.key}`);
    if (d.era) assert.ok(d.era in FEATURES, `${name}: era ${d.era}`);
    if (d.follows) {
      assert.match(
        d.follows.file,
        /^(lib|mm|fs|block|include|drivers|kernel|io_uring|crypto)\/[\w/-]+\.[ch]$/,
      );
      // kernel function names are C identifiers, some with capitals (bch2_direct_IO_read)
      assert.match(d.follows.fn, /^[A-Za-z_][A-Za-z0-9_]*$/);
    }
    assert.ok(d.summary.length > 10 && !d.summary.includes("\n"), name);
    for (const f of memFields(name)) {
      if (f.ref.kind === "addr" && f.ref.len) assert.ok(f.ref.len in d.args, `${name}: len`);
    }
  }
  assert.deepEqual(OP_NAMES, ["expect", ...DECLARED_OPS]);
});

Deno.test("memory references are found inside arrays of segments", () => {
  assert.deepEqual(memFields("iov_iter_init").map((f) => f.path.join(".")), ["iov.*.base"]);
  assert.deepEqual(memFields("iov_iter_bvec").map((f) => [f.path.join("."), f.ref.kind]), [
    ["bvec.*.page", "page"],
  ]);
  assert.deepEqual(memFields("copy_from_iter").map((f) => f.ref), [{ kind: "addr", len: "bytes" }]);
  assert.deepEqual(memFields("iov_iter_folio_queue").map((f) => f.ref.kind), ["mem"]);
  assert.deepEqual(varUses("sg_alloc_append_table_from_pages").map((u) => `${u.use} ${u.key}`), [
    "reads pages",
    "opens sgt",
  ]);
});

Deno.test("every declared op appears in at least one bundled trace", async () => {
  const { parse } = await import("yaml");
  const { collectTraces } = await import("../src/cli/check.ts");
  const { fakeIo } = await import("./_io.ts");
  const used = new Set<string>();
  for (const f of await collectTraces(fakeIo(), ["traces"])) {
    const text = await Deno.readTextFile(f);
    const docs = f.endsWith(".jsonl")
      ? text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l))
      : ((parse(text) as { ops?: unknown[] }).ops ?? []);
    for (const o of docs) {
      const name = (o as { op?: unknown } | null)?.op;
      if (typeof name === "string") used.add(name);
    }
  }
  assert.deepEqual(DECLARED_OPS.filter((n) => !used.has(n)), []);
});
