import assert from "node:assert/strict";
import { byCodeUnits, summarize } from "../src/replay/summary.ts";
import { PinLedger } from "../src/model/pin.ts";
import { makeWarning, type Warning, WARNINGS } from "../src/check/warnings.ts";
import type { Memory } from "../src/model/memory.ts";

Deno.test("summary: every warning code sorts in code-unit order as localeCompare sorted it", () => {
  // the summary's warnings are listed in code-unit order; a new code that the two orders
  // place differently (say "x_1" beside "x1") would reorder existing output
  const codes = Object.keys(WARNINGS);
  assert.deepEqual([...codes].sort(byCodeUnits), [...codes].sort((a, b) => a.localeCompare(b)));
});

Deno.test("summary: warnings counted per code, codes in order, however many were raised", () => {
  const w = (code: keyof typeof WARNINGS): Warning =>
    makeWarning(code, {} as never, "m", 0) as Warning;
  const warnings = [
    ...Array.from({ length: 3 }, () => w("over_advance")),
    w("double_unpin"),
    ...Array.from({ length: 2 }, () => w("p2p_without_flag")),
    w("double_unpin"),
  ];
  const s = summarize({
    kernel: "6.18",
    steps: 7,
    failures: 0,
    ledger: new PinLedger(),
    mem: {} as Memory,
    pins: { acquired: 0, released: 0, outstanding: 0 },
    refs: { acquired: 0, released: 0, outstanding: 0 },
    warnings,
  });
  assert.deepEqual(Object.entries(s.warnings), [
    ["double_unpin", 2],
    ["over_advance", 3],
    ["p2p_without_flag", 2],
  ]);
});
