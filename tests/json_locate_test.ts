/**
 * jsonLocator (which places problems inside a JSON Lines line without the YAML parser) gives
 * every path the line:column the YAML parse of the line gives, and has no locator exactly
 * where that parse has none.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { jsonLocator } from "../src/trace/json_locate.ts";
import { yamlLocator } from "../src/trace/load.ts";
import type { Path } from "../src/trace/locate.ts";

const runs = Number(Deno.env.get("FC_RUNS") ?? 400);
const seed = Deno.env.get("FC_SEED");
const params = { numRuns: runs, ...(seed ? { seed: Number(seed) } : {}) };

/** JSON text written as it is (spellings JSON.stringify never writes). */
class RawJson {
  constructor(readonly text: string) {}
}

/** A key as JSON writes it, or (`escaped`) every character of it as a \u escape. */
function keyText(k: string, escaped: boolean): string {
  if (!escaped) return JSON.stringify(k);
  let s = '"';
  for (let i = 0; i < k.length; i++) s += `\\u${k.charCodeAt(i).toString(16).padStart(4, "0")}`;
  return s + '"';
}

/**
 * JSON text of `v` with `ws()` between every two tokens (and around the whole), keys
 * escaped where `esc()` says.
 */
function spaced(v: unknown, ws: () => string, esc: () => boolean = () => false): string {
  if (v instanceof RawJson) return v.text;
  if (Array.isArray(v)) {
    return `[${ws()}${v.map((x) => spaced(x, ws, esc)).join(`${ws()},${ws()}`)}${ws()}]`;
  }
  if (v !== null && typeof v === "object") {
    const parts = Object.entries(v).map(([k, x]) =>
      `${keyText(k, esc())}${ws()}:${ws()}${spaced(x, ws, esc)}`
    );
    return `{${ws()}${parts.join(`${ws()},${ws()}`)}${ws()}}`;
  }
  return JSON.stringify(v);
}

/** Every path of `v`, and next to each some that miss (absent keys, indices, wrong kinds). */
function paths(v: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (Array.isArray(v)) {
    out.push([...at, v.length], [...at, "x"], [...at, -1], [...at, "0"], [...at, ""]);
    v.forEach((x, i) => paths(x, [...at, i], out));
  } else if (v !== null && typeof v === "object") {
    out.push([...at, "no such key"], [...at, 0]);
    for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  } else {
    out.push([...at, "beyond"], [...at, 0]);
  }
  return out;
}

/** The two locators agree on `text`: both absent, or the same answer for every path. */
function agree(text: string, value: unknown, lineOffset: number): void {
  const y = yamlLocator(text, lineOffset);
  const j = jsonLocator(text, lineOffset);
  assert.equal(j === undefined, y === undefined, `locator presence for ${JSON.stringify(text)}`);
  if (!j || !y) return;
  for (const p of paths(value)) {
    for (const key of [false, true]) {
      assert.deepEqual(j(p, key), y(p, key), `${JSON.stringify(text)} at ${JSON.stringify(p)}`);
    }
  }
}

const keys = fc.oneof(
  fc.constantFrom("op", "iter", "iov", "base", "len", "0", "1", "", "a b", "é", "\u2028"),
  // longer than the 1024 characters YAML allows an implicit key
  fc.constant("k".repeat(1100)),
  fc.string({ unit: "binary", maxLength: 6 }),
);
const leaf = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.string({ unit: "binary", maxLength: 8 }),
  fc.constantFrom("buf+0x1000", "#", "- x", "a: b", "*x", "&y", "!t", "'q'", "|", ">"),
  // numbers beyond 2^53 or spelled otherwise, and strings with escapes, as a writer may
  fc.constantFrom(
    "12345678901234567890",
    "-9007199254740993",
    "1E5",
    "1.0",
    "-0",
    "0.5e-3",
    "1e+2",
    "1.0e400",
    '"\\/x"',
    '"\\ud800"',
    '"\\u00e9\\t"',
    '"a\\\\"',
    '"\\""',
  ).map((t) => new RawJson(t)),
);
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small", withCrossShrink: true }, leaf, tie("arr"), tie("obj")),
  arr: fc.array(tie("value"), { maxLength: 4 }),
  obj: fc.dictionary(keys, tie("value"), { maxKeys: 5 }),
}));
/** White space JSON allows inside a line: mostly none or spaces, at times tabs. */
const space = fc.array(fc.constantFrom("", "", "", " ", " ", "  ", "\t", " \t"), {
  minLength: 1,
  maxLength: 64,
});
/** White space before the value. */
const leading = fc.constantFrom("", "", " ", "\t", "  \t");
/** White space after the value, carriage returns included. */
const trailing = fc.constantFrom("", " ", "\t", "\r", " \r", "\r ", "\r\t", "\r\r", "\t\r ");

