/**
 * decodeText reads a large file 64 KiB at a time: the text is the same whatever falls on a
 * piece boundary (a multi-byte character cut in two), and invalid UTF-8 anywhere, a cut
 * sequence at the very end included, is the same positioned error as for a small file.
 */
import assert from "node:assert/strict";
import { decodeText } from "../src/cli/decode.ts";
import { TraceError } from "../src/errors.ts";

const enc = new TextEncoder();

Deno.test("decodeText: multi-byte characters across every 64 KiB boundary decode as one piece", () => {
  for (const shift of [0, 1, 2, 3]) {
    const text = "x".repeat(65536 - 2 + shift) + "é€😀".repeat(40000) + "\n";
    assert.equal(decodeText(enc.encode(text), "t.yaml"), text);
  }
});

Deno.test("decodeText: invalid UTF-8 in a large file is reported where it is", () => {
  const good = enc.encode("a\n".repeat(100000));
  for (const at of [10, 65535, 65536, 150001, good.length - 1]) {
    const bad = good.slice();
    bad[at] = 0xff;
    const err = (() => {
      try {
        decodeText(bad, "t.yaml");
      } catch (e) {
        return e;
      }
    })();
    assert.ok(err instanceof TraceError, `byte ${at}`);
    assert.match(err.message, new RegExp(`at offset ${at}\\b`));
  }
  // a sequence cut short by the end of the file
  const cut = new Uint8Array([...good, 0xe2, 0x82]);
  assert.throws(() => decodeText(cut, "t.yaml"), TraceError);
});
