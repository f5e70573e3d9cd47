/**
 * `itertrace report`: a self-contained, deterministic HTML page holding each step once.
 * (The drawing itself is tested in a real browser: report_browser_test.ts.)
 */
import assert from "node:assert/strict";
import { runCli } from "../src/cli/mod.ts";
import { fakeIo } from "./_io.ts";
import { longTrace } from "../bench/_long_trace.ts";
import type { ReportData, StepData } from "../src/render/report_data.ts";

const TRACE = "traces/pins/IOVEC+extract+put_page-release_mismatch.yaml";

/** The page's embedded data. */
function dataOf(html: string): Omit<ReportData, "steps"> & { steps: StepData[] } {
  const m = /<script type="application\/json" id="data">(.*?)<\/script>/s.exec(html);
  assert.ok(m, "the page embeds its data");
  return JSON.parse(m[1]);
}

async function report(trace: string, files: Record<string, string> = {}) {
  const io = fakeIo(files);
  const code = await runCli(["report", trace, "-o", "r.html"], io);
  return { code, io, html: files["r.html"] };
}

Deno.test("report embeds every step once, with warnings, failures and the summary", async () => {
  const { code, io, html } = await report(TRACE);
  assert.equal(code, 0, io.err);
  assert.match(html, /^<!doctype html>/);
  const d = dataOf(html);
  assert.equal(d.steps.length, 7);
  assert.equal(d.steps[1].o, "iov_iter_extract_pages");
  assert.ok(d.steps.some((s) => s.w?.some((w) => w[0] === "release_mismatch" && w[3] === 1)));
  assert.equal(d.summary.verdict, "3 hazards");
  // the user region is a bar; the extraction's page list points into it
  const buf = d.bars.findIndex((b) => b.n === "buf");
  assert.ok(buf >= 0);
  const lists = d.views.filter((v) => v.t === "pages");
  assert.ok(lists.length > 0);
  assert.ok(lists[0].e.every((e) => e[3] === buf), "every page-list entry covers bytes of buf");
  // self-contained: no external resources, one inline script
  assert.doesNotMatch(html, /\b(src|href)=["']?(https?:)?\/\//);
  assert.doesNotMatch(html, /https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  const again = await report(TRACE);
  assert.equal(again.html, html, "deterministic");
});

Deno.test("report: an object that does not change is not stored again", async () => {
  const { html } = await report("traces/copy/IOVEC+anon-2regions+8iovecs+copy_to_iter.yaml");
  const d = dataOf(html);
  // three copies move the iterator: one view when it is made, one per copy
  const iterUpdates = d.steps.filter((s) => s.u && "iter.v" in s.u).length;
  assert.equal(iterUpdates, 4);
  assert.equal(d.steps.filter((s) => s.u).length, 4, "fills and the final expect store nothing");
});

Deno.test("report: leaks name the step that took them; trace-level failures are kept", async () => {
  const src = await Deno.readTextFile("traces/pins/UBUF+extract+never_unpinned-pin_leak.yaml");
  // the same trace with a trace-level expectation that cannot hold
  const bad = src.replace("expect:\n  pins:\n    acquired: 3", "expect:\n  pins:\n    acquired: 4");
  assert.notEqual(bad, src);
  const { code, html } = await report("bad.yaml", { "bad.yaml": bad });
  assert.equal(code, 1);
  const d = dataOf(html);
  assert.deepEqual(d.summary.outstanding.map((o) => [o.page, o.kind, o.step]), [
    ["buf[0]", "pin", 2],
    ["buf[1]", "pin", 2],
    ["buf[2]", "pin", 2],
  ]);
  assert.deepEqual(d.endFailures, [["expect.pins.acquired", "4", "3"]]);
  assert.equal(d.end.filter((w) => w[0] === "pin_leak" && w[3] === 2).length, 3);
});

Deno.test("report size grows linearly with the trace", async () => {
  const sizes: number[] = [];
  for (const n of [500, 2000, 8000]) {
    const { code, io, html } = await report("long.jsonl", { "long.jsonl": longTrace(n) });
    assert.equal(code, 0, io.err);
    assert.equal(dataOf(html).steps.length, n);
    sizes.push(html.length);
  }
  // 4x the steps: between 3x and 5x the bytes (a quadratic page would be 16x)
  for (let i = 1; i < sizes.length; i++) {
    const r = sizes[i] / sizes[i - 1];
    assert.ok(r > 3 && r < 5, `size ratio ${r.toFixed(2)} (${sizes.join(", ")})`);
  }
});

Deno.test("report needs -o", async () => {
  const io = fakeIo();
  assert.equal(await runCli(["report", TRACE], io), 2);
  assert.match(io.err, /required option '-o, --output <file>'/);
});

Deno.test("report: with many live objects, an iterator over a pipe still moves with the pipe", async () => {
  const trace = "traces/pipe/PIPE+advance-clean.yaml";
  const src = await Deno.readTextFile(trace);
  // 40 more live iterators: past the number of objects the report re-views on every step
  const extra = Array.from(
    { length: 40 },
    (_, i) =>
      `  - { op: iov_iter_kvec, iter: k${i}, dir: source, kvec: [{ base: "src", len: 8 }] }\n`,
  ).join("");
  const many = src.replace("ops:\n", `ops:\n${extra}`);
  assert.notEqual(many, src);
  const plain = dataOf((await report(trace)).html);
  const d = dataOf((await report("many.yaml", { "many.yaml": many })).html);
  // the copy into to2 appends a pipe buffer; the first splice's iterator "to" shows it too
  const at = (data: typeof d, i: number) => data.steps[i].u ?? {};
  const copy = plain.steps.findIndex((s) => s.o === "copy_to_iter" && s.a.startsWith("iter=to2"));
  assert.ok(copy > 0 && "iter.to" in at(plain, copy));
  assert.ok("iter.to" in at(d, copy + 40), JSON.stringify(at(d, copy + 40)));
});
