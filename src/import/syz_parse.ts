/**
 * Parses syzkaller's program text (the "syz" reproducer format of syzbot reports and
 * `syz-execprog` input, prog/encoding.go): one call per line,
 * `[rN = ]name[$variant](arg, ...)[ (properties)]`, `#` comments. Argument values:
 * integers (`0x10`, `12`), resources (`r0`, `<r1=>0x0` defining one inside a value),
 * pointers (`&(0x7f0000000040)=VALUE`, `&(0x7f0000000000/0x1000)=nil` for a mapping, `&AUTO`),
 * data (`'text\x00'`, `"hex"`, `""/170` for an output buffer of 170 bytes), arrays `[...]`,
 * structs `{...}`, unions `@name=VALUE`, `AUTO`, `nil`.
 *
 * Mail clients wrap long lines; a line whose brackets are still open at its end continues on
 * the next one, so a reproducer pasted from a report parses as written. Every error names its
 * file, line and column.
 *
 * @module
 */
import { badLine, clip } from "./capture.ts";

/** A value in a syz program, with the column of its first character. */
export type SyzValue =
  | { readonly k: "int"; readonly v: bigint; readonly at: Pos }
  | { readonly k: "res"; readonly name: string; readonly at: Pos }
  | { readonly k: "resdef"; readonly name: string; readonly value: SyzValue; readonly at: Pos }
  | {
    readonly k: "ptr";
    /** undefined for `&AUTO` (placed by syzkaller at run time) */
    readonly addr?: bigint;
    /** `&(addr/size)=nil`: a mapping of size bytes */
    readonly size?: bigint;
    readonly value?: SyzValue;
    readonly at: Pos;
  }
  | { readonly k: "data"; readonly len: number; readonly text?: string; readonly at: Pos }
  | { readonly k: "array" | "struct"; readonly items: readonly SyzValue[]; readonly at: Pos }
  | { readonly k: "union"; readonly name: string; readonly value?: SyzValue; readonly at: Pos }
  | { readonly k: "auto" | "nil"; readonly at: Pos };

/** A source position. */
export interface Pos {
  readonly line: number;
  readonly column: number;
}

/** One call of a program. */
export interface SyzCall {
  /** The full name, `openat$ppp`. */
  readonly name: string;
  /** The syscall (the name before `$`). */
  readonly base: string;
  /** `rN` when the call's result is a resource. */
  readonly result?: string;
  readonly args: readonly SyzValue[];
  readonly at: Pos;
}

/** Lines of one logical call and where each starts in the joined text. */
interface Joined {
  text: string;
  /** Where each physical line starts in text, and how much leading blank it lost. */
  starts: { offset: number; line: number; lead: number }[];
}

/** Brackets still open at the end of `s` (outside quotes), or -1 if a quote is open. */
function openDepth(s: string, depth0: number, quote0: string): { depth: number; quote: string } {
  let depth = depth0, quote = quote0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = "";
      continue;
    }
    if (c === "'" || c === '"' || c === "`") quote = c;
    else if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth--;
  }
  return { depth, quote };
}

/** Reads a program's calls, in order; a malformed call throws a positioned TraceError. */
export async function* parseSyz(
  lines: AsyncIterable<string>,
  file: string,
): AsyncGenerator<SyzCall> {
  let n = 0;
  let cur: Joined | undefined;
  let st = { depth: 0, quote: "" };
  for await (const raw of lines) {
    n++;
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (!cur) {
      const t = line.trim();
      if (!t || t.startsWith("#")) continue;
      cur = { text: "", starts: [] };
      st = { depth: 0, quote: "" };
    }
    const piece = cur.starts.length ? line.trimStart() : line;
    cur.starts.push({ offset: cur.text.length, line: n, lead: line.length - piece.length });
    cur.text += piece;
    st = openDepth(piece, st.depth, st.quote);
    if (st.depth > 0 && !st.quote && cur.starts.length < 64) continue;
    yield new CallParser(cur, file).call();
    cur = undefined;
  }
  if (cur) {
    const p = new CallParser(cur, file);
    p.fail(cur.text.length, "the call's brackets are not closed at the end of the file");
  }
}

/** Deepest nesting of pointers, arrays, structs and unions accepted (real programs: ~10). */
export const MAX_SYZ_DEPTH = 500;

const IDENT = /[A-Za-z_][A-Za-z0-9_$]*/y;
const NUM = /-?(?:0x[0-9a-fA-F]+|\d+)/y;

