/** Golden ranges: the last group of a trace's eras ends where its `eras:` ends. */
import assert from "node:assert/strict";
import { rangeName, specEnd } from "../src/check/eras.ts";
import { LATEST } from "../src/profile.ts";

Deno.test("specEnd: the end of the declared eras, latest when they run to it", () => {
  // a group of eras from `from` to `last`, the last group of the trace
  const name = (
    spec: string | string[] | undefined,
    from: [number, number],
    last: [number, number] = from,
  ) => rangeName({ from, to: specEnd(spec, last) });
  assert.equal(name(">=6.3 <7.0", [6, 18]), "6.18-6.19");
  assert.equal(name(">=6.3 <7.1", [6, 12]), "6.12-7.0");
  assert.equal(name("<=6.12.87", [6, 12]), "6.12-6.12.87");
  assert.equal(name(["6.12", "7.0"], [6, 12], [7, 0]), "6.12-7.0");
  assert.equal(name(">=6.3", [6, 12]), "6.12-latest");
  assert.equal(name(undefined, [6, 12]), "6.12-latest");
  assert.deepEqual(specEnd(">=7.1 || >=6.12.88 <6.13", [7, 1]), LATEST);
});