Deno.test("jsonLocator() places every path where the YAML parse of the line does", () => {
  fc.assert(
    fc.property(
      value,
      space,
      leading,
      trailing,
      fc.nat(5),
      fc.array(fc.boolean()),
      (v, ws, start, end, off, e) => {
        let k = 0, n = 0;
        const body = spaced(v, () => ws[k++ % ws.length], () => e[n++ % e.length] ?? false);
        // white space before a list or mapping only: a line that is one scalar is never
        // located (it is no op and no header), and YAML refuses a tab before some
        const text = (/^[[{]/.test(body) ? start : "") + body + end;
        agree(text, JSON.parse(text), off);
      },
    ),
    params,
  );
});

Deno.test("jsonLocator() places a value after a bare carriage return where the value starts", () => {
  // the one place the two differ, on purpose: a bare CR is JSON white space, which the YAML
  // lexer takes for the start of a plain scalar (placing the value at the CR, or seeing an
  // item in "[\r]"); a line's "\r\n" end never gets here (the reader drops its CR)
  const at = jsonLocator('{"op":\r"x","iov":[\r]}', 1)!;
  assert.deepEqual(at(["op"]), { line: 2, column: 8 });
  // "[\r]" is an empty list: its item 0 is not there, the list is the nearest parent
  assert.deepEqual(at(["iov", 0]), { line: 2, column: 18 });
  assert.deepEqual(yamlLocator('{"op":\r"x","iov":[\r]}', 1)!(["op"]), { line: 2, column: 7 });
});

Deno.test("jsonLocator() has no locator where the YAML parse refuses the line", () => {
  const cases: [string, boolean][] = [
    // a key twice, at any depth (JSON.parse keeps the last; the YAML parse refuses)
    ['{"op":"x","op":"y"}', false],
    ['{"a":[{"b":1,"c":2,"b":3}]}', false],
    ['{"a":{"b":1},"c":{"b":1}}', true],
    // a carriage return after the value (the \r of a "\r\n" line end is dropped on reading)
    ['{"op":"x"}\r', false],
    ['{"op":"x"} \r ', false],
    ['\t{"op":"x"}\t', true],
    // nesting beyond the loader's limit (MAX_FLOW_DEPTH)
    ["[".repeat(1001) + "]".repeat(1001), false],
    ['{"a":'.repeat(1001) + "1" + "}".repeat(1001), false],
  ];
  for (const [text, located] of cases) {
    assert.equal(yamlLocator(text) !== undefined, located, `YAML parse of ${text.slice(0, 40)}`);
    agree(text, JSON.parse(text), 3);
  }
});

Deno.test("jsonLocator() answers for a JSON Lines op as the trace format places it", () => {
  const line =
    '{"op":"import_iovec","iter":"c0","dir":"dest","iov":[{"base":"buf+0x23f000","len":"x"}]}';
  const at = jsonLocator(line, 6)!;
  assert.deepEqual(at([]), { line: 7, column: 1 });
  assert.deepEqual(at(["iov", 0, "len"]), { line: 7, column: 83 });
  assert.deepEqual(at(["iov", 0, "len"], true), { line: 7, column: 77 });
  // a path that goes further than the line: its nearest existing parent
  assert.deepEqual(at(["iov", 3, "len"]), { line: 7, column: 53 });
  assert.deepEqual(at(["expect", "ret"]), { line: 7, column: 1 });
});
