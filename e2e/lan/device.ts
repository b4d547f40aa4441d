// One device on the LAN: a real headless Chromium in its own namespace with a
// profile that survives kill()/restart(), like a phone whose tab crashed.
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { CHROMIUM_FLAGS, MAX_BROWSERS, NS_PREFIX } from './config.ts';
import { sleep, withTimeout } from './exec.ts';
import type { LanDevice } from './lanDevice.ts';
import { LinkFaults } from './linkFaults.ts';
import type { Host } from './netns.ts';
import { listNamespaces, namespacePids } from './netns.ts';
import { ensureNssDb, trustCa } from './nss.ts';
import { isAlive, parentOf, signal } from './procs.ts';
import { writeChromiumWrapper } from './wrapper.ts';

export interface DeviceOptions {
  // open the tracker's HTTPS origin (a secure context: service worker, OPFS,
  // crypto.subtle) instead of plain http; defaults to the tracker's `secure`
  secure?: boolean;
  // trust the tracker's CA, as a phone that followed the trust page does
  // (default true); false shows what an untrusting browser gets
  trustCa?: boolean;
  // page to open on the tracker origin after launch; null stays on about:blank
  path?: string | null;
  // keep Chromium's mDNS (.local) host candidates instead of raw LAN addresses
  mdns?: boolean;
  args?: string[];
}

export interface ApiResponse {
  status: number;
  // parsed body, or null when the body is not JSON
  json: unknown;
}

// what a device needs from its LAN
export interface DeviceSlot {
  host: Host;
  runDir: string;
  origin: string;
  secureOrigin: string;
  // the tracker's CA certificate, once a tracker with HTTPS has started
  caPath(): string | undefined;
  secureDefault: boolean;
  // enforce the browser limit across the whole LAN
  acquireBrowser(device: LanDevice): void;
  releaseBrowser(device: LanDevice): void;
}

export class Device extends LinkFaults implements LanDevice {
  readonly kind = 'chromium' as const;
  readonly name: string;
  readonly ip: string;
  readonly ns: string;
  readonly logPath: string;
  private readonly opts: DeviceOptions;
  protected readonly slot: DeviceSlot;
  private readonly profileDir: string;
  // HOME of the browser: its NSS database (~/.pki/nssdb) holds the CA it trusts
  private readonly homeDir: string;
  private readonly wrapperPath: string;
  private ctx: BrowserContext | undefined;
  private currentPage: Page | undefined;
  private browserPid: number | undefined;

  constructor(name: string, slot: DeviceSlot, opts: DeviceOptions) {
    super();
    this.name = name;
    this.slot = slot;
    this.opts = opts;
    this.ip = slot.host.ip;
    this.ns = slot.host.ns;
    const base = join(slot.runDir, `device-${slot.host.bridgePort}`);
    this.profileDir = join(base, 'profile');
    this.homeDir = join(base, 'home');
    this.wrapperPath = join(base, 'chromium.sh');
    this.logPath = join(base, 'console.log');
    mkdirSync(this.profileDir, { recursive: true });
    writeChromiumWrapper(this.wrapperPath, this.ns);
  }

  get secure(): boolean {
    return this.opts.secure ?? this.slot.secureDefault;
  }

  get trustsCa(): boolean {
    return this.opts.trustCa ?? true;
  }

  /** The tracker origin this device opens: HTTPS when secure, plain http otherwise. */
  get origin(): string {
    return this.secure ? this.slot.secureOrigin : this.slot.origin;
  }

  get page(): Page {
    if (!this.currentPage) throw new Error(`device ${this.name} has no browser running (killed?)`);
    return this.currentPage;
  }

  get context(): BrowserContext {
    if (!this.ctx) throw new Error(`device ${this.name} has no browser running (killed?)`);
    return this.ctx;
  }

  get pid(): number | undefined {
    return this.browserPid;
  }

  get running(): boolean {
    return this.ctx !== undefined;
  }

  url(path = '/'): string {
    return new URL(path, this.origin).href;
  }

  async launch(): Promise<void> {
    if (this.ctx) throw new Error(`device ${this.name} is already running`);
    await this.prepareTrust();
    await waitForBrowserSlot();
    this.slot.acquireBrowser(this);
    try {
      this.ctx = await chromium.launchPersistentContext(this.profileDir, {
        executablePath: this.wrapperPath,
        headless: true,
        args: this.chromiumArgs(),
        env: { ...process.env, HOME: this.homeDir },
        // our LAN handlers tear browsers down in order; Playwright's would race them
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
        timeout: 60_000,
      });
    } catch (error) {
      this.slot.releaseBrowser(this);
      await this.sweep();
      throw error;
    }
    this.browserPid = await this.findBrowserPid();
    const page = this.ctx.pages()[0] ?? (await this.ctx.newPage());
    this.watch(page);
    this.ctx.on('page', (p) => this.watch(p));
    this.currentPage = page;
    const path = this.opts.path === undefined ? '/' : this.opts.path;
    if (path !== null) await page.goto(this.url(path));
  }

