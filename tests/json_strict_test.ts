/** checkStrictJson agrees with JSON.parse on what is JSON, and says where it stops. */
import assert from "node:assert/strict";
import fc from "fast-check";
import { checkStrictJson } from "../src/trace/json_strict.ts";

function parses(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

Deno.test("checkStrictJson() accepts exactly what JSON.parse accepts", () => {
  fc.assert(fc.property(fc.json(), (j) => checkStrictJson(j) === undefined));
  fc.assert(fc.property(fc.string(), (s) => parses(s) === (checkStrictJson(s) === undefined)), {
    numRuns: 3000,
  });
  const mutated = fc.json().chain((j) =>
    fc.tuple(
      fc.constant(j),
      fc.nat(j.length),
      fc.constantFrom(",", "}", "]", "x", "'", " ", '"', "\\", "/", "0", "-"),
    )
  );
  fc.assert(
    fc.property(mutated, ([j, k, c]) => {
      const s = j.slice(0, k) + c + j.slice(k);
      return parses(s) === (checkStrictJson(s) === undefined);
    }),
    { numRuns: 3000 },
  );
});

Deno.test("checkStrictJson() positions YAML-isms and survives deep nesting", () => {
  assert.deepEqual(checkStrictJson('{"a":1,}'), {
    offset: 7,
    message: 'expected a key (no trailing commas), found "}"',
  });
  assert.equal(checkStrictJson("{'a':1}")?.offset, 1);
  assert.match(checkStrictJson('{"a":1 // c\n}')!.message, /a comment/);
  assert.match(checkStrictJson('{"a": .nan}')!.message, /expected a value, found "."/);
  const deep = "[".repeat(200000) + "]".repeat(200000);
  assert.equal(checkStrictJson(deep), undefined);
  assert.equal(checkStrictJson(deep.slice(0, -1))?.offset, 399999);
});
