/**
 * A strict JSON (RFC 8259) checker that says where the text stops being JSON. It only
 * validates (the YAML parser then builds the value with positions), iteratively so that
 * nesting depth costs no stack, in one pass over the text.
 *
 * @module
 */

/** Where and why a text is not JSON. */
export interface JsonProblem {
  readonly offset: number;
  readonly message: string;
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

function describe(text: string, i: number): string {
  if (i >= text.length) return "the end of the text";
  const c = text[i];
  if (c === "'") return "a single quote (JSON strings use double quotes)";
  if (c === "/") return "a comment (JSON has none)";
  if (/[A-Za-z_]/.test(c)) {
    const word = /^[A-Za-z_][\w.-]*/.exec(text.slice(i, i + 40))![0];
    return `"${word}" (JSON keys and strings are double-quoted; literals are true, false, null)`;
  }
  return `"${c}"`;
}

/** Checks `text` is one JSON value; returns the first problem, or undefined. */
export function checkStrictJson(text: string): JsonProblem | undefined {
  let i = 0;
  const n = text.length;
  // the stack holds "{" or "[" for each open container
  const stack: string[] = [];
  const skip = () => {
    while (i < n && WS.has(text.charCodeAt(i))) i++;
  };
  const fail = (what: string): JsonProblem => ({
    offset: i,
    message: `expected ${what}, found ${describe(text, i)}`,
  });
  const str = (): JsonProblem | undefined => {
    // text[i] is the opening quote
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return undefined;
      }
      if (c < 0x20) return { offset: i, message: "a control character inside a string" };
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            return { offset: i, message: "a \\u escape needs four hex digits" };
          }
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) {
          return { offset: i, message: `an invalid escape "\\${e ?? ""}"` };
        }
        i += 2;
        continue;
      }
      i++;
    }
    return { offset: i, message: "a string that never ends" };
  };
  const NUM = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  // value: parse one value; containers push and return to the loop
  const value = (): JsonProblem | undefined | "open" => {
    skip();
    const c = text[i];
    if (c === "{" || c === "[") {
      stack.push(c);
      i++;
      skip();
      if (text[i] === (c === "{" ? "}" : "]")) {
        i++;
        stack.pop();
        return undefined;
      }
      if (c === "{") return key();
      return "open";
    }
    if (c === '"') return str();
    for (const lit of ["true", "false", "null"]) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return undefined;
      }
    }
    NUM.lastIndex = i;
    const m = NUM.exec(text);
    if (m && m[0].length) {
      i += m[0].length;
      return undefined;
    }
    return fail("a value");
  };
  const key = (): JsonProblem | undefined | "open" => {
    skip();
    if (text[i] !== '"') return fail("a double-quoted key");
    const e = str();
    if (e) return e;
    skip();
    if (text[i] !== ":") return fail('":" after the key');
    i++;
    return "open";
  };
  // "open" means: a value is wanted next (array element or object member value)
  let want: JsonProblem | undefined | "open" = value();
  for (;;) {
    if (want && want !== "open") return want;
    if (want === "open") {
      want = value();
      continue;
    }
    // a value just ended: close containers or move to the next member
    skip();
    const top = stack[stack.length - 1];
    if (top === undefined) break;
    const close = top === "{" ? "}" : "]";
    if (text[i] === close) {
      i++;
      stack.pop();
      continue;
    }
    if (text[i] === ",") {
      i++;
      skip();
      if (text[i] === close) {
        return fail(top === "{" ? "a key (no trailing commas)" : "a value (no trailing commas)");
      }
      want = top === "{" ? key() : "open";
      continue;
    }
    return fail(`"," or "${close}"`);
  }
  skip();
  if (i < n) return fail("the end of the text after the JSON value");
  return undefined;
}
