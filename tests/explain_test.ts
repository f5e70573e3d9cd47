/**
 * Every warning code has a minimal trace in traces/explain/<code>.yaml that raises it (CI
 * runs them through check with the other bundled traces), and `explain CODE` prints it.
 */
import assert from "node:assert/strict";
import { parse } from "yaml";
import { WARNINGS } from "../src/check/warnings.ts";
import { runCli } from "../src/cli/mod.ts";
import { fakeIo } from "./_io.ts";

for (const code of Object.keys(WARNINGS)) {
  Deno.test(`explain ${code}: a bundled minimal trace raises it`, async () => {
    const path = `traces/explain/${code}.yaml`;
    const doc = parse(await Deno.readTextFile(path));
    const codes = (doc.expect?.warnings ?? []).map((w: string | { code: string }) =>
      typeof w === "string" ? w : w.code
    );
    assert.ok(codes.includes(code), `${path} must expect ${code}`);
    const io = fakeIo();
    assert.equal(await runCli(["check", "-f", "json", path], io), 0, io.out);
    const io2 = fakeIo();
    assert.equal(await runCli(["explain", code], io2), 0);
    assert.match(io2.out, new RegExp(`^${code} \\((bug|warn|hazard)\\): `));
    assert.ok(io2.out.includes(`name: explain-${code}`), "prints the minimal trace");
  });
}
