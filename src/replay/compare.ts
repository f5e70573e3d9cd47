/**
 * Expectation matching (trace-format.md section 5): listed fields must match, lists match
 * in length, `{}` matches anything, numbers compare by value however spelled, errno names
 * equal their numbers, page names and {pfn} compare as the same page.
 *
 * @module
 */
import { codeMatches } from "../check/warnings.ts";
import { parseBig, parsePageExpr } from "../trace/num.ts";
import { whenHolds } from "../profile.ts";

export { whenHolds };

/** A failed expectation. */
export interface Failure {
  /** Step index, or undefined for trace-level expectations. */
  readonly step: number | undefined;
  /** What was compared, e.g. `ops[4].expect.ret` or `rdma.r.sge[3].addr`. */
  readonly path: string;
  /** The value the trace expects. */
  readonly expected: unknown;
  /** The value the replay produced. */
  readonly actual: unknown;
}

/**
 * The path inside the op (or, for trace-level failures, inside the trace) that a failure's
 * path names: `ops[4].expect.ret` is `expect.ret` of op 4, `iter.u.segs[0].len` of a
 * standalone expect is `iter.u.segs.0.len`; a list's `.length` is the list itself.
 */
export function failureSource(path: string): (string | number)[] {
  const p = path.replace(/^ops\[\d+\]\./, "").replace(/\.length$/, "");
  const out: (string | number)[] = [];
  for (const m of p.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  }
  return out;
}

/** Resolves a page reference to its canonical name, or undefined. */
export type PageCanon = (v: unknown) => string | undefined;

const PAGE_KEYS = new Set(["page"]);

/**
 * Compares `expected` against `actual`, pushing a failure per mismatching leaf.
 * `pageKey` marks values that are page references.
 */
export function compareValue(
  expected: unknown,
  actual: unknown,
  path: string,
  out: Failure[],
  step: number | undefined,
  canon: PageCanon,
  pageKey = false,
): void {
  if (expected === undefined) return;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      out.push({
        step,
        path: `${path}.length`,
        expected: expected.length,
        actual: Array.isArray(actual) ? actual.length : actual ?? null,
      });
      return;
    }
    expected.forEach((e, i) =>
      compareValue(e, actual[i], `${path}[${i}]`, out, step, canon, pageKey)
    );
    return;
  }
  if (pageKey || (expected !== null && typeof expected === "object" && "pfn" in expected)) {
    const want = canon(expected) ?? String(expected);
    const got = typeof actual === "string" ? actual : canon(actual);
    if (want !== got) out.push({ step, path, expected, actual: actual ?? null });
    return;
  }
  if (expected !== null && typeof expected === "object") {
    for (const [k, v] of Object.entries(expected)) {
      if (k === "when") continue;
      const a = actual !== null && typeof actual === "object"
        ? (actual as Record<string, unknown>)[k]
        : undefined;
      compareValue(v, a, `${path}.${k}`, out, step, canon, PAGE_KEYS.has(k));
    }
    return;
  }
  if (!scalarEqual(expected, actual)) out.push({ step, path, expected, actual: actual ?? null });
}

/** Scalar equality by value: numbers however spelled, booleans, strings. */
export function scalarEqual(expected: unknown, actual: unknown): boolean {
  if (typeof actual === "number" || typeof actual === "bigint") {
    const e = parseBig(expected);
    return e !== undefined && e === BigInt(actual);
  }
  if (typeof actual === "string" && /^-?0x[0-9a-f]+$/.test(actual)) {
    const e = parseBig(expected);
    return e !== undefined && e === parseBig(actual);
  }
  if (typeof actual === "boolean") return expected === actual;
  if (actual === null || actual === undefined) return expected === null;
  return String(expected) === String(actual);
}

/**
 * Matches an expected warning list against actual warnings as a multiset: equal length, and
 * each expected item (a code, or {code, cause, page}) consumes one matching actual warning.
 */
export function compareWarnings(
  expected: readonly (string | { code: string; cause?: string | number; page?: string })[],
  actual: readonly { code: string; cause: number | undefined; page?: string; causeId?: string }[],
  path: string,
  out: Failure[],
  step: number | undefined,
): void {
  const left = [...actual];
  let ok = expected.length === actual.length;
  for (const e of expected) {
    const want = typeof e === "string" ? { code: e } : e;
    const i = left.findIndex((a) =>
      codeMatches(want.code, a.code) &&
      (want.cause === undefined || String(want.cause) === String(a.cause) ||
        String(want.cause) === a.causeId) &&
      (want.page === undefined || want.page === a.page)
    );
    if (i < 0) ok = false;
    else left.splice(i, 1);
  }
  if (!ok) {
    out.push({
      step,
      path,
      expected: expected.map((e) => (typeof e === "string" ? e : e.code)).sort(),
      actual: actual.map((a) => a.code).sort(),
    });
  }
}

export { parsePageExpr };
