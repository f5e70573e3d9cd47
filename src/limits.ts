/**
 * Limits on everything that grows with the values in a trace rather than with its size: a
 * 4 KiB trace can name a 1 TiB file or a million-entry table. Each limit is checked before
 * anything is allocated, and its message names the limit and how to raise it
 * (`ITERTRACE_LIMITS=name=value,...` in the environment).
 *
 * @module
 */

/** One limit: its default and what it bounds. */
export interface LimitSpec {
  readonly value: number;
  /** What is counted, as a noun phrase ("folios one folio queue holds"). */
  readonly what: string;
}

/** The limits and their defaults. */
export const LIMIT_DEFAULTS = {
  file_bytes: { value: 64 * 2 ** 20, what: "bytes of a YAML or JSON trace file" },
  document_bytes: {
    value: 2 ** 20,
    what:
      "characters of YAML or JSON parsed as one document (a JSON trace, a YAML trace not in the block style, a YAML header or op)",
  },
  op_name: { value: 256, what: "characters of an op name" },
  folioq_folios: { value: 1 << 20, what: "folios one folio queue holds" },
  sg_entries: { value: 1 << 16, what: "entries of one scatterlist table" },
  extract_pages: { value: 1 << 16, what: "pages one extraction or conversion lists" },
  suggest_work: {
    value: 1 << 25,
    what: 'character comparisons spent on "did you mean" suggestions in one run',
  },
  glob_chars: { value: 1024, what: "characters of a --filter glob" },
  page_data: { value: 256 * 2 ** 20, what: "bytes of written page data one replay holds" },
} as const satisfies Record<string, LimitSpec>;

/** A limit's name. */
export type LimitName = keyof typeof LIMIT_DEFAULTS;

/** The defaults, as the limits in force start. */
function defaults(): Record<LimitName, number> {
  return Object.fromEntries(
    Object.entries(LIMIT_DEFAULTS).map(([k, v]) => [k, v.value]),
  ) as Record<LimitName, number>;
}

/**
 * The limits in force: one object read by name (extraction checks a limit for every
 * segment, where a Map lookup and a fallback to the defaults cost more than the check).
 */
let current = defaults();
const spent = new Map<LimitName, number>();

/** The limit in force. */
export function limit(name: LimitName): number {
  return current[name];
}

/** The environment variable that raises limits. */
export const LIMITS_ENV = "ITERTRACE_LIMITS";

/**
 * Sets limits from `name=value,name=value` (values are integers; K/M/G suffixes allowed);
 * undefined or empty resets every limit to its default. Returns a problem, or undefined.
 */
export function setLimits(spec: string | undefined): string | undefined {
  current = defaults();
  spent.clear();
  if (!spec?.trim()) return undefined;
  for (const part of spec.split(",")) {
    const m = /^\s*([a-z_]+)\s*=\s*(\d+)([KMG]?)\s*$/.exec(part);
    if (!m || !Object.hasOwn(LIMIT_DEFAULTS, m[1])) {
      return `${LIMITS_ENV}: cannot read "${part.trim()}": expected name=value with a name among ${
        Object.keys(LIMIT_DEFAULTS).join(", ")
      }`;
    }
    const mult = m[3] === "K" ? 1024 : m[3] === "M" ? 2 ** 20 : m[3] === "G" ? 2 ** 30 : 1;
    const v = Number(m[2]) * mult;
    if (!Number.isSafeInteger(v) || v < 1) return `${LIMITS_ENV}: ${m[1]} must be at least 1`;
    current[m[1] as LimitName] = v;
  }
  return undefined;
}

/** `<what> is limited to N (raise with ITERTRACE_LIMITS=name=M)`: the text of a refusal. */
export function limitMessage(name: LimitName, wanted?: number | bigint): string {
  const v = limit(name);
  const got = wanted === undefined ? "" : `; this needs ${wanted}`;
  return `${
    LIMIT_DEFAULTS[name].what
  } are limited to ${v}${got} (raise with ${LIMITS_ENV}=${name}=${
    wanted !== undefined && BigInt(wanted) > BigInt(v) ? wanted : v * 2
  })`;
}

/**
 * Spends `amount` of a budget-type limit (work shared by a whole run, reset by setLimits);
 * false, spending nothing, when the rest of the budget is smaller.
 */
export function spend(name: LimitName, amount: number): boolean {
  const used = spent.get(name) ?? 0;
  if (used + amount > limit(name)) return false;
  spent.set(name, used + amount);
  return true;
}

/** Throws LimitError when `wanted` exceeds the limit. */
export function checkLimit(name: LimitName, wanted: number | bigint): void {
  // a number compared as one: extraction checks every segment, and a BigInt conversion costs
  // about a microsecond in code V8 has not optimized
  const over = typeof wanted === "number" ? wanted > limit(name) : wanted > BigInt(limit(name));
  if (over) throw new LimitError(name, wanted);
}

/** A limit was exceeded; callers turn it into a positioned trace error. */
export class LimitError extends RangeError {
  readonly limitName: LimitName;
  constructor(name: LimitName, wanted?: number | bigint) {
    super(limitMessage(name, wanted));
    this.name = "LimitError";
    this.limitName = name;
  }
}
