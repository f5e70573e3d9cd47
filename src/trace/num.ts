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

/** An address expression: `<region>+<offset>`, `<region>`, or an absolute hex address. */
export type AddrExpr =
  | { readonly region: string; readonly offset: number }
  | { readonly abs: bigint };

/** Parses an address expression; undefined when malformed. */
export function parseAddrExpr(v: unknown): AddrExpr | undefined {
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

/** Parses a page reference; undefined when malformed. */
export function parsePageExpr(v: unknown): PageExpr | undefined {
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
