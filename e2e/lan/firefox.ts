// A Firefox device on the LAN: Debian's Firefox ESR in its own namespace, driven by puppeteer-core over
// WebDriver BiDi through a relay (bidiRelay.ts), with a profile (and a download folder) that survives
// kill()/restart(). Same fault controls as a Chromium device: cut/restore/limitRate act on the link.
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, createWriteStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Browser as BrowserName, createProfile } from '@puppeteer/browsers';
import type { Browser, Page } from 'puppeteer-core';
import puppeteer from 'puppeteer-core';
import { startBidiRelay } from './bidiRelay.ts';
import { FIREFOX_BIN } from './config.ts';
import type { ApiResponse, DeviceSlot } from './device.ts';
import { sweepNamespace, waitForBrowserSlot } from './device.ts';
import { withTimeout } from './exec.ts';
import { firefoxPrefs } from './firefoxPrefs.ts';
import type { LanDevice } from './lanDevice.ts';
import { cutHost, limitHostRate, restoreHost, unlimitHostRate } from './netns.ts';
import { apiInNamespace } from './nsfetch.ts';
import { signal } from './procs.ts';

const ENDPOINT = /WebDriver BiDi listening on ws:\/\/127\.0\.0\.1:(\d+)/;

export interface FirefoxDeviceOptions {
  /** the tracker origin counts as a secure context; defaults to the tracker's `secure` setting */
  secure?: boolean;
  /** page to open on the tracker origin after launch; null stays on about:blank */
  path?: string | null;
  /** more profile preferences (they win over ours) */
  prefs?: Record<string, unknown>;
}

export class FirefoxDevice implements LanDevice {
  readonly kind = 'firefox' as const;
  readonly name: string;
  readonly ip: string;
  readonly ns: string;
  readonly logPath: string;
  /** where the browser saves downloads (set through prefs) */
  readonly downloadDir: string;
  private readonly opts: FirefoxDeviceOptions;
  private readonly slot: DeviceSlot;
  private readonly profileDir: string;
  private readonly socketPath: string;
  private readonly browserLogPath: string;
  private browser: Browser | undefined;
  private currentPage: Page | undefined;
  private firefox: ChildProcess | undefined;
  private relay: ChildProcess | undefined;
  private profileReady = false;

  constructor(name: string, slot: DeviceSlot, opts: FirefoxDeviceOptions) {
    this.name = name;
    this.slot = slot;
    this.opts = opts;
    this.ip = slot.host.ip;
    this.ns = slot.host.ns;
    const base = join(slot.runDir, `device-${slot.host.bridgePort}`);
    this.profileDir = join(base, 'profile');
    this.downloadDir = join(base, 'downloads');
    this.socketPath = join(base, 'bidi.sock');
    this.logPath = join(base, 'console.log');
    this.browserLogPath = join(base, 'firefox.log');
    mkdirSync(this.profileDir, { recursive: true });
    mkdirSync(this.downloadDir, { recursive: true });
  }

  get secure(): boolean {
    return this.opts.secure ?? this.slot.secureDefault;
  }

  /** the Puppeteer page (WebDriver BiDi) */
  get page(): Page {
    if (!this.currentPage) throw new Error(`device ${this.name} has no browser running (killed?)`);
    return this.currentPage;
  }

  get pid(): number | undefined {
    return this.firefox?.pid;
  }

  get running(): boolean {
    return this.browser !== undefined;
  }

  url(path = '/'): string {
    return new URL(path, this.slot.origin).href;
  }

  async launch(): Promise<void> {
    if (this.browser) throw new Error(`device ${this.name} is already running`);
    await waitForBrowserSlot();
    this.slot.acquireBrowser(this);
    try {
      await this.start();
    } catch (error) {
      await this.stopProcesses();
      this.slot.releaseBrowser(this);
      throw error;
    }
    const path = this.opts.path === undefined ? '/' : this.opts.path;
    if (path !== null) await this.goto(path);
  }

