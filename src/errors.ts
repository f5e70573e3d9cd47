/**
 * Error classes. Kernel conditions (BUG, WARN, hazards) are never exceptions: they are
 * warnings returned as data. These classes are for input the tool cannot run.
 *
 * @module
 */

/** A position in a trace file, 1-based. */
export interface SourcePos {
  /** The file, as given. */
  readonly file: string;
  /** Line, from 1. */
  readonly line: number;
  /** Column, from 1. */
  readonly column: number;
}

/** One problem in a trace, with its position. */
export interface TraceIssue extends SourcePos {
  /** What is wrong, in one line. */
  readonly message: string;
}

/** Formats an issue as `file:line:column: message`. */
export function formatIssue(issue: TraceIssue): string {
  return `${issue.file}:${issue.line}:${issue.column}: ${issue.message}`;
}

/** A trace that cannot be loaded or replayed; carries every problem found (exit code 2). */
export class TraceError extends SyntaxError {
  readonly issues: readonly TraceIssue[];
  constructor(issues: readonly TraceIssue[]) {
    super(issues.map(formatIssue).join("\n"));
    this.name = "TraceError";
    this.issues = issues;
  }
}

/** A command-line usage error (exit code 2). */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * A file the tool cannot read or write as asked (missing, a directory, a FIFO, read-only,
 * an existing output without --force): `file: reason`, exit code 2. Where the problem has a
 * position in the file (an encoding error), a TraceError is used instead.
 */
export class FileError extends Error {
  readonly exitCode = 2;
  readonly file: string;
  readonly reason: string;
  constructor(file: string, reason: string) {
    super(`${file}: ${reason}`);
    this.name = "FileError";
    this.file = file;
    this.reason = reason;
  }
}

/** Whether `e` is bad input about one trace (reported per trace by check and validate). */
export function isInputError(e: unknown): e is TraceError | FileError {
  return e instanceof TraceError || e instanceof FileError;
}
