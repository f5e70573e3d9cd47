/**
 * Every hand-made bad input in fixtures/bad/ gives exactly its recorded message and exit
 * code (fixtures/bad/expected.json; `deno run -A tests/_bad_corpus.ts --update` rewrites it
 * for review). Every message line names the file, with line:column where the input has one.
 */
import assert from "node:assert/strict";
import { type BadCase, corpusFiles, current, DIR, MANIFEST } from "./_bad_corpus.ts";

const manifest: Record<string, BadCase> = JSON.parse(await Deno.readTextFile(MANIFEST));

Deno.test("fixtures/bad: every input has an expected message and every expectation an input", () => {
  assert.deepEqual(corpusFiles(), Object.keys(manifest).sort());
  assert.ok(corpusFiles().length >= 50, "the corpus holds at least 50 inputs");
});

for (const [name, want] of Object.entries(manifest)) {
  Deno.test(`fixtures/bad/${name}: ${want.cmd} exits ${want.exit} with its message`, async () => {
    const got = await current(name);
    assert.equal(got.cmd, want.cmd);
    assert.equal(got.exit, want.exit);
    assert.equal(got.stderr, want.stderr);
    assert.doesNotMatch(got.stderr, /internal error|\n\s+at /);
    for (const line of got.stderr.trimEnd().split("\n")) {
      const positioned = line.startsWith(`${DIR}/${name}:`) && /^[^:]+:\d+:\d+: /.test(line);
      const fileLevel = line.startsWith(`error: ${DIR}/${name}: `) ||
        line.startsWith(`${DIR}/${name}: `);
      assert.ok(positioned || fileLevel, `not positioned or named: ${line}`);
    }
  });
}
