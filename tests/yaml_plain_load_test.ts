/**
 * A block-style YAML trace whose ops are read by the plain-subset reader (yaml_plain.ts)
 * loads exactly as the whole document parsed by npm:yaml (`loadDocument(text, file, 0)`,
 * which never splits): the same ops, lines, columns and arguments, and for an op with a
 * problem anywhere inside it, the same issues at the same positions. The trace is the bench
 * workload written as YAML, the way `import -f yaml` writes ops.
 */
import assert from "node:assert/strict";
import { parse as parseYaml, stringify } from "yaml";
import {
  workloadHeader,
  workloadOps,
  workloadYaml as benchYaml,
  yamlItem,
} from "../bench/workload.ts";
import { loadDocument, loadYamlTrace } from "../src/trace/load.ts";
import { plainItems } from "../src/trace/yaml_plain.ts";
import type { OpNode } from "../src/trace/valid.ts";

/** The workload of `ops` ops as a block-style YAML trace, each op edited first by `edit`. */
function workloadYaml(
  ops: number,
  edit?: (op: Record<string, unknown>, i: number) => void,
): string {
  let text = stringify(JSON.parse(workloadHeader(ops, 7))) + "ops:\n";
  let i = 0;
  for (const line of workloadOps(ops, 7)) {
    const op = JSON.parse(line);
    edit?.(op, i++);
    text += yamlItem(op);
  }
  return text;
}

const shape = (ops: readonly OpNode[]) =>
  ops.map(({ index, op, id, line, column, args }) => ({ index, op, id, line, column, args }));

Deno.test("a block-style YAML trace in the plain subset loads as the parser loads it", () => {
  const text = workloadYaml(3000);
  // the ops really are read without the parser
  const items = text.slice(text.indexOf("ops:\n") + 5);
  assert.ok(plainItems(items), "the workload's ops are in the plain subset");
  const fast = loadDocument(text, "w.yaml"), whole = loadDocument(text, "w.yaml", 0);
  assert.deepEqual(fast.issues, []);
  assert.deepEqual(whole.issues, []);
  assert.deepStrictEqual(shape(fast.trace!.ops), shape(whole.trace!.ops));
  assert.deepStrictEqual(fast.trace!.header, whole.trace!.header);
  // deep positions, asked of the plain chunk's locator, come from the parser
  for (const k of [0, 1, 500, 2999]) {
    for (
      const path of [["ops", k], ["ops", k, "op"], ["ops", k, "iov", 1, "len"], ["ops", k, "nope"]]
    ) {
      assert.deepEqual(fast.trace!.locate(path), whole.trace!.locate(path), JSON.stringify(path));
      assert.deepEqual(fast.trace!.locate(path, true), whole.trace!.locate(path, true));
    }
  }
  // the large-trace path (ops read again as they are iterated) gives the same ops
  const big = loadYamlTrace(text, "w.yaml");
  assert.ok(big.trace);
  assert.deepStrictEqual(shape([...big.ops]), shape(whole.trace!.ops));
});

Deno.test("a problem inside a plain op is reported where the parser places it", () => {
  const edits: [string, (op: Record<string, unknown>) => void][] = [
    ["negative length", (op) => {
      if (Array.isArray(op.iov)) (op.iov as { len: number }[])[0].len = -5;
      else op.extra = 1;
    }],
    ["unknown key", (op) => void (op.bogus = "x")],
    ["wrong type", (op) => void (op.op === "free" ? op.var = 12 : op.iter = true)],
    ["unknown op", (op) => void (op.op = "bio_iov_iter_get_pagez")],
  ];
  for (const [what, f] of edits) {
    const text = workloadYaml(400, (op, i) => i % 97 === 13 && f(op));
    const fast = loadDocument(text, "w.yaml"), whole = loadDocument(text, "w.yaml", 0);
    assert.ok(fast.issues.length > 0, what);
    assert.deepStrictEqual(fast.issues, whole.issues, what);
  }
});

Deno.test("a key written true, True, null or NULL in an op is named as the parser names it", () => {
  // the parser reads such keys as booleans or null: "true", "true", "" and "" to the schema
  const text = workloadYaml(400, (op, i) => {
    if (i % 97 === 13) op[["true", "True", "null", "NULL"][i % 4]] = 5;
  }).replace(/"(true|True|null|NULL)":/g, "$1:");
  for (const k of ["true", "True", "null", "NULL"]) {
    assert.match(text, new RegExp(`^ {4}${k}: 5$`, "m"));
  }
  const fast = loadDocument(text, "w.yaml"), whole = loadDocument(text, "w.yaml", 0);
  assert.ok(fast.issues.length > 0);
  assert.deepStrictEqual(fast.issues, whole.issues);
});

Deno.test("the YAML written for the test and by the bench reads back as the workload", () => {
  const text = workloadYaml(50);
  assert.equal([...benchYaml(50, 7)].join(""), text);
  const ops = parseYaml(text).ops as unknown[];
  assert.deepStrictEqual(ops, [...workloadOps(50, 7)].map((l) => JSON.parse(l)));
});

Deno.test("ops the fast path gives up on (expectations) load from an untouched copy, valid or not", () => {
  // each edited op carries an inline expectation: the fast path checks the op in place and
  // gives up at `expect`, and the schema must then read the op as written, not half-converted
  const edits: [string, (op: Record<string, unknown>) => void][] = [
    ["valid", (op) => void (op.expect = { ret: 0 })],
    // lkey is a u64 the fast path turns into a BigInt before it meets `expect`; the schema,
    // given that instead of the number written, would refuse it
    ["converted before the expectation", (op) => {
      if (op.op === "smb_extract_iter_to_rdma") op.expect = { ret: 0 };
    }],
    ["bad expectation", (op) => void (op.expect = { ret: "zero", bogus: 1 })],
    ["bad field and expectation", (op) => {
      op.expect = { ret: 0 };
      if (Array.isArray(op.iov)) (op.iov as { len: unknown }[])[0].len = "long";
      else op.iter = 7;
    }],
  ];
  for (const [what, f] of edits) {
    const text = workloadYaml(
      1500,
      (op, i) => (i % 13 === 5 || op.op === "smb_extract_iter_to_rdma") && f(op),
    );
    const items = text.slice(text.indexOf("ops:\n") + 5);
    assert.ok(plainItems(items), `${what}: in the plain subset`);
    const fast = loadDocument(text, "w.yaml"), whole = loadDocument(text, "w.yaml", 0);
    assert.deepStrictEqual(fast.issues, whole.issues, what);
    if (whole.trace) assert.deepStrictEqual(shape(fast.trace!.ops), shape(whole.trace.ops), what);
    const big = loadYamlTrace(text, "w.yaml");
    if (big.trace) assert.deepStrictEqual(shape([...big.ops]), shape(whole.trace!.ops), what);
    else assert.deepStrictEqual(big.issues, whole.issues, what);
  }
});