/** A recursive-descent parser over one (joined) call. */
class CallParser {
  private i = 0;
  constructor(private readonly j: Joined, private readonly file: string) {}

  /** The physical position of an offset in the joined text. */
  pos(offset: number): Pos {
    let k = 0;
    while (k + 1 < this.j.starts.length && this.j.starts[k + 1].offset <= offset) k++;
    const s = this.j.starts[k];
    return { line: s.line, column: offset - s.offset + 1 + s.lead };
  }

  fail(offset: number, message: string): never {
    const p = this.pos(offset);
    badLine(this.file, p.line, p.column, message);
  }

  private ws(): void {
    const t = this.j.text;
    while (this.i < t.length && (t[this.i] === " " || t[this.i] === "\t")) this.i++;
  }

  private peek(): string {
    this.ws();
    return this.j.text[this.i] ?? "";
  }

  private expect(c: string, what: string): void {
    if (this.peek() !== c) {
      const got = this.j.text[this.i];
      this.fail(
        this.i,
        `expected "${c}" ${what}, got ${
          got === undefined
            ? "the end of the line"
            : `"${clip(this.j.text.slice(this.i, this.i + 12))}"`
        }`,
      );
    }
    this.i++;
  }

  private match(re: RegExp): string | undefined {
    this.ws();
    re.lastIndex = this.i;
    const m = re.exec(this.j.text);
    if (!m) return undefined;
    this.i += m[0].length;
    return m[0];
  }

  private num(what: string): bigint {
    const at = this.i;
    const t = this.match(NUM);
    if (t === undefined) {
      this.fail(
        this.i,
        `${what}: expected a number, got "${clip(this.j.text.slice(this.i, this.i + 12))}"`,
      );
    }
    // BigInt() takes "-123" but not "-0x7b"
    const v = t.startsWith("-") ? -BigInt(t.slice(1)) : BigInt(t);
    if (v >= 1n << 64n || v < -(1n << 63n)) {
      this.fail(at, `${what}: ${clip(t)} does not fit in 64 bits`);
    }
    return v < 0n ? v + (1n << 64n) : v;
  }

  call(): SyzCall {
    this.ws();
    const start = this.i;
    let result: string | undefined;
    const first = this.match(IDENT);
    if (first === undefined) this.fail(this.i, "expected a call: [rN = ]name(args)");
    let name = first;
    if (/^r\d+$/.test(first) && this.peek() === "=") {
      this.i++;
      result = first;
      const nm = this.match(IDENT);
      if (nm === undefined) this.fail(this.i, `expected the call whose result is ${first}`);
      name = nm;
    }
    this.expect("(", `after the call name "${clip(name)}"`);
    const args: SyzValue[] = [];
    if (this.peek() !== ")") {
      for (;;) {
        args.push(this.value());
        if (this.peek() === ",") {
          this.i++;
          continue;
        }
        break;
      }
    }
    this.expect(")", `closing the arguments of ${clip(name)}`);
    // call properties: `(async)`, `(fail_nth: 1, rerun: 4)`
    if (this.peek() === "(") {
      const close = this.j.text.indexOf(")", this.i);
      if (close < 0) this.fail(this.i, "call properties are not closed");
      this.i = close + 1;
    }
    if (this.peek() !== "") {
      this.fail(this.i, `unexpected text after the call: "${clip(this.j.text.slice(this.i))}"`);
    }
    return {
      name,
      base: name.split("$")[0],
      ...(result !== undefined ? { result } : {}),
      args,
      at: this.pos(start),
    };
  }

  /** Nesting of value() now; a hostile program could otherwise overflow the stack. */
  private depth = 0;

  value(): SyzValue {
    if (this.depth >= MAX_SYZ_DEPTH) {
      this.fail(this.i, `values nest more than ${MAX_SYZ_DEPTH} levels deep`);
    }
    this.depth++;
    try {
      return this.nested();
    } finally {
      this.depth--;
    }
  }

