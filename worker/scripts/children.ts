// Child processes of `npm start` and `npm run deploy`: the project's own tools run with this very Node,
// each in its own process group (stopping it stops whatever it spawned, workerd included), their output
// scanned line by line and sent either to the terminal or to a log file.
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pwaBuild } from '../../scripts/buildPwa.ts';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

// run the tools' entry points with this very Node: their `#!/usr/bin/env node` could find an older one
const tool = (path: string) => [process.execPath, join(ROOT, 'node_modules', path)] as const;
export const WRANGLER = tool('wrangler/bin/wrangler.js');

/** Building the PWA as users get it (scripts/buildPwa.ts says how): no test hooks, React's production build. */
export const PWA_BUILD = pwaBuild();

/** wrangler must not phone home from a laptop on a LAN: no metrics, no Request.cf download. */
export const QUIET_ENV: Record<string, string> = {
  WRANGLER_SEND_METRICS: 'false',
  WRANGLER_SEND_ERROR_REPORTS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  NO_UPDATE_NOTIFIER: '1',
};

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Receives every line the child prints (stdout and stderr). */
  onLine?: (line: string) => void;
  /** Where the raw output goes: the terminal, or nowhere (onLine sees it either way). */
  echo?: boolean;
  /**
   * The child may ask the person at the terminal (wrangler's prompts during a deploy). It then stays in
   * our process group: a child in a group of its own that reads the terminal would be stopped.
   */
  interactive?: boolean;
  /** Text never shown or logged (this run's relay secret, which wrangler lists with its vars). */
  redact?: string[];
}

/** `text` with each secret replaced by a mark. */
export function redacted(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('(hidden)');
  return out;
}

export function spawnTool(
  cmd: readonly [string, string],
  args: string[],
  options: RunOptions = {},
): ChildProcess {
  const child = spawn(cmd[0], [cmd[1], ...args], {
    cwd: ROOT,
    env: options.env ?? process.env,
    detached: !options.interactive,
    stdio: [options.interactive ? 'inherit' : 'ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream?.on('data', (chunk: Buffer) => {
      const text = redacted(chunk.toString('utf8'), options.redact);
      if (options.echo) (stream === child.stderr ? process.stderr : process.stdout).write(text);
      const lines = (rest + text).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) options.onLine?.(line);
    });
    stream?.on('end', () => {
      if (rest) options.onLine?.(rest);
      rest = '';
    });
  }
  return child;
}

/** Resolves with the exit code (1 when killed by a signal). */
export function exited(child: ChildProcess): Promise<number> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((done) => child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0))));
}

export function signalGroup(child: ChildProcess | null, signal: NodeJS.Signals): void {
  if (!child?.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}
