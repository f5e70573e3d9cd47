/** Golden ranges: the last group of a trace's eras ends where its `eras:` ends. */
import assert from "node:assert/strict";
import {
  condReleases,
  lastBefore,
  nextRelease,
  parseRange,
  prevRelease,
  rangeName,
  specEnd,
} from "../src/check/eras.ts";
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

Deno.test("release candidates in golden ranges: 7.3-rc1-7.3-rc2, 7.3-rc3-latest", () => {
  const rc = (n: number): [number, number, number] => [7, 3, n - 100];
  assert.equal(rangeName({ from: rc(1), to: lastBefore(rc(3)) }), "7.3-rc1-7.3-rc2");
  assert.equal(rangeName({ from: rc(3), to: LATEST }), "7.3-rc3-latest");
  assert.equal(rangeName({ from: [7, 2, 7], to: lastBefore(rc(1)) }), "7.2.7-7.2.y");
  assert.deepEqual(lastBefore([7, 3]), rc(7));
  assert.deepEqual(lastBefore([7, 4]), [7, 3, 99999]);
  for (const r of ["7.3-rc1-7.3-rc2", "7.3-rc3-latest", "7.2.7-7.2.y", "7.3-rc3", "6.3-6.11"]) {
    const p = parseRange(r)!;
    assert.ok(p, r);
    assert.equal(rangeName(p), r);
  }
  assert.equal(parseRange("7.3-rc2-7.3-rc1"), undefined);
  assert.deepEqual(nextRelease([7, 2]), rc(1));
  assert.deepEqual(nextRelease(rc(7)), [7, 3]);
  assert.deepEqual(prevRelease(rc(1)), [7, 2]);
  assert.deepEqual(prevRelease([7, 3]), rc(7));
  assert.deepEqual(condReleases(">7.3-rc2"), [rc(3)]);
});
