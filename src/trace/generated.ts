/**
 * Functions made from source text at run time, for the loader's hot paths (fast.ts's op
 * schemas compiled for reading in place, refs.ts's walks of the fields naming memory): each
 * has code of its own, so V8 keeps type feedback per function and the calls inside stay
 * direct (one shared closure would see every field kind at one call site).
 *
 * Only text the program builds from its own schemas and op declarations reaches here (keys
 * and paths spelled as JSON string literals, indices as numbers), never trace input: the
 * values a function needs are passed in as `bindings`, not written into its source.
 *
 * To read one: `String(fn)` prints its source. In a stack trace and in the inspector
 * (`deno run --inspect-brk`) each is named by its sourceURL, `itertrace-generated/<name>.js`.
 *
 * @module
 */

let made = 0;

/**
 * A function `function <name>(<params>) { <body> }` whose body sees each of `bindings` by
 * its key. `name` says what it was made for (it names the source in stack traces).
 */
export function generated<F>(
  name: string,
  params: readonly string[],
  body: string,
  bindings: Readonly<Record<string, unknown>>,
): F {
  const fn = name.replace(/:.*/s, "").replace(/\W/g, "_");
  const url = `itertrace-generated/${name.replace(/[^\w.*:,-]/g, "_")}-${++made}.js`;
  const source = `"use strict"; return function ${fn}(${params.join(", ")}) {\n${body}\n};` +
    `\n//# sourceURL=${url}`;
  return new Function(...Object.keys(bindings), source)(...Object.values(bindings)) as F;
}
