/**
 * Runs the report's browser tests (tests/browser/report_in_chromium.ts) in a real headless
 * Chromium. playwright-core probes paths under /proc/sys that Deno opens only with every
 * permission, so they run in a child `deno test -A`; this test passes when they all pass and
 * shows their output. Where no Chromium is installed it says so and is skipped; nothing else is.
 */
import assert from "node:assert/strict";

const CHROMIUM = Deno.env.get("ITERTRACE_CHROMIUM") ?? "/usr/bin/chromium";
const have = await Deno.stat(CHROMIUM).then(() => true, () => false);
if (!have) {
  console.log(`report_browser_test: no Chromium at ${CHROMIUM}; the browser test is skipped`);
}

Deno.test({
  name: `report in a real headless Chromium${have ? "" : ` (skipped: no Chromium at ${CHROMIUM})`}`,
  ignore: !have,
  fn: async () => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["test", "-A", "tests/browser/report_in_chromium.ts"],
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    console.log(text.split("\n").filter((l) => !/^Download /.test(l)).join("\n"));
    assert.equal(out.code, 0, "the browser tests failed (output above)");
    assert.match(text, /ok \| 3 passed \| 0 failed/);
  },
});
