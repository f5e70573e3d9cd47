/**
 * The CLI's window on the world. Only this file and main.ts touch Deno; tests pass a fake.
 *
 * @module
 */
import { FileError } from "../errors.ts";
import { decodeText, firstInvalidUtf8, sniff } from "./decode.ts";

/** What a path is: a regular file, a directory, or something else (FIFO, device, socket). */
export interface PathInfo {
  /** A regular file, a directory, or something else. */
  readonly kind: "file" | "dir" | "other";
  /** Size in bytes. */
  readonly size: number;
}

/** Files, streams and environment the commands use. */
export interface Io {
  /** A whole text file; refuses directories and non-regular files (FileError). */
  readTextFile(path: string): Promise<string>;
  /**
   * Lines of a file, streamed a chunk at a time (an array per read, as lineBatches splits
   * them): a long JSON Lines trace is read without a promise per line; fileLines gives them
   * one by one.
   */
  readLineBatches(path: string): AsyncIterable<string[]>;
  /** Lines of standard input, streamed as readLineBatches does (a trace given as `-`). */
  stdinLineBatches?(): AsyncIterable<string[]>;
  /** Writes atomically (a temporary file renamed over the target); FileError on failure. */
  writeTextFile(path: string, text: string): Promise<void>;
  /** Directory entries (names), or undefined if `path` is not a directory. */
  readDir(path: string): Promise<{ name: string; isDirectory: boolean }[] | undefined>;
  /** Whether `path` exists. */
  exists(path: string): Promise<boolean>;
  /** What `path` is (symlinks followed), or undefined when it does not exist. */
  stat(path: string): Promise<PathInfo | undefined>;
  /** The canonical path of an existing file, or undefined. */
  realPath(path: string): Promise<string | undefined>;
  /** An environment variable, when readable. */
  env(name: string): string | undefined;
  /** Deletes a file (stale era goldens on `check --update`). */
  remove?(path: string): Promise<void>;
  /**
   * A file written piece by piece into a temporary file beside `path`, renamed over it by
   * `commit()` (an interrupted run leaves the old file); `abort()` removes the temporary.
   */
  createOutput(path: string): Promise<Output>;
  /** Writes to standard output. */
  stdout(text: string): void;
  /** Writes to standard error. */
  stderr(text: string): void;
  /** A monotonic clock in milliseconds, for the times `check` reports (absent in tests). */
  now?(): number;
  /** Whether stdout is a terminal and colour is allowed (NO_COLOR unset). */
  readonly color: boolean;
  /** Whether stderr is a terminal (a progress line may be drawn there). */
  readonly stderrTerminal?: boolean;
}

/** An output file being written (see Io.createOutput). */
export interface Output {
  /** Appends text to the temporary file. */
  write(text: string): Promise<void>;
  /** Renames the temporary file over the target. */
  commit(): Promise<void>;
  /** Removes the temporary file, leaving the target as it was. */
  abort(): Promise<void>;
}

/** Longest line accepted from a JSON Lines trace (16 MiB). */
export const MAX_LINE = 16 * 2 ** 20;

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * Splits a byte stream into lines in time linear in the input, a whole chunk at a time: each
 * chunk read yields the array of lines it completes (a line split across chunks is kept as a
 * list of pieces, and only the new chunk is searched). The first bytes choose the encoding
 * (UTF-8, or UTF-16 with a byte-order mark, which is dropped); a line's "\r\n" ending loses
 * its "\r"; a last line without a newline is a line. Gzip, UTF-32, binary and invalid UTF-8
 * end the stream with a RangeError naming what the input is, and so does a line longer than
 * MAX_LINE; the lines completed before the problem are yielded first.
 */
