/**
 * `itertrace report`: a self-contained, deterministic HTML page with a picture per step.
 */
import assert from "node:assert/strict";
import { runCli } from "../src/cli/mod.ts";
import { fakeIo } from "./_io.ts";

const TRACE = "traces/pins/IOVEC+extract+put_page-release_mismatch.yaml";

Deno.test("report writes one section and one picture per step, with warnings and the summary", async () => {
  const files: Record<string, string> = {};
  const io = fakeIo(files);
  assert.equal(await runCli(["report", TRACE, "-o", "r.html"], io), 0, io.err);
  const html = files["r.html"];
  assert.match(html, /^<!doctype html>/);
  assert.equal((html.match(/<section id="step-/g) ?? []).length, 7);
  assert.ok((html.match(/<svg /g) ?? []).length >= 6);
  assert.match(html, /<b>release_mismatch<\/b> \(hazard, cause #1\)/);
  assert.match(html, /pages held \(pins and refs outstanding\)/);
  assert.match(html, /verdict <b>3 hazards<\/b>/);
  assert.doesNotMatch(html, /<script|https?:\/\/(?!www\.w3\.org)/, "self-contained");
  const io2 = fakeIo(files);
  await runCli(["report", TRACE, "-o", "r2.html"], io2);
  assert.equal(files["r2.html"], html, "deterministic");
});

Deno.test("report needs -o", async () => {
  const io = fakeIo();
  assert.equal(await runCli(["report", TRACE], io), 2);
  assert.match(io.err, /required option '-o, --output <file>'/);
});