  // the tracker's CA goes into this browser's own NSS database (Chromium reads ~/.pki/nssdb): nss.ts
  private async prepareTrust(): Promise<void> {
    const db = join(this.homeDir, '.pki', 'nssdb');
    await ensureNssDb(db);
    const ca = this.slot.caPath();
    if (!this.secure || !this.trustsCa || ca === undefined || !existsSync(ca)) return;
    await trustCa(db, ca);
  }

  private chromiumArgs(): string[] {
    const args: string[] = [...CHROMIUM_FLAGS];
    // without this Chromium hides host addresses behind random .local names
    if (!this.opts.mdns) args.push('--disable-features=WebRtcHideLocalIpsWithMdns');
    return [...args, ...(this.opts.args ?? [])];
  }

  // Playwright does not expose a persistent context's browser process; it is
  // the one process in our namespace that we spawned ourselves
  private async findBrowserPid(): Promise<number | undefined> {
    const pids = await namespacePids(this.ns);
    return pids.find((pid) => parentOf(pid) === process.pid);
  }

  private watch(page: Page): void {
    const log = (line: string): void => appendFileSync(this.logPath, `${new Date().toISOString()} ${line}\n`);
    page.on('console', (msg) => log(`[${msg.type()}] ${msg.text()}`));
    page.on('pageerror', (err) => log(`[pageerror] ${err.message}`));
    page.on('crash', () => log('[crash]'));
  }

  async goto(path = '/'): Promise<void> {
    await this.page.goto(this.url(path));
  }

  // fetch from inside the page, so the request leaves from this device's
  // address; the page must be on the tracker origin (same-origin, no CORS)
  async api(method: string, path: string, body?: unknown, bearer?: string): Promise<ApiResponse> {
    const url = this.url(path);
    if (new URL(this.page.url()).origin !== this.origin) {
      throw new Error(
        `device ${this.name} is on ${this.page.url()}, not the tracker origin; call goto() first`,
      );
    }
    return this.page.evaluate(
      async ({ url, method, body, bearer }) => {
        const headers: Record<string, string> = {};
        if (body !== undefined) headers['content-type'] = 'application/json';
        if (bearer !== undefined) headers.authorization = `Bearer ${bearer}`;
        const res = await fetch(url, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await res.text();
        let json: unknown = null;
        try {
          json = JSON.parse(text);
        } catch {
          // not JSON: json stays null
        }
        return { status: res.status, json };
      },
      { url, method, body, bearer },
    );
  }

  // a hard crash: SIGKILL the whole browser, no chance to flush or say goodbye
  async kill(): Promise<void> {
    const ctx = this.ctx;
    if (!ctx) return;
    const closed = new Promise<void>((resolve) => ctx.once('close', () => resolve()));
    if (this.browserPid !== undefined) signal(-this.browserPid, 'SIGKILL');
    await this.sweep();
    await withTimeout(closed, 5_000);
    this.forget();
  }

  // same profile (IndexedDB, OPFS, service worker survive), fresh process
  async restart(): Promise<void> {
    await this.kill();
    await this.launch();
  }

  async close(): Promise<void> {
    const ctx = this.ctx;
    if (!ctx) return;
    await withTimeout(
      ctx.close().catch(() => undefined),
      10_000,
    );
    await this.sweep(2_000);
    this.forget();
  }

  // for exit handlers: nothing asynchronous may run there
  killSync(): void {
    if (this.browserPid !== undefined) signal(-this.browserPid, 'SIGKILL');
  }

  private forget(): void {
    if (!this.ctx) return;
    this.ctx = undefined;
    this.currentPage = undefined;
    this.browserPid = undefined;
    this.slot.releaseBrowser(this);
  }

  // everything in the device namespace is this browser (zygote, renderers,
  // crashpad handler), whatever process group it ended up in
  private sweep(graceMs = 0): Promise<void> {
    return sweepNamespace(this.ns, this.name, graceMs);
  }
}

/** Kills what is left in a device's namespace (after `graceMs` for a clean exit) and waits until it is gone. */
export async function sweepNamespace(ns: string, name: string, graceMs = 0): Promise<void> {
  const deadline = Date.now() + graceMs;
  for (let i = 0; i < 200; i++) {
    const left = (await namespacePids(ns)).filter(isAlive);
    if (left.length === 0) return;
    if (Date.now() >= deadline) for (const pid of left) signal(pid, 'SIGKILL');
    await sleep(50);
  }
  throw new Error(`browser processes of ${name} still running in ${ns}`);
}

// The three-browser limit holds for the machine, not just this run: another
// run (a colleague's, a second terminal) may have browsers up. Every device
// namespace with processes in it is one running browser; wait for a free slot.
export async function waitForBrowserSlot(timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const deviceNs = new RegExp(`^${NS_PREFIX}[^-]+-d\\d+$`);
  for (;;) {
    let running = 0;
    for (const ns of (await listNamespaces()).filter((n) => deviceNs.test(n))) {
      if ((await namespacePids(ns)).length > 0) running++;
    }
    if (running < MAX_BROWSERS) return;
    if (Date.now() > deadline)
      throw new Error(`${running} browsers of other runs still up after ${timeoutMs} ms`);
    await sleep(500);
  }
}
