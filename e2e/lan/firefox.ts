// A Firefox device on the LAN: Debian's Firefox ESR in its own namespace, driven by puppeteer-core over
// WebDriver BiDi through a relay (relay.ts), with a profile (and a download folder) that survives
// kill()/restart(). A secure device opens the tracker's HTTPS origin and trusts its CA through the
// profile's NSS database. Same fault controls as a Chromium device: cut/restore/limitRate act on the link.
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, createWriteStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Browser as BrowserName, createProfile } from '@puppeteer/browsers';
import type { Browser, Page } from 'puppeteer-core';
import puppeteer from 'puppeteer-core';
import { FIREFOX_BIN } from './config.ts';
import type { DeviceSlot } from './device.ts';
import { withTimeout } from './exec.ts';
import { firefoxPrefs } from './firefoxPrefs.ts';
import { NamespacedDevice } from './namespacedDevice.ts';
import { trustCa } from './nss.ts';
import { signal } from './procs.ts';
import { startSocketRelay } from './relay.ts';

const ENDPOINT = /WebDriver BiDi listening on ws:\/\/127\.0\.0\.1:(\d+)/;

export interface FirefoxDeviceOptions {
  /** open the tracker's HTTPS origin, trusting its CA (default: the tracker's `secure`); else plain http */
  secure?: boolean;
  /** page to open on the tracker origin after launch; null stays on about:blank */
  path?: string | null;
  /** more profile preferences (they win over ours) */
  prefs?: Record<string, unknown>;
}

export class FirefoxDevice extends NamespacedDevice {
  readonly kind = 'firefox' as const;
  /** where the browser saves downloads (set through prefs) */
  readonly downloadDir: string;
  private readonly opts: FirefoxDeviceOptions;
  private readonly profileDir: string;
  private readonly socketPath: string;
  private readonly browserLogPath: string;
  private browser: Browser | undefined;
  private currentPage: Page | undefined;
  private firefox: ChildProcess | undefined;
  private relay: ChildProcess | undefined;
  private profileReady = false;

  constructor(name: string, slot: DeviceSlot, opts: FirefoxDeviceOptions) {
    super(name, slot, opts.secure);
    this.opts = opts;
    this.profileDir = join(this.base, 'profile');
    this.downloadDir = join(this.base, 'downloads');
    this.socketPath = join(this.base, 'bidi.sock');
    this.browserLogPath = join(this.base, 'firefox.log');
    mkdirSync(this.profileDir, { recursive: true });
    mkdirSync(this.downloadDir, { recursive: true });
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

  protected async start(): Promise<void> {
    if (!this.profileReady) {
      await createProfile(BrowserName.FIREFOX, {
        path: this.profileDir,
        preferences: { ...firefoxPrefs({ downloadDir: this.downloadDir }), ...this.opts.prefs },
      });
      this.profileReady = true;
    }
    // as a person does after the trust page: the CA goes into the profile's own NSS database (nss.ts)
    const ca = this.slot.caPath();
    if (this.secure && ca !== undefined && existsSync(ca)) await trustCa(this.profileDir, ca);
    rmSync(this.socketPath, { force: true });
    const port = await this.startFirefox();
    this.relay = await startSocketRelay(this.ns, this.socketPath, port);
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
    const path = this.opts.path === undefined ? '/' : this.opts.path;
    if (path !== null) await this.goto(path);
  }

  /** Starts Firefox in the namespace; resolves with the port its BiDi server listens on there. */
  private startFirefox(): Promise<number> {
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
    return new Promise<number>((resolve, reject) => {
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
  }

  private watch(page: Page): void {
    const log = (line: string): void => appendFileSync(this.logPath, `${new Date().toISOString()} ${line}\n`);
    page.on('console', (msg) => log(`[${msg.type()}] ${msg.text()}`));
    page.on('pageerror', (err) => log(`[pageerror] ${err instanceof Error ? err.message : String(err)}`));
  }

  async goto(path = '/'): Promise<void> {
    await this.page.goto(this.url(path));
  }

  // a crash: SIGKILL, the profile stays
  async kill(): Promise<void> {
    if (!this.browser) return;
    this.killSync();
    await this.stopped();
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
    await this.stopped(2_000);
  }

  killSync(): void {
    for (const child of [this.firefox, this.relay])
      if (child?.pid !== undefined) signal(-child.pid, 'SIGKILL');
  }

  private async stopped(graceMs = 0): Promise<void> {
    this.browser?.disconnect().catch(() => undefined);
    await this.sweep(graceMs);
    rmSync(this.socketPath, { force: true });
    this.browser = undefined;
    this.currentPage = undefined;
    this.firefox = undefined;
    this.relay = undefined;
    this.slot.releaseBrowser(this);
  }
}
