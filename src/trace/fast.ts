/**
 * The loader's fast path: each op's zod schema compiled once into a plain function that
 * accepts the common spellings of the common field kinds (numbers, names, addresses, pages,
 * booleans, enums, strict objects, arrays, optional and defaulted fields) and yields exactly
 * what the schema's parse yields. Anything else (an unusual spelling, an `expect:`, a field
 * kind it does not know, and every invalid input) makes it give up, and the zod schema,
 * which stays the one source of the format and of its error messages, decides.
 *
 * @module
 */
import type { z } from "zod";
import { fastKindOf } from "./args.ts";
import { isAddrExpr, isPageExpr, parseBig, scanSafeInt } from "./num.ts";
import { opSchema } from "./schema.ts";
import { generated } from "./generated.ts";

/** What a compiled field returns when it cannot vouch for the input. */
const GIVE_UP: unique symbol = Symbol("give up");

/** A compiled schema: the parsed value, or GIVE_UP. */
type Fast = (v: unknown) => unknown;

/** A compiled object field. */
interface Field {
  readonly key: string;
  readonly parse: Fast | undefined;
  /** The field's number bounds when it is a plain number field (checked inline in place). */
  readonly num?: { readonly min: number; readonly max: number };
  /** absent: required (give up), omitted (optional), or a default value getter. */
  readonly absent: "required" | "omit" | { readonly def: { readonly defaultValue: unknown } };
}

// deno-lint-ignore no-explicit-any
type Def = any;

function isName(v: string): boolean {
  if (v.length === 0) return false;
  const c0 = v.charCodeAt(0);
  if (!((c0 >= 97 && c0 <= 122) || (c0 >= 65 && c0 <= 90) || c0 === 95)) return false;
  for (let i = 1; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (
      !((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 ||
        c === 46 || c === 45)
    ) return false;
  }
  return true;
}

/**
 * Compiles a schema; undefined when its kind is not known here (then zod decides). In place
 * (`inPlace`), objects and arrays are validated where they are and their values converted
 * there (a fresh object only where the schema's key order asks for one); the input is then
 * left half-converted when the function gives up, and must not be used again.
 */
function compile(s: z.ZodType, inPlace: boolean): Fast | undefined {
  const known = fastKindOf(s);
  if (known) {
    switch (known.kind) {
      case "num": {
        const { min, max } = known;
        return (v) => {
          const n = scanSafeInt(v);
          return n !== undefined && n >= min && n <= max ? n : GIVE_UP;
        };
      }
      case "name":
        return (v) => typeof v === "string" && isName(v) ? v : GIVE_UP;
      case "addr":
        return (v) =>
          (typeof v === "string" || typeof v === "number") && isAddrExpr(v) ? v : GIVE_UP;
      case "page":
        return (v) => typeof v === "string" && isPageExpr(v) ? v : GIVE_UP;
      case "u64":
        return (v) => {
          if (typeof v !== "number" && typeof v !== "string") return GIVE_UP;
          const n = parseBig(v);
          return n !== undefined && n >= 0n && n < 1n << 64n ? n : GIVE_UP;
        };
    }
  }
  const def: Def = s._zod.def;
  if (def.checks?.length) return undefined;
  switch (def.type) {
    case "boolean":
      return (v) => typeof v === "boolean" ? v : GIVE_UP;
    case "enum": {
      const values = new Set(Object.values(def.entries));
      if ([...values].some((x) => typeof x !== "string")) return undefined;
      return (v) => typeof v === "string" && values.has(v) ? v : GIVE_UP;
    }
    case "literal": {
      const values = new Set(def.values);
      // an integer beyond 2^53 is read as its text (load.ts exactInt): zod decides
      if ([...values].some((x) => typeof x === "number" && !Number.isSafeInteger(x))) {
        return undefined;
      }
      return (v) => values.has(v) ? v : GIVE_UP;
    }
    case "union": {
      // a union of plain strings and (finite) numbers, as `id` is
      const types = new Set<string>();
      for (const o of def.options as z.ZodType[]) {
        const d: Def = o._zod.def;
        if (d.checks?.length || (d.type !== "string" && d.type !== "number")) return undefined;
        types.add(d.type);
      }
      // an integer beyond 2^53 gives up: JSON Lines reads it as its exact text, which zod
      // then judges (as a string)
      return (v) =>
        (typeof v === "string" && types.has("string")) ||
          (typeof v === "number" && Number.isFinite(v) && types.has("number") &&
            (Number.isSafeInteger(v) || !Number.isInteger(v)))
          ? v
          : GIVE_UP;
    }
    case "array": {
      const el = compile(def.element, inPlace);
      if (!el) return undefined;
      if (inPlace) {
        return generated<Fast>(
          "fast.array",
          ["v"],
          `if (!Array.isArray(v)) return G;
          for (let i = 0; i < v.length; i++) {
            const x = v[i];
            const y = el(x);
            if (y === G) return G;
            if (!Object.is(x, y)) v[i] = y;
          }
          return v;`,
          { G: GIVE_UP, el },
        );
      }
      return (v) => {
        if (!Array.isArray(v)) return GIVE_UP;
        const out = new Array(v.length);
        for (let i = 0; i < v.length; i++) {
          const x = el(v[i]);
          if (x === GIVE_UP) return GIVE_UP;
          out[i] = x;
        }
        return out;
      };
    }
    case "object":
      return compileObject(s, inPlace);
    default:
      return undefined;
  }
}

/** A strict object: every key known, fields in the shape's order, defaults filled in. */
function compileObject(s: z.ZodType, inPlace: boolean): Fast | undefined {
  const def: Def = s._zod.def;
  if (def.catchall?._zod.def.type !== "never") return undefined;
  const fields: Field[] = [];
  for (const [key, f] of Object.entries(def.shape as Record<string, z.ZodType>)) {
    let inner = f;
    let absent: Field["absent"] = "required";
    const d: Def = f._zod.def;
    if (d.type === "optional") {
      inner = d.innerType;
      if (inner._zod.def.type === "default") return undefined; // a rung this path leaves to zod
      absent = "omit";
    } else if (d.type === "default") {
      inner = d.innerType;
      absent = { def: d };
    }
    const parse = compile(inner, inPlace);
    // a field of a kind not known here: fine while absent, zod decides when it is present
    if (!parse && absent === "required") return undefined;
    const kind = fastKindOf(inner);
    const num = kind?.kind === "num" && Number.isFinite(kind.min) && Number.isFinite(kind.max)
      ? { min: kind.min, max: kind.max }
      : undefined;
    fields.push({ key, parse, absent, num });
  }
  if (inPlace) return inPlaceObject(fields);
  const keys = new Set(fields.map((f) => f.key));
  return (v) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return GIVE_UP;
    const input = v as Record<string, unknown>;
    for (const k in input) if (!keys.has(k)) return GIVE_UP;
    const out: Record<string, unknown> = {};
    for (const f of fields) {
      const x = input[f.key];
      if (x === undefined) {
        if (f.key in input || f.absent === "required") return GIVE_UP;
        if (f.absent !== "omit") {
          const d = f.absent.def.defaultValue;
          if (d === undefined) return GIVE_UP;
          out[f.key] = d;
        }
        continue;
      }
      if (!f.parse) return GIVE_UP;
      const y = f.parse(x);
      if (y === GIVE_UP) return GIVE_UP;
      out[f.key] = y;
    }
    return out;
  };
}

