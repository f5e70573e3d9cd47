/**
 * Number and name syntax of the trace format (trace-format.md section 1): integers, or
 * strings "0x1f00", "4K", "2M", "1G"; errno names; address expressions; page names.
 *
 * @module
 */

/** Errno names the format accepts, with their (positive) numbers. */
export const ERRNOS: Readonly<Record<string, number>> = {
  EPERM: 1,
  ENOENT: 2,
  EIO: 5,
  E2BIG: 7,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  EINVAL: 22,
  ENOSPC: 28,
  ESPIPE: 29,
  EPIPE: 32,
  ERANGE: 34,
  EBADMSG: 74,
  EOPNOTSUPP: 95,
  EREMOTEIO: 121,
  EIOCBQUEUED: 529,
};

/** The name of a negative errno, or undefined. */
export function errnoName(n: number): string | undefined {
  for (const [k, v] of Object.entries(ERRNOS)) if (-v === n) return `-${k}`;
  return undefined;
}

const SUFFIX: Record<string, bigint> = { K: 1024n, M: 1024n ** 2n, G: 1024n ** 3n, T: 1024n ** 4n };

/**
 * Parses a number as the format writes it: an integer or a string in decimal, hex (0x),
 * with an optional K/M/G/T suffix (powers of 1024), or an errno name (-EFAULT).
 * Returns undefined when the text is not a number.
 */
export function parseBig(v: unknown): bigint | undefined {
  if (typeof v === "number") return Number.isSafeInteger(v) ? BigInt(v) : undefined;
  if (typeof v === "bigint") return v;
  if (typeof v !== "string") return undefined;
  const t = v.trim();
  const errno = /^-(E[A-Z0-9]+)$/.exec(t);
  if (errno) return ERRNOS[errno[1]] !== undefined ? -BigInt(ERRNOS[errno[1]]) : undefined;
  const m = /^(-?)(0x[0-9a-fA-F]+|\d+)([KMGT]?)$/.exec(t);
  if (!m) return undefined;
  let n = BigInt(m[2]) * (m[3] ? SUFFIX[m[3]] : 1n);
  if (m[1]) n = -n;
  return n;
}

const SUFFIX_N: Record<string, number> = { K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/**
 * The hot path of parseNum: the common spellings (a safe integer, or "0x..", decimal digits
 * and a K/M/G/T suffix with nothing around them) scanned without a regex or a BigInt.
 * Undefined for anything else, including values beyond 2^53: the caller then asks parseBig,
 * which is exact. Whenever this returns a number, it is the value parseBig gives.
 */
export function scanSafeInt(v: unknown): number | undefined {
  if (typeof v === "number") return Number.isSafeInteger(v) ? v + 0 : undefined;
  if (typeof v !== "string") return undefined;
  return scanRange(v, 0, v.length);
}

/** scanSafeInt of `v.slice(from, len)`, without the slice. */
export function scanRange(v: string, from: number, len: number): number | undefined {
  let i = from, neg = false;
  if (i < len && v.charCodeAt(i) === 45 /* - */) neg = true, i++;
  let n = 0, digits = 0;
  if (i + 1 < len && v.charCodeAt(i) === 48 && v.charCodeAt(i + 1) === 120 /* 0x */) {
    for (i += 2; i < len; i++, digits++) {
      const c = v.charCodeAt(i);
      const d = c >= 48 && c <= 57
        ? c - 48
        : c >= 97 && c <= 102
        ? c - 87
        : c >= 65 && c <= 70
        ? c - 55
        : -1;
      if (d < 0) break;
      n = n * 16 + d;
    }
    if (digits === 0 || digits > 13) return undefined; // 13 hex digits: below 2^52
  } else {
    for (; i < len; i++, digits++) {
      const c = v.charCodeAt(i);
      if (c < 48 || c > 57) break;
      n = n * 10 + (c - 48);
    }
    if (digits === 0 || digits > 15) return undefined; // 15 digits: below 2^50
  }
  if (i < len) {
    const mul = SUFFIX_N[v[i]];
    if (mul === undefined || i + 1 !== len) return undefined;
    n *= mul;
    if (!Number.isSafeInteger(n)) return undefined;
  }
  return neg ? 0 - n : n;
}

/**
 * A number as parseBig reads it, as a plain number when it is a safe integer (the common
 * case, found without a regex or a BigInt) and as a bigint beyond 2^53; undefined when the
 * value is not a number.
 */
export function parseNum(v: unknown): number | bigint | undefined {
  const n = scanSafeInt(v);
  if (n !== undefined) return n;
  const b = parseBig(v);
  if (b === undefined) return undefined;
  const x = Number(b);
  return Number.isSafeInteger(x) ? x : b;
}

/** An address expression: `<region>+<offset>`, `<region>`, or an absolute hex address. */
export type AddrExpr =
  | { readonly region: string; readonly offset: number }
  | { readonly abs: bigint };

/** Whether a UTF-16 unit may follow a name's first character ([\w.-]). */
function nameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 ||
    c === 46 || c === 45;
}