export async function* lineBatches(
  stream: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): AsyncIterable<string[]> {
  let pieces: string[] = [], held = 0;
  let decoder: TextDecoder | undefined;
  let head: Uint8Array = new Uint8Array(0);
  let lines = 0;
  const decode = (bytes: Uint8Array, end: boolean): string => {
    if (!decoder) {
      const s = sniff(bytes);
      if (s.kind === "refuse") throw new RangeError(s.reason.replace(/^is /, "the input is "));
      decoder = new TextDecoder(s.kind, { fatal: true });
    }
    try {
      return decoder.decode(bytes, { stream: !end });
    } catch {
      if (decoder.encoding !== "utf-8") {
        throw new RangeError(`not valid ${decoder.encoding.toUpperCase()} text`);
      }
      const bad = Math.max(0, firstInvalidUtf8(bytes));
      const line = lines + 1 + bytes.subarray(0, bad).filter((b) => b === 0x0a).length;
      throw new RangeError(
        `not valid UTF-8 (byte 0x${
          bytes[bad].toString(16).padStart(2, "0")
        } in line ${line}); traces and captures are UTF-8 text`,
      );
    }
  };
  const tooLong = () => new RangeError(`a line longer than ${MAX_LINE / 2 ** 20} MiB`);
  /** Appends the lines `chunk` completes to `out`; returns the error that stops the stream. */
  const split = (chunk: string, out: string[]): RangeError | undefined => {
    let start = 0, i: number;
    while ((i = chunk.indexOf("\n", start)) >= 0) {
      let line: string;
      if (pieces.length) {
        if (held + i - start > MAX_LINE) return tooLong();
        pieces.push(chunk.slice(start, i));
        line = pieces.join("");
        pieces = [];
        held = 0;
      } else {
        if (i - start > MAX_LINE) return tooLong();
        line = chunk.slice(start, i);
      }
      lines++;
      out.push(line.endsWith("\r") ? line.slice(0, -1) : line);
      start = i + 1;
    }
    if (start < chunk.length) {
      pieces.push(chunk.slice(start));
      held += chunk.length - start;
      if (held > MAX_LINE) return tooLong();
    }
  };
  const batch = function* (text: string): Generator<string[]> {
    const out: string[] = [];
    const err = split(text, out);
    if (out.length) yield out;
    if (err) throw err;
  };
  for await (const raw of stream) {
    let bytes = raw;
    if (!decoder) {
      head = concat(head, raw);
      if (head.length < 4) continue;
      bytes = head;
    }
    yield* batch(decode(bytes, false));
  }
  yield* batch(decode(decoder ? new Uint8Array(0) : head, true));
  if (pieces.length) yield [pieces.join("")];
}

/**
 * A whole regular file's bytes, read synchronously into a buffer of the size fstat gives
 * (grown if the file grows meanwhile). Deno.readFile took 70-110 ms for a 15 MB trace that
 * this reads in 3-20 ms: it is the YAML loader's first step.
 */
export function readWhole(f: Deno.FsFile): Uint8Array {
  try {
    // one byte more than the size: a read that fills it means the file grew
    let buf = new Uint8Array(f.statSync().size + 1);
    let off = 0;
    for (;;) {
      if (off === buf.length) {
        const grown = new Uint8Array(buf.length * 2);
        grown.set(buf);
        buf = grown;
      }
      const n = f.readSync(buf.subarray(off));
      if (n === null) break;
      off += n;
    }
    return buf.subarray(0, off);
  } finally {
    f.close();
  }
}

/**
 * A regular file's bytes, 64 KiB a read, read synchronously into one buffer (each chunk is
 * consumed before the next read: lineBatches decodes or copies it). A read from the page
 * cache takes microseconds; FsFile.readable's asynchronous reads each wait for a thread
 * pool's turn, which left the replay of a large trace idle for a tenth of its time. Closes
 * the file when done or abandoned.
 */
export function* fileChunks(f: Deno.FsFile, size = 65536): Generator<Uint8Array> {
  const buf = new Uint8Array(size);
  try {
    for (;;) {
      const got = f.readSync(buf);
      if (got === null) return;
      if (got) yield buf.subarray(0, got);
    }
  } finally {
    f.close();
  }
}

/** The lines of a byte stream one by one, as lineBatches splits them. */
export async function* linesOf(
  stream: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): AsyncIterable<string> {
  for await (const b of lineBatches(stream)) yield* b;
}

