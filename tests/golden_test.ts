/**
 * Every bundled trace under traces/ passes `itertrace check`, run in-process.
 */
import assert from "node:assert/strict";
import { runCli } from "../src/cli/mod.ts";
import { collectTraces } from "../src/cli/check.ts";
import { fakeIo } from "./_io.ts";

const files = await collectTraces(fakeIo(), ["traces"]);

Deno.test("traces/ holds bundled traces", () => {
  assert.ok(files.length > 0);
});

for (const file of files) {
  Deno.test(`itertrace check ${file} passes`, async () => {
    const io = fakeIo();
    const code = await runCli(["check", "--format", "json", file], io);
    const doc = JSON.parse(io.out);
    assert.deepEqual(doc.traces[0].failures, [], JSON.stringify(doc.traces[0], null, 2));
    assert.equal(doc.traces[0].status, "pass", doc.traces[0].error);
    assert.equal(code, 0);
  });
}
