/**
 * A progress line on stderr for long replays and checks: drawn only when stderr is a terminal
 * and `CI` is unset, and only once the run has taken a second, so pipes, CI logs, tests and
 * goldens never see it. Redrawn at most ten times a second and erased when the run ends.
 *
 * @module
 */
import type { Io } from "./io.ts";

const DELAY_MS = 1000;
const EVERY_MS = 100;
const WIDTH = 24;

/** A progress line (see the module doc); every method is a no-op when it is not drawn. */
export class Progress {
  private readonly on: boolean;
  private readonly start: number;
  private last = 0;
  private drawn = false;

  constructor(private readonly io: Io, private readonly label: string, wanted = true) {
    this.on = wanted && !!io.stderrTerminal && io.now !== undefined && !io.env("CI");
    this.start = this.on ? io.now!() : 0;
  }

  /** Notes `done` of `total` (total unknown: a count only), with what is being done now. */
  tick(done: number, total?: number, what = ""): void {
    if (!this.on) return;
    const t = this.io.now!();
    if (t - this.start < DELAY_MS || t - this.last < EVERY_MS) return;
    this.last = t;
    const secs = ((t - this.start) / 1000).toFixed(0);
    let bar = "";
    if (total) {
      const fill = Math.min(WIDTH, Math.round((done / total) * WIDTH));
      bar = `[${"#".repeat(fill)}${"-".repeat(WIDTH - fill)}] ${done}/${total}`;
    } else bar = `${done}`;
    const line = `${this.label} ${bar} ${secs} s ${what}`.slice(0, 100);
    this.io.stderr(`\r\x1b[K${line}`);
    this.drawn = true;
  }

  /** Erases the line, if drawn. */
  end(): void {
    if (this.drawn) this.io.stderr("\r\x1b[K");
    this.drawn = false;
  }
}