/**
 * compileObject in place: the input object itself, its values converted, when its keys come
 * in the shape's order and every default to fill in comes after them (appended, they keep
 * that order); otherwise a fresh object in the shape's order, as the schema's parse builds.
 */
function inPlaceObject(fields: readonly Field[]): Fast {
  // generated for the shape (see generated.ts): each key a case, each field's check a call of
  // its own compiled function
  if (fields.some((f) => f.key === "__proto__")) return GIVE_UP_ALWAYS;
  const lit = JSON.stringify;
  let required = 0;
  const cases: string[] = [];
  for (const [i, f] of fields.entries()) {
    if (f.absent === "required") required++;
    // a number field given as a safe integer in bounds (how JSON gives most) is checked
    // here, without a call; anything else goes to its compiled function (-0 is stored as 0,
    // as that function would)
    const check = f.num
      ? `if (typeof x === "number" && Number.isSafeInteger(x) && x >= ${f.num.min} &&
              x <= ${f.num.max}) {
              if (x === 0) v[${lit(f.key)}] = 0;
            } else {
              y = P[${i}](x);
              if (y === G) return G;
              if (!Object.is(x, y)) v[${lit(f.key)}] = y;
            }`
      : `y = P[${i}](x);
            if (y === G) return G;
            if (!Object.is(x, y)) v[${lit(f.key)}] = y;`;
    cases.push(
      f.parse
        ? `case ${lit(f.key)}:
            x = v[${lit(f.key)}];
            if (x === undefined) return G;
            ${check}
            if (${i} < last) ordered = false;
            else last = ${i};
            ${f.absent === "required" ? "req++;" : ""}
            break;`
        : `case ${lit(f.key)}: return G;`,
    );
  }
  const defaults = fields.flatMap((f, i) =>
    f.absent === "required" || f.absent === "omit" ? [] : [i]
  );
  // a default that is a number, string or boolean is the same value every time zod gives
  // it: read once here rather than through zod's getter (which clones) on every op
  const C = fields.map((f) => {
    if (f.absent === "required" || f.absent === "omit") return undefined;
    const d = f.absent.def.defaultValue;
    return typeof d === "number" || typeof d === "string" || typeof d === "boolean" ? d : undefined;
  });
  /** The expression of field i's default value. */
  const dflt = (i: number) => C[i] === undefined ? `D[${i}].def.defaultValue` : `C[${i}]`;
  const body = `if (typeof v !== "object" || v === null || Array.isArray(v)) return G;
    let last = -1, ordered = true, req = 0, x, y;
    for (const k in v) {
      switch (k) {
        ${cases.join("\n")}
        default: return G;
      }
    }
    if (req !== ${required}) return G;
    ${
    defaults.map((i) =>
      `if (v[${lit(fields[i].key)}] === undefined) {
        ${C[i] === undefined ? `if (D[${i}].def.defaultValue === undefined) return G;` : ""}
        if (${i} < last) ordered = false;
      }`
    ).join("\n")
  }
    if (!ordered) {
      const o = {};
      ${
    fields.map((f, i) =>
      f.absent === "required" ? `o[${lit(f.key)}] = v[${lit(f.key)}];` : `x = v[${lit(f.key)}];
          if (x !== undefined) o[${lit(f.key)}] = x;
          ${f.absent === "omit" ? "" : `else o[${lit(f.key)}] = ${dflt(i)};`}`
    ).join("\n")
  }
      return o;
    }
    ${
    defaults.map((i) =>
      `if (v[${lit(fields[i].key)}] === undefined) v[${lit(fields[i].key)}] = ${dflt(i)};`
    ).join("\n")
  }
    return v;`;
  return generated<Fast>(`fast.object:${fields.map((f) => f.key).join(",")}`, ["v"], body, {
    G: GIVE_UP,
    P: fields.map((f) => f.parse),
    D: fields.map((f) => f.absent),
    C,
  });
}