/**
 * What lineBatches refuses (binary, gzip, UTF-32, invalid UTF-8, an over-long line) as a
 * FileError naming `path` (exit 2), not an exception escaping the command; any other error
 * as it is.
 */
export function refusal(path: string, e: unknown): unknown {
  return e instanceof RangeError ? new FileError(path, e.message.replace(/^the input /, "")) : e;
}

/** Lines of a capture or other line-oriented input, one by one; a refusal names the file. */
export async function* fileLines(io: Io, path: string): AsyncIterable<string> {
  try {
    for await (const b of io.readLineBatches(path)) yield* b;
  } catch (e) {
    throw refusal(path, e);
  }
}

function writeAll(w: { writeSync(p: Uint8Array): number }, data: Uint8Array): void {
  let off = 0;
  while (off < data.length) off += w.writeSync(data.subarray(off));
}

/** A Deno file-system error in plain words ("permission denied"). */
export function fsReason(e: unknown): string {
  if (e instanceof Deno.errors.NotFound) return "no such file or directory";
  if (e instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (e instanceof Deno.errors.IsADirectory) return "is a directory";
  if (e instanceof Deno.errors.NotADirectory) return "a part of the path is not a directory";
  if (e instanceof Deno.errors.AlreadyExists) return "already exists";
  const m = e instanceof Error ? e.message : String(e);
  const text = m.replace(/ \(os error \d+\).*$/s, "");
  return text.charAt(0).toLowerCase() + text.slice(1);
}

async function info(p: string): Promise<PathInfo | undefined> {
  let st: Deno.FileInfo;
  try {
    st = await Deno.stat(p);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) {
      return undefined;
    }
    throw new FileError(p, fsReason(e));
  }
  return { kind: st.isFile ? "file" : st.isDirectory ? "dir" : "other", size: st.size };
}

/** Refuses what is not a regular file before anything opens it (opening a FIFO blocks). */
async function regularFile(p: string): Promise<PathInfo> {
  const st = await info(p);
  if (!st) throw new FileError(p, "no such file");
  if (st.kind === "dir") throw new FileError(p, "is a directory, not a file");
  if (st.kind === "other") {
    throw new FileError(
      p,
      "is not a regular file (a FIFO, device or socket); itertrace reads regular files only",
    );
  }
  return st;
}

/** Writes `text` to `p` through a temporary file in the same directory and a rename. */
async function writeAtomic(p: string, text: string): Promise<void> {
  const st = await info(p);
  if (st?.kind === "dir") throw new FileError(p, "cannot write: is a directory");
  if (st?.kind === "other") {
    // a device or FIFO (-o /dev/stdout) is written in place: renaming over it would replace it
    try {
      await Deno.writeTextFile(p, text);
    } catch (e) {
      throw new FileError(p, `cannot write: ${fsReason(e)}`);
    }
    return;
  }
  const slash = p.lastIndexOf("/");
  const dir = slash < 0 ? "." : p.slice(0, slash) || "/";
  const base = p.slice(slash + 1);
  const tmp = `${dir}/.${base}.${Deno.pid}-${Math.random().toString(36).slice(2, 8)}.tmp`;
  try {
    await Deno.writeTextFile(tmp, text, { createNew: true });
    await Deno.rename(tmp, p);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw await writeFailure(p, e);
  }
}

/** Why writing `p` failed, as a FileError: its folder missing or not a folder, or the reason. */
async function writeFailure(p: string, e: unknown): Promise<FileError> {
  if (e instanceof FileError) return e;
  const slash = p.lastIndexOf("/");
  const dir = slash < 0 ? "." : p.slice(0, slash) || "/";
  const dirInfo = await info(dir).catch(() => undefined);
  const reason = !dirInfo
    ? `cannot write: the directory ${dir} does not exist`
    : dirInfo.kind !== "dir"
    ? `cannot write: ${dir} is not a directory`
    : `cannot write: ${fsReason(e)}`;
  return new FileError(p, reason);
}