  private async start(): Promise<void> {
    if (!this.profileReady) {
      await createProfile(BrowserName.FIREFOX, {
        path: this.profileDir,
        preferences: {
          ...firefoxPrefs({
            downloadDir: this.downloadDir,
            secureHost: this.secure ? new URL(this.slot.origin).hostname : undefined,
          }),
          ...this.opts.prefs,
        },
      });
      this.profileReady = true;
    }
    rmSync(this.socketPath, { force: true });
    const firefox = spawn(
      'ip',
      [
        'netns',
        'exec',
        this.ns,
        FIREFOX_BIN,
        '--headless',
        '--no-remote',
        '--profile',
        this.profileDir,
        '--remote-debugging-port=0',
        'about:blank',
      ],
      // own process group, so a kill reaches Firefox and its content processes at once
      { detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.firefox = firefox;
    const log = createWriteStream(this.browserLogPath, { flags: 'a' });
    const port = await new Promise<number>((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(
        () => reject(new Error(`${this.name}: Firefox did not start in 60 s`)),
        60_000,
      );
      firefox.stderr?.on('data', (d: Buffer) => {
        log.write(d);
        seen += d.toString();
        const m = ENDPOINT.exec(seen);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      firefox.once('exit', (code) => {
        clearTimeout(timer);
        reject(
          new Error(`${this.name}: Firefox exited (${code}) before listening; see ${this.browserLogPath}`),
        );
      });
    });
    this.relay = await startBidiRelay(this.ns, this.socketPath, port);
    this.browser = await puppeteer.connect({
      browserWSEndpoint: `ws+unix:${this.socketPath}:/session`,
      protocol: 'webDriverBiDi',
      // Firefox accepts BiDi connections only for a loopback Host header
      headers: { host: `127.0.0.1:${port}` },
      defaultViewport: { width: 1280, height: 720 },
      protocolTimeout: 60_000,
    });
    const page = (await this.browser.pages())[0] ?? (await this.browser.newPage());
    this.watch(page);
    this.currentPage = page;
  }

  private watch(page: Page): void {
    const log = (line: string): void => appendFileSync(this.logPath, `${new Date().toISOString()} ${line}\n`);
    page.on('console', (msg) => log(`[${msg.type()}] ${msg.text()}`));
    page.on('pageerror', (err) => log(`[pageerror] ${err instanceof Error ? err.message : String(err)}`));
  }

  async goto(path = '/'): Promise<void> {
    await this.page.goto(this.url(path));
  }

  // from the device's namespace (its address), without going through the page
  api(method: string, path: string, body?: unknown, bearer?: string): Promise<ApiResponse> {
    return apiInNamespace(this.ns, this.url(path), method, body, bearer);
  }

  cut(): Promise<void> {
    return cutHost(this.slot.host);
  }

  restore(): Promise<void> {
    return restoreHost(this.slot.host);
  }

  limitRate(rate: string): Promise<void> {
    return limitHostRate(this.slot.host, rate);
  }

  unlimit(): Promise<void> {
    return unlimitHostRate(this.slot.host);
  }

  async kill(): Promise<void> {
    if (!this.browser) return;
    await this.stopProcesses();
    this.forget();
  }

  async restart(): Promise<void> {
    await this.kill();
    await this.launch();
  }

  async close(): Promise<void> {
    const browser = this.browser;
    if (!browser) return;
    await withTimeout(
      browser.close().catch(() => undefined),
      10_000,
    );
    // Firefox exits by itself after close; the relay never would
    if (this.relay?.pid !== undefined) signal(-this.relay.pid, 'SIGKILL');
    await this.stopProcesses(2_000);
    this.forget();
  }

  killSync(): void {
    for (const child of [this.firefox, this.relay])
      if (child?.pid !== undefined) signal(-child.pid, 'SIGKILL');
  }

  private async stopProcesses(graceMs = 0): Promise<void> {
    if (graceMs === 0) this.killSync();
    this.browser?.disconnect().catch(() => undefined);
    // the relay and Firefox's content processes all live in the device namespace
    await sweepNamespace(this.ns, this.name, graceMs);
    if (existsSync(this.socketPath)) rmSync(this.socketPath, { force: true });
  }

  private forget(): void {
    this.browser = undefined;
    this.currentPage = undefined;
    this.firefox = undefined;
    this.relay = undefined;
    this.slot.releaseBrowser(this);
  }
}
