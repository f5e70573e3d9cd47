/**
 * The outside corpus runner (tools/torture, `deno task torture`): its judgement of error
 * lines and its mutations, which must be the same for the same seed so that a failure can be
 * replayed.
 */
import assert from "node:assert/strict";
import { positionProblems } from "../tools/torture/run.ts";
import { mutate, mutationCases } from "../tools/torture/mutate.ts";
import { handCases } from "../tools/torture/hand.ts";

Deno.test("positionProblems() accepts file:line:column lines and file-level encoding messages", () => {
  assert.deepEqual(
    positionProblems("auto", "t.yaml", 2, "t.yaml:3:9: bad\nt.yaml:4:1: worse\n"),
    [],
  );
  assert.deepEqual(
    positionProblems("auto", "t.yaml", 2, "t.yaml: is gzip-compressed; decompress it first\n"),
    [],
  );
  assert.equal(positionProblems("auto", "t.yaml", 2, "t.yaml: ops[1]: unknown op\n").length, 1);
  assert.equal(positionProblems("auto", "t.yaml", 2, "error: something broke\n").length, 1);
  // exit 0 and 1 are not judged; "required" wants exit 2 with a position
  assert.deepEqual(positionProblems("auto", "t.yaml", 1, "anything\n"), []);
  assert.equal(positionProblems("required", "t.yaml", 0, "").length, 1);
  assert.equal(positionProblems("required", "t.yaml", 2, "t.yaml: cannot read: x\n").length, 1);
  assert.deepEqual(positionProblems("none", "t.yaml", 2, "whatever\n"), []);
});

Deno.test("mutate() is a function of its seed", () => {
  const text = "itertrace: 1\nname: t\nops:\n  - { op: iov_iter_discard, iter: a, count: 4096 }\n";
  for (const seed of [1, 2, 99, 123456]) assert.deepEqual(mutate(text, seed), mutate(text, seed));
  const distinct = new Set(Array.from({ length: 40 }, (_, s) => mutate(text, s).text));
  assert.ok(distinct.size > 20, `only ${distinct.size} distinct mutants of 40`);
});

Deno.test("the corpus: several hundred hand-written cases with unique ids, every bundled trace mutated", () => {
  const hand = handCases();
  assert.ok(hand.length >= 300, `${hand.length} hand-written cases`);
  assert.equal(new Set(hand.map((c) => c.id)).size, hand.length);
  const groups = new Set(hand.map((c) => c.id.split("/")[0]));
  for (const g of ["trace", "num", "name", "era", "json", "enc", "fs", "import", "argv", "env"]) {
    assert.ok(groups.has(g), `no ${g} cases`);
  }
  const muts = mutationCases(new URL("..", import.meta.url).pathname.replace(/\/$/, ""), 1, 1, 1);
  assert.ok(muts.some((c) => c.id.startsWith("mut/traces/")));
  assert.ok(muts.some((c) => c.id.startsWith("mut/fixtures/captures/")));
  assert.deepEqual(
    muts.map((c) => c.id),
    mutationCases(new URL("..", import.meta.url).pathname.replace(/\/$/, ""), 1, 1, 1).map((c) =>
      c.id
    ),
  );
});