/**
 * An output written piece by piece: into a temporary file beside `p`, renamed over it on
 * commit; a device or FIFO is written in place (renaming would replace it). Every failure is
 * a FileError naming `p`.
 */
async function openOutput(p: string): Promise<Output> {
  const st = await info(p).catch(() => undefined);
  if (st?.kind === "dir") throw new FileError(p, "cannot write: is a directory");
  const inPlace = st?.kind === "other";
  const slash = p.lastIndexOf("/");
  const tmp = inPlace ? p : `${p.slice(0, slash + 1)}.${p.slice(slash + 1)}.${Deno.pid}.tmp`;
  let f: Deno.FsFile;
  try {
    f = await Deno.open(tmp, { write: true, create: !inPlace, truncate: !inPlace });
  } catch (e) {
    throw await writeFailure(p, e);
  }
  let closed = false;
  const close = () => {
    if (!closed) {
      closed = true;
      f.close();
    }
  };
  const removeTmp = () => inPlace ? Promise.resolve() : Deno.remove(tmp).catch(() => {});
  return {
    async write(t) {
      try {
        // FsFile.write, not a stream writer: a full device (ENOSPC) must fail here
        const data = new TextEncoder().encode(t);
        for (let off = 0; off < data.length;) off += await f.write(data.subarray(off));
      } catch (e) {
        throw await writeFailure(p, e);
      }
    },
    async commit() {
      try {
        close();
        if (!inPlace) await Deno.rename(tmp, p);
      } catch (e) {
        await removeTmp();
        throw await writeFailure(p, e);
      }
    },
    async abort() {
      try {
        close();
      } catch { /* already failed */ }
      await removeTmp();
    },
  };
}

/** The real Io over Deno. */
export function denoIo(): Io {
  const enc = new TextEncoder();
  return {
    async readTextFile(p) {
      await regularFile(p);
      let bytes: Uint8Array;
      try {
        bytes = readWhole(await Deno.open(p));
      } catch (e) {
        throw new FileError(p, `cannot read: ${fsReason(e)}`);
      }
      return decodeText(bytes, p);
    },
    async *readLineBatches(p) {
      await regularFile(p);
      let f: Deno.FsFile;
      try {
        f = await Deno.open(p);
      } catch (e) {
        throw new FileError(p, `cannot read: ${fsReason(e)}`);
      }
      yield* lineBatches(fileChunks(f));
    },
    stdinLineBatches: () => lineBatches(Deno.stdin.readable),
    now: () => performance.now(),
    writeTextFile: writeAtomic,
    remove: (p) => Deno.remove(p),
    async readDir(p) {
      const st = await info(p);
      if (st?.kind !== "dir") return undefined;
      const out: { name: string; isDirectory: boolean }[] = [];
      try {
        for await (const e of Deno.readDir(p)) {
          out.push({ name: e.name, isDirectory: e.isDirectory });
        }
      } catch (e) {
        throw new FileError(p, `cannot list: ${fsReason(e)}`);
      }
      return out;
    },
    async exists(p) {
      try {
        await Deno.stat(p);
        return true;
      } catch {
        return false;
      }
    },
    stat: info,
    async realPath(p) {
      try {
        return await Deno.realPath(p);
      } catch {
        return undefined;
      }
    },
    env(name) {
      try {
        return Deno.env.get(name);
      } catch {
        return undefined;
      }
    },
    createOutput: openOutput,
    stdout: (t) => {
      try {
        writeAll(Deno.stdout, enc.encode(t));
      } catch (e) {
        // a reader that went away (itertrace replay ... | head) ends the run quietly
        if (e instanceof Deno.errors.BrokenPipe) Deno.exit(0);
        throw e;
      }
    },
    stderr: (t) => {
      writeAll(Deno.stderr, enc.encode(t));
    },
    // Deno.noColor reflects NO_COLOR and needs no env permission
    color: Deno.stdout.isTerminal() && !Deno.noColor,
    stderrTerminal: Deno.stderr.isTerminal(),
  };
}
