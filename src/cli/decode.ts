/**
 * Bytes of an input file to text. Traces and captures are UTF-8; a UTF-8 or UTF-16
 * byte-order mark is honoured, and anything else (UTF-32, gzip, binary, invalid UTF-8) is
 * refused with a message that names what the file is, instead of letting the parser report
 * "expected a mapping".
 *
 * @module
 */
import { FileError, TraceError } from "../errors.ts";

/** What the first bytes say about a file's encoding. */
export type Sniffed =
  | { readonly kind: "utf-8"; readonly bom: number }
  | { readonly kind: "utf-16le" | "utf-16be"; readonly bom: number }
  | { readonly kind: "refuse"; readonly reason: string };

function startsWith(b: Uint8Array, sig: readonly number[]): boolean {
  return b.length >= sig.length && sig.every((x, i) => b[i] === x);
}

/** Reads the encoding from a file's first bytes (at least 4 when the file has them). */
export function sniff(head: Uint8Array): Sniffed {
  if (startsWith(head, [0x1f, 0x8b])) {
    return { kind: "refuse", reason: "is gzip-compressed; decompress it first (gunzip)" };
  }
  if (startsWith(head, [0x28, 0xb5, 0x2f, 0xfd])) {
    return { kind: "refuse", reason: "is zstd-compressed; decompress it first (unzstd)" };
  }
  if (startsWith(head, [0x00, 0x00, 0xfe, 0xff]) || startsWith(head, [0xff, 0xfe, 0x00, 0x00])) {
    return {
      kind: "refuse",
      reason: "is UTF-32 encoded; convert it to UTF-8 (iconv -f UTF-32 -t UTF-8)",
    };
  }
  if (startsWith(head, [0xef, 0xbb, 0xbf])) return { kind: "utf-8", bom: 3 };
  if (startsWith(head, [0xff, 0xfe])) return { kind: "utf-16le", bom: 2 };
  if (startsWith(head, [0xfe, 0xff])) return { kind: "utf-16be", bom: 2 };
  const nul = head.indexOf(0);
  if (nul >= 0) {
    // text without a byte-order mark in UTF-16 or UTF-32 has a NUL in every other (or most) byte
    const sample = head.subarray(0, 64);
    const nuls = sample.filter((x) => x === 0).length;
    if (nuls * 2 >= sample.length && sample.length >= 4) {
      return {
        kind: "refuse",
        reason:
          "looks like UTF-16 or UTF-32 text without a byte-order mark; convert it to UTF-8 (iconv -t UTF-8)",
      };
    }
    return {
      kind: "refuse",
      reason: `is binary (a NUL byte at offset ${nul}), not a text trace or capture`,
    };
  }
  return { kind: "utf-8", bom: 0 };
}

/** Line and column (1-based) of byte `offset` in UTF-8 `bytes`, counting characters. */
function bytePosition(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1, lineStart = 0;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++, lineStart = i + 1;
  let column = 1;
  for (let i = lineStart; i < offset; i++) if ((bytes[i] & 0xc0) !== 0x80) column++;
  return { line, column };
}

/** The first byte at which `bytes` stops being valid UTF-8, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number, min: number;
    if (b >= 0xc2 && b <= 0xdf) need = 1, min = 0x80;
    else if (b >= 0xe0 && b <= 0xef) need = 2, min = 0x800;
    else if (b >= 0xf0 && b <= 0xf4) need = 3, min = 0x10000;
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** Bytes decoded a time by utf8(). */
const DECODE_CHUNK = 64 * 1024;

/**
 * Strict UTF-8 decoding (a TypeError on invalid input), 64 KiB at a time: one fatal decode of
 * a whole 15 MB file took 180-260 ms here, the same bytes streamed through the decoder in
 * 64 KiB pieces 9-20 ms (the pieces are joined as a rope, flattened once when first read).
 */
function utf8(body: Uint8Array): string {
  const dec = new TextDecoder("utf-8", { fatal: true });
  if (body.length <= DECODE_CHUNK) return dec.decode(body);
  let out = "";
  for (let at = 0; at < body.length; at += DECODE_CHUNK) {
    out += dec.decode(body.subarray(at, at + DECODE_CHUNK), { stream: true });
  }
  return out + dec.decode();
}

/**
 * Decodes a whole input file. Throws FileError for what is not text at all (gzip, UTF-32,
 * binary) and a positioned TraceError for invalid UTF-8.
 */
export function decodeText(bytes: Uint8Array, file: string): string {
  const s = sniff(bytes.subarray(0, 8192));
  if (s.kind === "refuse") throw new FileError(file, s.reason);
  if (s.kind !== "utf-8") {
    try {
      return new TextDecoder(s.kind, { fatal: true }).decode(bytes.subarray(s.bom));
    } catch {
      throw new FileError(
        file,
        `starts with a ${s.kind.toUpperCase()} byte-order mark but is not ${s.kind.toUpperCase()} text`,
      );
    }
  }
  const body = bytes.subarray(s.bom);
  try {
    return utf8(body);
  } catch {
    const bad = Math.max(0, firstInvalidUtf8(body));
    throw new TraceError([{
      file,
      ...bytePosition(body, bad),
      message: `not valid UTF-8 (byte 0x${body[bad].toString(16).padStart(2, "0")} at offset ${
        bad + s.bom
      }); traces and captures are UTF-8 text`,
    }]);
  }
}
