/**
 * The plain-subset reader of YAML op items (src/trace/yaml_plain.ts) against npm:yaml, which
 * it stands in for: whatever text it accepts, the parser must read without a problem and to
 * the same value, with each item where the parser puts it. Texts are op-like lists written by
 * the yaml library itself (tricky scalars included: booleans and nulls in every spelling,
 * hex, octal, floats, signs, leading zeros, integers beyond 2^53, indicators, spaces, quotes),
 * then the same texts with random edits (spaces, comments, colons, quotes, tabs, carriage
 * returns, anchors, block scalars, flow brackets, indentation), where it must either agree
 * with the parser or decline.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { LineCounter, parseDocument, stringify, type YAMLSeq } from "yaml";
import { isKey, isPlainScalar, plainItems } from "../../src/trace/yaml_plain.ts";

const seed = Number(Deno.env.get("FC_SEED") ?? 4242);

const TRICKY = [
  "true",
  "True",
  "TRUE",
  "tRue",
  "false",
  "FALSE",
  "null",
  "Null",
  "NULL",
  "~",
  "",
  "yes",
  "on",
  "0x1F",
  "0X1f",
  "0x",
  "0o17",
  "017",
  "-0",
  "+5",
  "-14",
  "1e5",
  "1E5",
  "12e",
  "1.",
  "1.5",
  ".5",
  ".inf",
  "-.inf",
  ".nan",
  "NaN",
  "Infinity",
  "1_000",
  "9007199254740993",
  "0x20000000000001",
  "buf+0x23f000",
  "pg[36]",
  "readv@0",
  "io_uring_register@1104#0",
  "a#b",
  "a #b",
  "a:b",
  "a: b",
  "a b",
  "-",
  "- x",
  "-x",
  "#x",
  "@x",
  "'q'",
  '"q"',
  "[x]",
  "{x}",
  "x,y",
  "x]",
  "?x",
  "!x",
  "&x",
  "*x",
  "|",
  ">",
  "%x",
  "`x",
  "x ",
  " x",
  "a\\b",
  "é",
  "__proto__",
  "constructor",
  "0",
  "-1",
];
const scalarArb = fc.oneof(
  { arbitrary: fc.constantFrom(...TRICKY), weight: 1 },
  { arbitrary: fc.stringMatching(/^[a-z][a-z0-9_+@#.\-[\]]{0,12}$/), weight: 6 },
  { arbitrary: fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), weight: 4 },
  {
    arbitrary: fc.constantFrom(2 ** 53 + 2, -(2 ** 53) - 2, 0.5, -0, true, false, null),
    weight: 1,
  },
);
const keyArb = fc.oneof(
  fc.constantFrom(
    "op",
    "iter",
    "iov",
    "base",
    "len",
    "dir",
    "expect",
    "ret",
    "__proto__",
    "a b",
    "1x",
    "x:y",
    "k".repeat(300),
  ),
  fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/),
);
/**
 * Keys as above, and identifiers the core schema reads as booleans or null (which the yaml
 * library writes quoted; unquotedKeys takes the quotes off).
 */
const wordKeyArb = fc.oneof(
  keyArb,
  fc.constantFrom("true", "True", "FALSE", "null", "Null", "NULL"),
);
const { value: valueArb } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { arbitrary: scalarArb, weight: 8 },
    { arbitrary: fc.array(tie("value"), { minLength: 1, maxLength: 3 }), weight: 1 },
    { arbitrary: fc.dictionary(keyArb, tie("value"), { minKeys: 1, maxKeys: 3 }), weight: 1 },
    { arbitrary: fc.constantFrom([], {}, [[1]]), weight: 1 },
  ),
}));
const itemsOf = (keys: fc.Arbitrary<string>) =>
  fc.array(
    fc.dictionary(keys, valueArb, { minKeys: 1, maxKeys: 4 }).map((o) => ({ op: "x", ...o })),
    { minLength: 1, maxLength: 3 },
  );
const itemsArb = itemsOf(keyArb);

/** The items as a block-style trace's chunk: the list written by yaml, indented by two. */
function chunkText(items: unknown[]): string {
  return stringify(items).split("\n").map((l) => (l ? "  " + l : l)).join("\n");
}

/**
 * The same chunk with every key the yaml library quoted that is an identifier written
 * without quotes, as a person may write it (`null:`, `True:`).
 */
function unquotedKeys(text: string): string {
  return text.replace(/^(\s*(?:- )?)"([A-Za-z_][A-Za-z0-9_]*)":/gm, "$1$2:");
}

/** What the parser makes of a chunk, with each item's position, or undefined on a problem. */
function parsed(text: string) {
  const lc = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, strict: true, lineCounter: lc });
  if (doc.errors.length) return undefined;
  const seq = doc.contents as YAMLSeq | null;
  const at = (seq?.items ?? []).map((n) => {
    const p = lc.linePos((n as { range?: number[] }).range?.[0] ?? 0);
    return { line: p.line, column: p.col };
  });
  return { value: doc.toJS(), at };
}

function agrees(text: string): void {
  const mine = plainItems(text);
  if (!mine) return;
  const theirs = parsed(text);
  assert.ok(theirs, `accepted what the parser refuses:\n${text}`);
  assert.deepStrictEqual(mine.value, theirs.value, text);
  assert.deepStrictEqual(mine.at, theirs.at, text);
}

