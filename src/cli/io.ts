/**
 * The CLI's window on the world. Only this file and main.ts touch Deno; tests pass a fake.
 *
 * @module
 */

/** Files, streams and environment the commands use. */
export interface Io {
  readTextFile(path: string): Promise<string>;
  /** Lines of a file, streamed. */
  readLines(path: string): AsyncIterable<string>;
  writeTextFile(path: string, text: string): Promise<void>;
  /** Directory entries (names), or undefined if `path` is not a directory. */
  readDir(path: string): Promise<{ name: string; isDirectory: boolean }[] | undefined>;
  exists(path: string): Promise<boolean>;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stdout is a terminal and colour is allowed (NO_COLOR unset). */
  readonly color: boolean;
}

/** Longest line accepted from a JSON Lines trace (16 MiB). */
export const MAX_LINE = 16 * 2 ** 20;

/**
 * Splits a byte stream into lines in time linear in the input: a partial line is kept as a
 * list of pieces and searched only in the new chunk. A line longer than MAX_LINE ends the
 * stream with a RangeError.
 */
export async function* linesOf(stream: ReadableStream<Uint8Array>): AsyncIterable<string> {
  let pieces: string[] = [], held = 0;
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    let start = 0, i: number;
    while ((i = chunk.indexOf("\n", start)) >= 0) {
      pieces.push(chunk.slice(start, i));
      if (held + i - start > MAX_LINE) {
        throw new RangeError(`a line longer than ${MAX_LINE / 2 ** 20} MiB`);
      }
      const line = pieces.join("");
      pieces = [];
      held = 0;
      yield line.endsWith("\r") ? line.slice(0, -1) : line;
      start = i + 1;
    }
    if (start < chunk.length) {
      pieces.push(chunk.slice(start));
      held += chunk.length - start;
      if (held > MAX_LINE) throw new RangeError(`a line longer than ${MAX_LINE / 2 ** 20} MiB`);
    }
  }
  if (pieces.length) yield pieces.join("");
}

function writeAll(w: { writeSync(p: Uint8Array): number }, data: Uint8Array): void {
  let off = 0;
  while (off < data.length) off += w.writeSync(data.subarray(off));
}

/** The real Io over Deno. */
export function denoIo(): Io {
  const enc = new TextEncoder();
  return {
    readTextFile: (p) => Deno.readTextFile(p),
    async *readLines(p) {
      const f = await Deno.open(p);
      yield* linesOf(f.readable);
    },
    writeTextFile: (p, t) => Deno.writeTextFile(p, t),
    async readDir(p) {
      try {
        const st = await Deno.stat(p);
        if (!st.isDirectory) return undefined;
      } catch {
        return undefined;
      }
      const out: { name: string; isDirectory: boolean }[] = [];
      for await (const e of Deno.readDir(p)) out.push({ name: e.name, isDirectory: e.isDirectory });
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
    color: Deno.stdout.isTerminal() && !Deno.env.get("NO_COLOR"),
  };
}
