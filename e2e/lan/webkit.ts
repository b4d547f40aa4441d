// A WebKit device on the LAN: WebKitGTK's MiniBrowser (the Safari engine) in its own namespace, on its
// own virtual display (Xvfb: MiniBrowser has no headless mode), driven by WebKitWebDriver (WebDriver
// classic) through a relay (relay.ts). Debian builds WebKitGTK without WebRTC, so this device is what an
// iPhone in Lockdown Mode is to the app. Under automation its storage is ephemeral: restart() gives a
// fresh browser, not the same profile.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { MINIBROWSER_BIN, WEBKIT_DRIVER_BIN, XVFB_BIN } from './config.ts';
import type { DeviceSlot } from './device.ts';
import { withTimeout } from './exec.ts';
import { NamespacedDevice } from './namespacedDevice.ts';
import { signal } from './procs.ts';
import { startSocketRelay } from './relay.ts';
import { WebDriverSession } from './webdriver.ts';

// the driver's port inside the device's own namespace: nothing else listens there
const DRIVER_PORT = 4444;

export interface WebKitDeviceOptions {
  /** page to open on the tracker origin after launch; null stays on about:blank */
  path?: string | null;
}

export class WebKitDevice extends NamespacedDevice {
  readonly kind = 'webkit' as const;
  private readonly opts: WebKitDeviceOptions;
  private readonly socketPath: string;
  private children: ChildProcess[] = [];
  private current: WebDriverSession | undefined;

  constructor(name: string, slot: DeviceSlot, opts: WebKitDeviceOptions) {
    // plain http: WebKitGTK trusts the system's CA store only, which a test must not change
    super(name, slot, false);
    this.opts = opts;
    this.socketPath = join(this.base, 'webdriver.sock');
    mkdirSync(this.base, { recursive: true });
  }

  get session(): WebDriverSession {
    if (!this.current) throw new Error(`device ${this.name} has no browser running (killed?)`);
    return this.current;
  }

  get pid(): number | undefined {
    return this.children[0]?.pid;
  }

  get running(): boolean {
    return this.current !== undefined;
  }

  protected async start(): Promise<void> {
    const display = await this.startDisplay();
    this.children.push(
      spawn(
        'ip',
        [
          'netns',
          'exec',
          this.ns,
          'env',
          `DISPLAY=:${display}`,
          WEBKIT_DRIVER_BIN,
          '--host=127.0.0.1',
          `--port=${DRIVER_PORT}`,
        ],
        { detached: true, stdio: 'ignore' },
      ),
    );
    rmSync(this.socketPath, { force: true });
    this.children.push(await startSocketRelay(this.ns, this.socketPath, DRIVER_PORT));
    await WebDriverSession.ready(this.socketPath);
    this.current = await WebDriverSession.create(this.socketPath, {
      'webkitgtk:browserOptions': { binary: MINIBROWSER_BIN, args: ['--automation'] },
    });
    const path = this.opts.path === undefined ? '/' : this.opts.path;
    if (path !== null) await this.goto(path);
  }

  /** Xvfb in the namespace, on a display number it picks itself (lock files in /tmp are shared). */
  private async startDisplay(): Promise<number> {
    const xvfb = spawn(
      'ip',
      [
        'netns',
        'exec',
        this.ns,
        XVFB_BIN,
        '-displayfd',
        '3',
        '-screen',
        '0',
        '1280x900x24',
        '-nolisten',
        'tcp',
      ],
      { detached: true, stdio: ['ignore', 'ignore', 'ignore', 'pipe'] },
    );
    this.children.push(xvfb);
    const display = await withTimeout(
      new Promise<number>((resolve) => {
        (xvfb.stdio[3] as NodeJS.ReadableStream).once('data', (d: Buffer) => resolve(Number(d.toString())));
      }),
      10_000,
    );
    if (display === undefined || !Number.isInteger(display))
      throw new Error(`${this.name}: Xvfb did not start`);
    return display;
  }

  async goto(path = '/'): Promise<void> {
    await this.session.navigate(this.url(path));
  }

  async kill(): Promise<void> {
    if (!this.current) return;
    this.killSync();
    await this.stopped();
  }

  async close(): Promise<void> {
    if (!this.current) return;
    await this.current.close();
    this.killSync();
    await this.stopped(2_000);
  }

  killSync(): void {
    for (const child of this.children) if (child.pid !== undefined) signal(-child.pid, 'SIGKILL');
  }

  private async stopped(graceMs = 0): Promise<void> {
    await this.sweep(graceMs);
    rmSync(this.socketPath, { force: true });
    this.children = [];
    this.current = undefined;
    this.slot.releaseBrowser(this);
  }
}
