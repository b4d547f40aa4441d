// Thin wrappers around execFile: errors carry the command line and stderr,
// so a failing `ip`/`tc` call explains itself in the test output.
import { execFile, execFileSync } from 'node:child_process';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  allowFail?: boolean;
  timeoutMs?: number;
}

export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: opts.timeoutMs ?? 20_000, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      if (error && !opts.allowFail) {
        reject(
          new Error(
            `${cmd} ${args.join(' ')} failed (${error.code ?? error.signal}): ${stderr.trim() || error.message}`,
          ),
        );
        return;
      }
      resolve({ code, stdout, stderr });
    });
  });
}

// for signal/exit handlers, where nothing asynchronous gets to run
export function runSync(cmd: string, args: readonly string[]): RunResult {
  try {
    const stdout = execFileSync(cmd, args, {
      encoding: 'utf8',
      timeout: 10_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { code: 0, stdout, stderr: '' };
  } catch (error) {
    const e = error as { status?: number; stdout?: string; stderr?: string };
    return { code: e.status ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(error) };
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// settles with the promise, or with undefined after ms; the timer is cleared
// so a finished run does not linger waiting for it
export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<undefined>((r) => {
    timer = setTimeout(() => r(undefined), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}
