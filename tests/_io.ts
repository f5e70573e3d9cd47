/**
 * An in-memory Io for running the CLI in-process: reads real files, captures output.
 */
import type { Io } from "../src/cli/io.ts";
import { denoIo, lineBatches } from "../src/cli/io.ts";

/** A fake Io that captures stdout/stderr and can overlay virtual files. */
export function fakeIo(files: Record<string, string> = {}): Io & { out: string; err: string } {
  const real = denoIo();
  const io = {
    out: "",
    err: "",
    color: false,
    async readTextFile(p: string) {
      return p in files ? files[p] : await real.readTextFile(p);
    },
    readLineBatches: (p: string) =>
      p in files ? lineBatches(new Blob([files[p]]).stream()) : real.readLineBatches(p),
    writeTextFile: (p: string, t: string) => {
      files[p] = t;
      return Promise.resolve();
    },
    readDir: (p: string) => real.readDir(p),
    exists: async (p: string) => p in files || await real.exists(p),
    stat: async (p: string) =>
      p in files ? { kind: "file" as const, size: files[p].length } : await real.stat(p),
    realPath: async (p: string) => p in files ? p : await real.realPath(p),
    env: (_name: string) => undefined,
    createOutput(p: string) {
      let text = "";
      return Promise.resolve({
        write(t: string) {
          text += t;
          return Promise.resolve();
        },
        commit() {
          files[p] = text;
          return Promise.resolve();
        },
        abort: () => Promise.resolve(),
      });
    },
    stdout(t: string) {
      io.out += t;
    },
    stderr(t: string) {
      io.err += t;
    },
  };
  return io;
}
