// A headless device on the test LAN: the `meshdrop` command line (cli/) run in a namespace of its own at
// 10.99.X.101, .102 …, with its own config and cache folders. Each command is a Node process started with
// `ip netns exec` in its own process group; `close()` kills every group it started (the namespace's
// deletion at `lan.close()` would catch any stragglers).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { NODE_BIN, REPO_ROOT } from './config.ts';
import { withTimeout } from './exec.ts';
import type { Lan } from './lan.ts';
import type { Host } from './netns.ts';
import { limitHostRate, unlimitHostRate } from './netns.ts';
import { signal } from './procs.ts';

const CLI = join(REPO_ROOT, 'cli/bin/meshdrop.js');

export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class CliRun {
  readonly args: readonly string[];
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<CliExit>;

  constructor(args: readonly string[], child: ChildProcess) {
    this.args = args;
    this.child = child;
    child.stdout?.setEncoding('utf8').on('data', (s: string) => {
      this.stdout += s;
    });
    child.stderr?.setEncoding('utf8').on('data', (s: string) => {
      this.stderr += s;
    });
    this.exited = new Promise((resolve) => child.on('exit', (code, sig) => resolve({ code, signal: sig })));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Signals the whole process group (the CLI and anything it started). */
  kill(sig: NodeJS.Signals = 'SIGTERM'): void {
    if (this.child.exitCode === null && this.child.signalCode === null) signal(-this.pid, sig);
  }

  /** Waits until stderr or stdout matches, or throws with what the process said. */
  async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = pattern.exec(this.stderr) ?? pattern.exec(this.stdout);
      if (m) return m;
      const ended = this.child.exitCode !== null || this.child.signalCode !== null;
      if (ended || Date.now() > deadline)
        throw new Error(
          `meshdrop ${this.args.join(' ')}: ${ended ? `exited (${this.child.exitCode ?? this.child.signalCode})` : 'timed out'} ` +
            `before printing ${pattern}\n--- stderr ---\n${this.stderr}\n--- stdout ---\n${this.stdout}`,
        );
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Waits for the exit; throws (with the output) after `timeoutMs`. */
  async done(timeoutMs = 60_000): Promise<CliExit & { stdout: string; stderr: string }> {
    const exit = await withTimeout(this.exited, timeoutMs);
    if (!exit) {
      this.kill('SIGKILL');
      throw new Error(
        `meshdrop ${this.args.join(' ')} still running after ${timeoutMs} ms\n--- stderr ---\n${this.stderr}`,
      );
    }
    return { ...exit, stdout: this.stdout, stderr: this.stderr };
  }

  describe(): string {
    return `meshdrop ${this.args.join(' ')} → ${this.child.exitCode ?? this.child.signalCode}\n--- stderr ---\n${this.stderr}\n--- stdout ---\n${this.stdout}`;
  }
}

export class NodePeer {
  readonly name: string;
  readonly host: Host;
  readonly dir: string;
  private readonly runs = new Set<CliRun>();

  // the tracker's CA, trusted as a person who followed the trust page would (the CLI reads it from
  // NODE_EXTRA_CA_CERTS, or --ca): room links of secure devices are https
  private readonly caPath: () => string | undefined;

  private constructor(name: string, host: Host, dir: string, caPath: () => string | undefined) {
    this.name = name;
    this.host = host;
    this.dir = dir;
    this.caPath = caPath;
  }

  /** A new host on the LAN for a headless device called `name`. */
  static async start(lan: Lan, name: string): Promise<NodePeer> {
    const host = await lan.addHost();
    const dir = join(lan.runDir, `node-${host.bridgePort}`);
    mkdirSync(dir, { recursive: true });
    const caPath = () => {
      try {
        return lan.tracker.caPath;
      } catch {
        return undefined; // no tracker started yet
      }
    };
    return new NodePeer(name, host, dir, caPath);
  }

  get ip(): string {
    return this.host.ip;
  }

  get configDir(): string {
    return join(this.dir, 'config');
  }

  /** Starts `meshdrop <args>` in this host's namespace (cwd: the peer's folder). */
  run(args: readonly string[], env: Record<string, string> = {}): CliRun {
    const ca = this.caPath();
    const child = spawn('ip', ['netns', 'exec', this.host.ns, NODE_BIN, CLI, ...args], {
      cwd: this.dir,
      detached: true, // own process group: kill() signals the group
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        MESHDROP_CONFIG_DIR: this.configDir,
        MESHDROP_CACHE_DIR: join(this.dir, 'cache'),
        // vitest's own variables would make the CLI think it is under test
        NODE_ENV: 'production',
        ...(ca && existsSync(ca) ? { NODE_EXTRA_CA_CERTS: ca } : {}),
        ...env,
      },
    });
    const run = new CliRun(args, child);
    this.runs.add(run);
    void run.exited.then(() => this.runs.delete(run));
    return run;
  }

  /** Runs a command to its end; throws with its output when it exits with another code than `expect`. */
  async exec(args: readonly string[], expect = 0, timeoutMs = 60_000): Promise<CliRun> {
    const run = this.run(args);
    const exit = await run.done(timeoutMs);
    if (exit.code !== expect) throw new Error(`expected exit ${expect}: ${run.describe()}`);
    return run;
  }

  limitRate(rate: string): Promise<void> {
    return limitHostRate(this.host, rate);
  }

  unlimit(): Promise<void> {
    return unlimitHostRate(this.host);
  }

  /** Stops every command still running (SIGTERM, then SIGKILL after `graceMs`). */
  async close(graceMs = 3000): Promise<void> {
    const running = [...this.runs];
    for (const r of running) r.kill('SIGTERM');
    await Promise.all(
      running.map(async (r) => {
        if (!(await withTimeout(r.exited, graceMs))) {
          r.kill('SIGKILL');
          await withTimeout(r.exited, 5000);
        }
      }),
    );
  }
}