/** A compiled function that never vouches. */
const GIVE_UP_ALWAYS: Fast = () => GIVE_UP;

const compiled = new WeakMap<z.ZodType, Fast | null>();
const compiledInPlace = new WeakMap<z.ZodType, Fast | null>();
let enabled = true;

/**
 * Turns the fast path off (or back on), so that tests can compare what the loader reports
 * with and without it. Returns the previous setting.
 */
export function useFastPath(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

/**
 * Parses a value with a schema's fast path: the value the schema's parse would yield, or
 * undefined when the fast path cannot vouch for it (then ask the schema).
 */
export function fastParse(s: z.ZodType, v: unknown): unknown {
  return run(compiled, false, s, v);
}

/**
 * fastParse in place: the value the schema's parse would yield, made of `v` itself (its
 * values converted, its defaults filled in) wherever the schema's key order allows, or
 * undefined. When it gives up, `v` may be half-converted: it must be read again before the
 * schema is asked.
 */
export function fastParseInPlace(s: z.ZodType, v: unknown): unknown {
  return run(compiledInPlace, true, s, v);
}

/** An op name's in-place fast path, and the name as the replay should keep it. */
export interface OpFastPath {
  /** The parse (fastParseInPlace with the op's schema), null when there is none. */
  readonly parse: ((v: unknown) => unknown) | null;
  /**
   * The op's name as an internalized string (one per op name for the whole run), for the
   * node: a string JSON.parse makes is a new one per line, and every map lookup or comparison
   * by it (the replay's handler lookup, `op === "expect"`) would hash or compare its characters
   * again.
   */
  readonly name: string;
}

const opParsers = new Map<string, OpFastPath>();

/**
 * The in-place fast path of an op name's schema, found once per name; undefined for a name
 * that is not an op.
 */
export function opFastPath(op: string): OpFastPath | undefined {
  let p = opParsers.get(op);
  if (p === undefined) {
    const s = opSchema(op);
    if (!s) return undefined;
    let f = compiledInPlace.get(s);
    if (f === undefined) compiledInPlace.set(s, f = compile(s, true) ?? null);
    const g = f;
    p = {
      parse: g
        ? (v) => {
          if (!enabled) return undefined;
          const r = g(v);
          return r === GIVE_UP ? undefined : r;
        }
        : null,
      // a property key is an internalized string
      name: Object.keys({ [op]: 0 })[0],
    };
    opParsers.set(p.name, p);
  }
  return p;
}

function run(
  cache: WeakMap<z.ZodType, Fast | null>,
  inPlace: boolean,
  s: z.ZodType,
  v: unknown,
): unknown {
  if (!enabled) return undefined;
  let f = cache.get(s);
  if (f === undefined) {
    f = compile(s, inPlace) ?? null;
    cache.set(s, f);
  }
  if (!f) return undefined;
  const r = f(v);
  return r === GIVE_UP ? undefined : r;
}