/** Whether a UTF-16 unit may start a name ([A-Za-z_]). */
function nameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

/** Length of the name at the start of `v`, up to `stop` (a unit no name holds), or -1. */
function nameEnd(v: string, stop: number): number {
  if (v.length === 0 || !nameStart(v.charCodeAt(0))) return -1;
  let i = 1;
  for (; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === stop) return i;
    if (!nameChar(c)) return -1;
  }
  return i;
}

/** The number the last successful addrHot or pageHot scanned (the offset or the index). */
let hotNumber = 0;

/**
 * The hot spelling of an address, "<region>" or "<region>+<plain offset>": the end of the
 * region's name (v.length when there is no offset, the offset then in hotNumber), or -1 for
 * any other spelling, which parseAddrExprSlow reads.
 */
function addrHot(v: string): number {
  const end = nameEnd(v, 43 /* + */);
  if (end === v.length) return end;
  if (end > 0) {
    const off = scanRange(v, end + 1, v.length);
    if (off !== undefined && off >= 0) {
      hotNumber = off;
      return end;
    }
  }
  return -1;
}

/** Parses an address expression; undefined when malformed. */
export function parseAddrExpr(v: unknown): AddrExpr | undefined {
  if (typeof v === "string") {
    const end = addrHot(v);
    if (end === v.length) return { region: v, offset: 0 };
    if (end > 0) return { region: v.slice(0, end), offset: hotNumber };
  }
  return parseAddrExprSlow(v);
}

/** Whether parseAddrExpr reads `v`, found without building the expression in the common case. */
export function isAddrExpr(v: unknown): boolean {
  return (typeof v === "string" && addrHot(v) > 0) || parseAddrExprSlow(v) !== undefined;
}

/** parseAddrExpr by the format's grammar, for every spelling. */
function parseAddrExprSlow(v: unknown): AddrExpr | undefined {
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return { abs: BigInt(v) };
  if (typeof v !== "string") return undefined;
  if (/^0x[0-9a-fA-F]+$/.test(v)) return { abs: BigInt(v) };
  const m = /^([A-Za-z_][\w.-]*?)(?:\+(.+))?$/.exec(v);
  if (!m) return undefined;
  if (m[2] === undefined) return { region: m[1], offset: 0 };
  const off = parseBig(m[2]);
  if (off === undefined || off < 0n || off > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return { region: m[1], offset: Number(off) };
}

/** A page reference: `<region>[<i>]`, `<owner>:<n>`, or `{pfn: N}`. */
export type PageExpr =
  | { readonly region: string; readonly index: number }
  | { readonly pfn: number }
  | { readonly alloc: string };

/**
 * The hot spelling of a page reference, "<region>[<plain index>]": the end of the region's
 * name, the index then in hotNumber, or -1 for any other spelling (parsePageExprSlow's).
 */
function pageHot(v: string): number {
  const end = nameEnd(v, 91 /* [ */);
  if (
    end > 0 && end + 1 < v.length && v.charCodeAt(end + 1) !== 45 /* - */ &&
    v.charCodeAt(v.length - 1) === 93 /* ] */
  ) {
    const i = scanRange(v, end + 1, v.length - 1);
    if (i !== undefined && i >= 0) {
      hotNumber = i;
      return end;
    }
  }
  return -1;
}

/** Parses a page reference; undefined when malformed. */
export function parsePageExpr(v: unknown): PageExpr | undefined {
  if (typeof v === "string") {
    const end = pageHot(v);
    if (end > 0) return { region: v.slice(0, end), index: hotNumber };
  }
  return parsePageExprSlow(v);
}

/** Whether parsePageExpr reads `v`, found without building the reference in the common case. */
export function isPageExpr(v: unknown): boolean {
  return (typeof v === "string" && pageHot(v) > 0) || parsePageExprSlow(v) !== undefined;
}

/** parsePageExpr by the format's grammar, for every spelling. */
function parsePageExprSlow(v: unknown): PageExpr | undefined {
  if (typeof v === "object" && v !== null && "pfn" in v) {
    const n = parseBig((v as { pfn: unknown }).pfn);
    return n !== undefined && n >= 0n && n <= BigInt(Number.MAX_SAFE_INTEGER)
      ? { pfn: Number(n) }
      : undefined;
  }
  if (typeof v !== "string") return undefined;
  if (v === "zero_page") return { alloc: v };
  const m = /^([A-Za-z_][\w.-]*)\[(\w+)\]$/.exec(v);
  if (m) {
    const i = parseBig(m[2]);
    return i !== undefined && i >= 0n ? { region: m[1], index: Number(i) } : undefined;
  }
  if (/^[A-Za-z_][\w.-]*:\d+$/.test(v)) return { alloc: v };
  return undefined;
}