  private nested(): SyzValue {
    const c = this.peek();
    const at = this.pos(this.i);
    const start = this.i;
    if (c === "&") {
      this.i++;
      if (this.match(/AUTO/y)) {
        if (this.peek() === "=") {
          this.i++;
          return { k: "ptr", value: this.value(), at };
        }
        return { k: "ptr", at };
      }
      this.expect("(", "after & (a pointer: &(0xADDR)=VALUE)");
      let addr = this.num("pointer address");
      // old programs: &(0x7f0000860000-0x8)
      const op = this.peek();
      if (op === "+" || op === "-") {
        this.i++;
        const off = this.num("pointer offset");
        addr = op === "+" ? addr + off : addr - off;
        if (addr < 0n || addr >= 1n << 64n) this.fail(start, "pointer address out of range");
      }
      let size: bigint | undefined;
      if (this.peek() === "/") {
        this.i++;
        size = this.num("mapping size");
      }
      this.expect(")", "closing the pointer's address");
      if (this.peek() === "=") {
        this.i++;
        const v = this.value();
        return { k: "ptr", addr, ...(size !== undefined ? { size } : {}), value: v, at };
      }
      return { k: "ptr", addr, ...(size !== undefined ? { size } : {}), at };
    }
    if (c === "[" || c === "{") {
      this.i++;
      const close = c === "[" ? "]" : "}";
      const items: SyzValue[] = [];
      if (this.peek() !== close) {
        for (;;) {
          items.push(this.value());
          if (this.peek() === ",") {
            this.i++;
            continue;
          }
          break;
        }
      }
      this.expect(close, `closing the ${c === "[" ? "array" : "struct"}`);
      return { k: c === "[" ? "array" : "struct", items, at };
    }
    if (c === "@") {
      this.i++;
      const name = this.match(IDENT);
      if (name === undefined) this.fail(this.i, "expected a union member name after @");
      if (this.peek() === "=") {
        this.i++;
        return { k: "union", name, value: this.value(), at };
      }
      return { k: "union", name, at };
    }
    if (c === "<") {
      this.i++;
      const name = this.match(/r\d+/y);
      if (name === undefined) this.fail(this.i, "expected <rN=>VALUE");
      this.expect("=", `in <${name}=>`);
      this.expect(">", `in <${name}=>`);
      return { k: "resdef", name, value: this.value(), at };
    }
    if (c === "'" || c === '"' || c === "`") return this.data(at);
    if (c === "-" || (c >= "0" && c <= "9")) return { k: "int", v: this.num("number"), at };
    const id = this.match(IDENT);
    if (id !== undefined) {
      if (id === "AUTO") return { k: "auto", at };
      if (id === "nil" || id === "void") return { k: "nil", at };
      if (/^r\d+$/.test(id)) {
        // rN, rN/1000+2 (prog's result arithmetic)
        if (this.peek() === "/") {
          this.i++;
          this.num("resource divisor");
        }
        if (this.peek() === "+") {
          this.i++;
          this.num("resource addend");
        }
        return { k: "res", name: id, at };
      }
      if (id === "ANY" && this.peek() === "=") {
        this.i++;
        const v = this.value();
        return { k: "data", len: -1, at: v.at };
      }
      this.fail(start, `unknown value "${clip(id)}"`);
    }
    this.fail(
      this.i,
      c ? `unexpected "${clip(this.j.text.slice(this.i, this.i + 12))}"` : "a value is missing",
    );
  }

  /** `'text'` (escaped), `"hex"`, `` `...` ``, each with an optional `/size`. */
  private data(at: Pos): SyzValue {
    const t = this.j.text;
    const q = t[this.i];
    const start = this.i;
    let i = this.i + 1;
    let bytes = 0;
    let text = "";
    while (i < t.length && t[i] !== q) {
      if (t[i] === "\\" && q !== "`") {
        const e = t[i + 1];
        if (e === "x") {
          if (!/^[0-9a-fA-F]{2}$/.test(t.slice(i + 2, i + 4))) {
            this.fail(i, "a \\x escape needs two hex digits");
          }
          text += String.fromCharCode(parseInt(t.slice(i + 2, i + 4), 16));
          i += 4;
        } else {
          text += e ?? "";
          i += 2;
        }
      } else {
        text += t[i];
        i++;
      }
      bytes++;
    }
    if (i >= t.length) this.fail(start, "the data's quote is not closed");
    this.i = i + 1;
    let len = bytes;
    if (q === '"') {
      // hex-encoded bytes; compressed images ("$eJz...") have no fixed length here
      len = /^[0-9a-fA-F]*$/.test(text) ? Math.floor(text.length / 2) : -1;
      if (len >= 0 && text.length % 2) this.fail(start, "hex data with an odd number of digits");
    }
    if (this.peek() === "/") {
      this.i++;
      const size = this.num("data size");
      if (size > 1n << 40n) this.fail(start, "data size too large");
      len = Number(size);
    }
    return { k: "data", len, ...(q === "'" ? { text } : {}), at };
  }
}
