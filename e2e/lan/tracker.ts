// The tracker process inside its namespace, started the way `npm start` does.
// It runs in its own process group because wrangler spawns workerd children
// that outlive a killed parent and keep holding the port.
import { spawn } from 'node:child_process';
import { closeSync, fstatSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { tlsPaths } from '../../worker/scripts/localState.ts';
import { NODE_BIN, REPO_ROOT } from './config.ts';
import { sleep, withTimeout } from './exec.ts';
import { namespacePids } from './netns.ts';
import { fetchInNamespace } from './nsfetch.ts';
import { isAlive, signal } from './procs.ts';

export interface TrackerCommandContext {
  ip: string;
  port: number;
  httpsPort: number;
  stateDir: string;
  secure: boolean;
  /** Serve HTTPS from the local CA next to plain http (false: `--no-https`). */
  https: boolean;
  /** Offer the LAN lobby (false: `--no-lobby`). */
  lobby: boolean;
}

// argv of the tracker; [0] is the executable. Runs with cwd = repo root.
export type TrackerCommand = (ctx: TrackerCommandContext) => readonly string[];

export const serverArgs = (c: TrackerCommandContext): string[] => [
  '--ip',
  c.ip,
  '--port',
  String(c.port),
  '--https-port',
  String(c.httpsPort),
  '--persist-to',
  c.stateDir,
  '--no-build',
  ...(c.https ? [] : ['--no-https']),
  ...(c.lobby ? [] : ['--no-lobby']),
];

// the real thing: applies D1 migrations, then `wrangler dev` behind the front; --verbose keeps
// wrangler's output in tracker.log, next to the banner, for the failure messages below
export const startScriptCommand: TrackerCommand = (c) => [
  NODE_BIN,
  join(REPO_ROOT, 'worker/scripts/start.ts'),
  ...serverArgs(c),
  '--verbose',
];

// a few lines of node http with the same flags, for testing the harness itself
export const standinCommand: TrackerCommand = (c) => [
  NODE_BIN,
  join(REPO_ROOT, 'e2e/lan/standin-tracker.ts'),
  ...serverArgs(c),
];

export interface TrackerOptions {
  // default for devices started afterwards (they open the HTTPS origin); also handed to the command
  secure?: boolean;
  // serve HTTPS next to plain http (default); false runs `npm start -- --no-https`
  https?: boolean;
  // the LAN lobby that `npm start` offers by default; off unless asked, so that journeys land on the
  // home screen (`--no-lobby`)
  lobby?: boolean;
  // kept as is; by default a fresh temp dir that close() removes
  stateDir?: string;
  command?: TrackerCommand;
  // wrangler bundles and applies migrations first: allow it time on 2 cores
  readyTimeoutMs?: number;
  // SIGTERM, then this long for a clean exit (start.ts itself waits 5 s), then SIGKILL
  stopGraceMs?: number;
  env?: Record<string, string>;
  // log lines that mean "will never become ready" (fail now, not at the timeout)
  failOn?: RegExp;
}

// wrangler dev keeps watching after a failed build instead of exiting
const WRANGLER_FATAL = /\[ERROR\] Build failed.*/;

export class Tracker {
  readonly ip: string;
  readonly port: number;
  readonly httpsPort: number;
  readonly secure: boolean;
  readonly https: boolean;
  readonly lobby: boolean;
  readonly stateDir: string;
  readonly logPath: string;
  private readonly ownsStateDir: boolean;
  private readonly command: TrackerCommand;
  private readonly readyTimeoutMs: number;
  private readonly stopGraceMs: number;
  private readonly failOn: RegExp;
  private readonly env: Record<string, string>;
  private readonly ns: string;
  private readonly runDir: string;
  private pgid: number | undefined;
  // set by the running child's exit; a previous child's late exit event must
  // not mark a fresh start as failed, hence one promise per child
  private exited: Promise<string> | undefined;
  private exit: string | undefined;

  constructor(
    ns: string,
    ip: string,
    ports: { http: number; https: number },
    runDir: string,
    opts: TrackerOptions,
  ) {
    this.ns = ns;
    this.runDir = runDir;
    this.ip = ip;
    this.port = ports.http;
    this.httpsPort = ports.https;
    this.https = opts.https ?? true;
    this.lobby = opts.lobby ?? false;
    this.secure = opts.secure ?? false;
    if (this.secure && !this.https) throw new Error('a secure tracker needs https');
    this.ownsStateDir = opts.stateDir === undefined;
    this.stateDir = opts.stateDir ?? mkdtempSync(join(runDir, 'tracker-state-'));
    this.logPath = join(runDir, 'tracker.log');
    this.command = opts.command ?? startScriptCommand;
    this.readyTimeoutMs = opts.readyTimeoutMs ?? 90_000;
    this.stopGraceMs = opts.stopGraceMs ?? 7_000;
    this.failOn = opts.failOn ?? WRANGLER_FATAL;
    this.env = opts.env ?? {};
  }

  get origin(): string {
    return `http://${this.ip}:${this.port}`;
  }

  /** The HTTPS origin, served with a certificate from the tracker's own CA. */
  get secureOrigin(): string {
    return `https://${this.ip}:${this.httpsPort}`;
  }

  /** The tracker's CA certificate (PEM), the one devices trust; created by the first start. */
  get caPath(): string {
    return tlsPaths(this.stateDir).caCert;
  }

  get pid(): number | undefined {
    return this.pgid;
  }

  async start(): Promise<void> {
    if (this.pgid !== undefined) throw new Error('tracker already running');
    const argv = this.command({
      ip: this.ip,
      port: this.port,
      httpsPort: this.httpsPort,
      stateDir: this.stateDir,
      secure: this.secure,
      https: this.https,
      lobby: this.lobby,
    });
    const log = openSync(this.logPath, 'a');
    writeSync(log, `\n--- ${new Date().toISOString()} start: ${argv.join(' ')}\n`);
    // fatal-line matching starts after our header, which quotes the command line
    const logStart = fstatSync(log).size;
    const child = spawn('ip', ['netns', 'exec', this.ns, ...argv], {
      cwd: REPO_ROOT,
      detached: true, // own process group: stop() signals the group
      stdio: ['ignore', log, log],
      env: {
        ...process.env,
        // as under `npm start`: npm puts node_modules/.bin first, so wrangler's
        // `#!/usr/bin/env node` finds the pinned Node 24, not the system Node 20
        PATH: `${join(REPO_ROOT, 'node_modules/.bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`,
        // nothing can leave the LAN anyway; these just avoid the attempts and their noise
        WRANGLER_SEND_METRICS: 'false',
        WRANGLER_SEND_ERROR_REPORTS: 'false',
        NO_UPDATE_NOTIFIER: '1',
        BROWSER: 'none',
        // wrangler's debug logs next to ours instead of in ~/.config
        WRANGLER_LOG_PATH: join(this.runDir, 'wrangler-logs'),
        ...this.env,
      },
    });
    closeSync(log);
    if (child.pid === undefined) throw new Error('could not spawn the tracker');
    this.pgid = child.pid;
    this.exit = undefined;
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, sig) => {
        const how = `exited with ${code ?? sig}`;
        if (this.pgid === child.pid) this.exit = how;
        resolve(how);
      });
    });
    await this.waitReady(logStart);
  }

  private async waitReady(logStart: number): Promise<void> {
    const deadline = Date.now() + this.readyTimeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      if (this.exit !== undefined) return this.fail(`tracker ${this.exit} before it was ready`);
      const fatal = this.failOn.exec(this.logSince(logStart));
      if (fatal) return this.fail(`tracker failed to start: ${fatal[0]}`);
      const res = await fetchInNamespace(this.ns, `${this.origin}/api/health`, { timeoutMs: 2_000 });
      if (res.status === 200) return;
      last = res.status === 0 ? res.text : `HTTP ${res.status}`;
      await sleep(250);
    }
    return this.fail(`tracker not ready after ${this.readyTimeoutMs} ms (last probe: ${last})`);
  }

  private async fail(message: string): Promise<never> {
    await this.stop();
    const tail = this.logTail();
    console.error(`${message}\n--- tail of ${this.logPath} ---\n${tail}`);
    throw new Error(`${message}; log: ${this.logPath}\n${tail}`);
  }

  // SIGTERM our process group, then wait for the whole namespace to empty:
  // start.ts puts wrangler (and workerd under it) in process groups of their
  // own, and only the tracker lives in this namespace. SIGKILL what is left.
  async stop(): Promise<void> {
    const pgid = this.pgid;
    const exited = this.exited;
    this.pgid = undefined;
    this.exited = undefined;
    if (pgid !== undefined) signal(-pgid, 'SIGTERM');
    await this.waitNamespaceEmpty(pgid);
    // the child is reaped (and its exit event delivered) only after it is gone
    if (exited) await withTimeout(exited, 5_000);
  }

  private async waitNamespaceEmpty(pgid: number | undefined): Promise<void> {
    const deadline = Date.now() + this.stopGraceMs;
    let killed = false;
    for (;;) {
      const left = (await namespacePids(this.ns)).filter(isAlive);
      if (left.length === 0) return;
      if (Date.now() > deadline + 5_000)
        throw new Error(`processes still running in ${this.ns}: ${left.join(' ')}`);
      if (Date.now() > deadline) {
        if (!killed) this.appendLog(`--- harness: SIGKILL to leftovers ${left.join(' ')}\n`);
        killed = true;
        if (pgid !== undefined) signal(-pgid, 'SIGKILL');
        for (const pid of left) signal(pid, 'SIGKILL');
      }
      await sleep(50);
    }
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  private logSince(offset: number): string {
    try {
      return readFileSync(this.logPath).subarray(offset).toString('utf8');
    } catch {
      return '';
    }
  }

  logTail(lines = 40): string {
    try {
      return readFileSync(this.logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  async dispose(): Promise<void> {
    await this.stop();
    if (this.ownsStateDir) rmSync(this.stateDir, { recursive: true, force: true });
  }

  private appendLog(text: string): void {
    const fd = openSync(this.logPath, 'a');
    writeSync(fd, text);
    closeSync(fd);
  }
}
