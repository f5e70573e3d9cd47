/**
 * The baseline the replay is measured against: stream a JSON Lines file and JSON.parse each
 * line, nothing else. `deno run --allow-read bench/parse_lines.ts FILE` prints the line count
 * (so the parse cannot be optimised away); `parseLines` is the same, in process. With
 * `--sync` the file is read as itertrace reads it (fileChunks: synchronous 64 KiB reads)
 * instead of through FsFile.readable, so the ratio to it leaves the reading method out.
 *
 * @module
 */

import { fileChunks } from "../src/cli/io.ts";

/** Streams `path` line by line through JSON.parse; returns the number of values parsed. */
export async function parseLines(path: string, sync = false): Promise<number> {
  const f = await Deno.open(path);
  const dec = new TextDecoder();
  let rest = "", n = 0;
  for await (const chunk of sync ? fileChunks(f) : f.readable) {
    const text = rest + dec.decode(chunk, { stream: true });
    let start = 0, i: number;
    while ((i = text.indexOf("\n", start)) >= 0) {
      if (i > start) JSON.parse(text.slice(start, i)), n++;
      start = i + 1;
    }
    rest = text.slice(start);
  }
  rest += dec.decode();
  if (rest.trim()) JSON.parse(rest), n++;
  return n;
}

if (import.meta.main) {
  console.log(
    await parseLines(Deno.args.find((a) => a !== "--sync")!, Deno.args.includes("--sync")),
  );
}