Deno.test("plain YAML items: accepted texts read as npm:yaml reads them, items where it puts them", () => {
  let accepted = 0;
  fc.assert(
    fc.property(itemsArb, (items) => {
      const text = chunkText(items);
      if (plainItems(text)) accepted++;
      agrees(text);
    }),
    { seed, numRuns: 600 },
  );
  // the generator must reach the subset often enough for the property to mean something
  assert.ok(accepted > 50, `only ${accepted} of 600 texts were in the subset`);
});

Deno.test("plain YAML items: keys written true, True, null, NULL... read as npm:yaml reads them", () => {
  // the parser names such a key "true", "false" or "" (and takes two spellings of one for a
  // key twice): the reader must agree or decline
  let words = 0;
  fc.assert(
    fc.property(itemsOf(wordKeyArb), (items) => {
      const text = unquotedKeys(chunkText(items));
      if (/^\s*(?:- )?(?:true|True|FALSE|null|Null|NULL):/m.test(text)) words++;
      agrees(text);
    }),
    { seed, numRuns: 300 },
  );
  assert.ok(words > 50, `only ${words} of 300 texts had such a key`);
});

const EDITS = [
  " ",
  "  ",
  "#",
  " #c",
  ":",
  ": ",
  "\t",
  "\r",
  '"',
  "'",
  "-",
  "- ",
  "&a ",
  "*a",
  "!t ",
  "|",
  ">",
  "{",
  "[",
  ",",
  "\n",
  "\n  ",
  "\n    x",
  "x",
];

Deno.test("plain YAML items: after random edits, the reader agrees with npm:yaml or declines", () => {
  let accepted = 0;
  fc.assert(
    fc.property(
      itemsArb,
      fc.array(fc.tuple(fc.nat(), fc.constantFrom(...EDITS), fc.boolean()), {
        minLength: 1,
        maxLength: 3,
      }),
      (items, edits) => {
        let text = chunkText(items);
        for (const [at, s, del] of edits) {
          const i = at % (text.length + 1);
          text = del ? text.slice(0, i) + text.slice(i + 1) : text.slice(0, i) + s + text.slice(i);
        }
        if (plainItems(text)) accepted++;
        agrees(text);
      },
    ),
    { seed, numRuns: 1500 },
  );
  assert.ok(accepted > 20, `only ${accepted} of 1500 edited texts were in the subset`);
});

Deno.test("plain YAML items: a generated trace's ops, and what is left to the parser", () => {
  const text = [
    "  - op: import_iovec",
    "    id: readv@0",
    "    iter: c0",
    "    iov:",
    "      - base: buf+0x23f000",
    "        len: 4608",
    "  - op: io_complete",
    "    of: c0b0",
    "    dirty: true",
  ].join("\n");
  assert.deepStrictEqual(plainItems(text), {
    value: [
      { op: "import_iovec", id: "readv@0", iter: "c0", iov: [{ base: "buf+0x23f000", len: 4608 }] },
      { op: "io_complete", of: "c0b0", dirty: true },
    ],
    at: [{ line: 1, column: 5 }, { line: 7, column: 5 }],
  });
  for (
    const odd of [
      '    id: "a b"',
      "    len: 1.5",
      "    len: 9007199254740993",
      "    iov: []",
      "    # c",
      "    of: c1",
      "    of: c0 # c",
      "\tof: c0",
      "    of: c0\r",
      "    of: c0 ",
      "      - b",
    ]
  ) {
    assert.equal(plainItems(text + "\n" + odd), undefined, odd);
  }
  // a list of 200,000 scalars with no colon anywhere after them: each line is searched for
  // its colon within itself (a search to the next colon in the text made this quadratic)
  const many = "  - op: x\n    iters:\n" + "      - a\n".repeat(200000);
  assert.equal((plainItems(many)!.value[0] as { iters: string[] }).iters.length, 200000);
  // a deeper dash after a scalar item continues the scalar ("a - b"): not a second item
  assert.equal(plainItems("  - a\n    - b"), undefined);
});

/** The subset's plain scalar as a regex, what isPlainScalar reads a character at a time. */
const SCALAR = /^[A-Za-z0-9_./][A-Za-z0-9_./@+\-[\]#()=]*$/;

Deno.test("the reader's character classes are the SCALAR regex and the identifier rule", () => {
  const chars = fc.constantFrom(..."aZ09_./@+-[]#()=:, \t'\"!&*?|>%`{}~\\\u00e9");
  fc.assert(
    fc.property(fc.string({ unit: chars, maxLength: 12 }), (s) => {
      assert.equal(isPlainScalar(s, 0, s.length), SCALAR.test(s), JSON.stringify(s));
      // a slice of a longer text reads the same
      const t = `x:${s}\n`;
      assert.equal(isPlainScalar(t, 2, 2 + s.length), SCALAR.test(s));
      assert.equal(isKey(t, 2, 2 + s.length), /^[A-Za-z_][A-Za-z0-9_]{0,255}$/.test(s));
    }),
    { seed, numRuns: 3000 },
  );
  const long = "k".repeat(256);
  assert.ok(isKey(long, 0, 256));
  assert.ok(!isKey(long + "k", 0, 257));
});
