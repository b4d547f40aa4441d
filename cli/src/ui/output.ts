// Where things are said. Results (listings, JSON) go to stdout, so they can be piped; progress, notices
// and errors go to stderr. `--json` makes stdout one JSON document; `--quiet` keeps stderr to errors.
import type { Writable } from 'node:stream';
import { type CliError, wordsFor } from '../errors.ts';

export interface OutputOptions {
  json?: boolean;
  quiet?: boolean;
  stdout?: Writable & { isTTY?: boolean };
  stderr?: Writable & { isTTY?: boolean };
}

export class Output {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable & { isTTY?: boolean };
  /** stdout holds one JSON document: a result that already says what failed is not followed by another */
  private wroteData = false;

  constructor(options: OutputOptions = {}) {
    this.json = options.json ?? false;
    this.quiet = options.quiet ?? false;
    this.stdout = options.stdout ?? process.stdout;
    this.stderr = options.stderr ?? process.stderr;
  }

  /** Whether progress can redraw one line (a terminal) or must be plain lines (a pipe, a log file). */
  get interactive(): boolean {
    return this.stderr.isTTY === true;
  }

  /** A notice for the person watching (stderr). */
  info(line: string): void {
    if (!this.quiet) this.stderr.write(`${line}\n`);
  }

  warn(line: string): void {
    this.stderr.write(`${line}\n`);
  }

  /** A line of the command's result (stdout); suppressed under --json, which prints `data` instead. */
  result(line: string): void {
    if (!this.json) this.stdout.write(`${line}\n`);
  }

  data(value: unknown): void {
    if (!this.json) return;
    this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    this.wroteData = true;
  }

  /** An error in plain words with its stable code; under --json also as `{ error: { code, message } }`. */
  error(error: CliError): void {
    const detail = error.detail ? ` (${error.detail})` : '';
    this.stderr.write(`meshdrop: ${error.message}${detail} [${error.code}]\n`);
    if (this.json && !this.wroteData)
      this.stdout.write(
        `${JSON.stringify({ error: { code: error.code, message: wordsFor(error.code), detail: error.detail } })}\n`,
      );
  }
}
