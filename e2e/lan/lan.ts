// The test LAN: a bridge namespace, a tracker host at .1 and device hosts at
// .11, .12 ... on 10.99.X.0/24, all in namespaces named after the run id.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupStale, liveRuns, RunRecord } from './cleanup.ts';
import {
  FIRST_BARE_HOST_OCTET,
  FIRST_DEVICE_OCTET,
  MAX_BROWSERS,
  NS_PREFIX,
  TRACKER_HOST_OCTET,
  TRACKER_HTTPS_PORT,
  TRACKER_PORT,
} from './config.ts';
import type { ApiResponse, DeviceOptions, DeviceSlot } from './device.ts';
import { Device } from './device.ts';
import type { FirefoxDeviceOptions } from './firefox.ts';
import { FirefoxDevice } from './firefox.ts';
import type { LanDevice } from './lanDevice.ts';
import type { Host } from './netns.ts';
import {
  attachHost,
  createBridge,
  createNamespace,
  deleteNamespace,
  deleteNamespaceSync,
  listNamespaces,
} from './netns.ts';
import { apiInNamespace } from './nsfetch.ts';
import { signal } from './procs.ts';
import type { TrackerOptions } from './tracker.ts';
import { Tracker } from './tracker.ts';
import type { WebKitDeviceOptions } from './webkit.ts';
import { WebKitDevice } from './webkit.ts';

export interface LanOptions {
  // third octet of 10.99.X.0/24; default: the lowest one no live run uses
  octet?: number;
  // keep the run dir (tracker log, device console logs) after close();
  // also turned on by E2E_KEEP_LOGS=1
  keepLogs?: boolean;
}

const openLans = new Set<Lan>();

export async function createLan(opts: LanOptions = {}): Promise<Lan> {
  const removed = await cleanupStale();
  if (removed.length > 0) console.warn(`[lan] removed leftovers of crashed runs: ${removed.join(', ')}`);
  const used = new Set(liveRuns().map((r) => r.octet));
  const octet = opts.octet ?? [...Array(255).keys()].find((n) => !used.has(n));
  if (octet === undefined || octet < 0 || octet > 254) throw new Error('no free 10.99.X.0/24 subnet');
  const lan = new Lan(octet, opts.keepLogs ?? process.env.E2E_KEEP_LOGS === '1');
  installExitHandlers();
  openLans.add(lan);
  try {
    await lan.init();
  } catch (error) {
    await lan.close().catch(() => undefined);
    throw error;
  }
  return lan;
}

export class Lan {
  readonly runId: string;
  readonly octet: number;
  readonly runDir: string;
  private readonly keepLogs: boolean;
  private readonly record: RunRecord;
  private readonly bridgeNs: string;
  private readonly trackerHost: Host;
  private readonly devices: LanDevice[] = [];
  private readonly browsers = new Set<LanDevice>();
  private bareHosts = 0;
  private currentTracker: Tracker | undefined;
  private closing: Promise<void> | undefined;

  constructor(octet: number, keepLogs: boolean) {
    // base36 without '-', so names split cleanly: mdlan-<runId>-<role>
    this.runId = randomBytes(4).readUInt32BE().toString(36).padStart(7, '0').slice(-6);
    this.octet = octet;
    this.keepLogs = keepLogs;
    // written before anything exists, so cleanupStale() never mistakes us for a leftover
    this.record = new RunRecord(this.runId, octet);
    this.runDir = mkdtempSync(join(tmpdir(), `${NS_PREFIX}${this.runId}-`));
    this.record.addDir(this.runDir);
    this.bridgeNs = this.nsName('lan');
    this.trackerHost = this.host(TRACKER_HOST_OCTET, this.nsName('trk'));
  }

  get subnet(): string {
    return `10.99.${this.octet}.0/24`;
  }

  get trackerIp(): string {
    return this.trackerHost.ip;
  }

  get trackerPort(): number {
    return TRACKER_PORT;
  }

  /** Plain http: what `trackerApi` uses, and devices started with `secure: false`. */
  get trackerOrigin(): string {
    return `http://${this.trackerIp}:${TRACKER_PORT}`;
  }

  /** HTTPS with the tracker's own CA: what devices started with `secure: true` open. */
  get trackerSecureOrigin(): string {
    return `https://${this.trackerIp}:${TRACKER_HTTPS_PORT}`;
  }

  get tracker(): Tracker {
    if (!this.currentTracker) throw new Error('tracker not started');
    return this.currentTracker;
  }

  get trackerLogPath(): string | undefined {
    return this.currentTracker?.logPath;
  }

  // every namespace this run created, for assertions and debugging
  get namespaces(): readonly string[] {
    return this.record.data.namespaces;
  }

  async init(): Promise<void> {
    await this.addNamespace(this.bridgeNs);
    await createBridge(this.bridgeNs);
    await this.addNamespace(this.trackerHost.ns);
    await attachHost(this.trackerHost);
  }

  async startTracker(opts: TrackerOptions = {}): Promise<Tracker> {
    if (this.currentTracker) throw new Error('tracker already started; use restartTracker()');
    const tracker = new Tracker(
      this.trackerHost.ns,
      this.trackerIp,
      { http: TRACKER_PORT, https: TRACKER_HTTPS_PORT },
      this.runDir,
      opts,
    );
    this.currentTracker = tracker;
    await tracker.start();
    return tracker;
  }

  // same state dir, new process: what a redeploy or a crashed tracker looks like
  async restartTracker(): Promise<void> {
    await this.tracker.restart();
  }

  async stopTracker(): Promise<void> {
    await this.currentTracker?.stop();
  }

  // HTTP to the tracker from the tracker's own namespace, for tests that need
  // the API without a browser (slower than device.api: it spawns a node)
  trackerApi(method: string, path: string, body?: unknown, bearer?: string): Promise<ApiResponse> {
    return apiInNamespace(this.trackerHost.ns, new URL(path, this.trackerOrigin).href, method, body, bearer);
  }

  async startDevice(name: string, opts: DeviceOptions = {}): Promise<Device> {
    const { host, slot } = this.reserveHost(name);
    return this.bringUp(new Device(name, slot, { ...opts, path: this.firstPath(opts.path) }), host);
  }

  /** A Firefox device (see firefox.ts); it counts against the same three-browser limit. */
  async startFirefox(name: string, opts: FirefoxDeviceOptions = {}): Promise<FirefoxDevice> {
    const { host, slot } = this.reserveHost(name);
    return this.bringUp(new FirefoxDevice(name, slot, { ...opts, path: this.firstPath(opts.path) }), host);
  }

  /** A WebKitGTK device (see webkit.ts): plain http only, no WebRTC; counts against the same limit. */
  async startWebKit(name: string, opts: WebKitDeviceOptions = {}): Promise<WebKitDevice> {
    const { host, slot } = this.reserveHost(name);
    return this.bringUp(new WebKitDevice(name, slot, { ...opts, path: this.firstPath(opts.path) }), host);
  }

  // no tracker yet: nothing to navigate to
  private firstPath(path: string | null | undefined): string | null {
    return path !== undefined ? path : this.currentTracker ? '/' : null;
  }

  // Synchronous up to bringUp's push, so parallel start calls get distinct addresses.
  private reserveHost(name: string): { host: Host; slot: DeviceSlot } {
    if (this.devices.some((d) => d.name === name)) throw new Error(`device ${name} already exists`);
    if (this.browsers.size >= MAX_BROWSERS) throw new Error(`at most ${MAX_BROWSERS} browsers at once`);
    const octet = FIRST_DEVICE_OCTET + this.devices.length;
    const host = this.host(octet, this.nsName(`d${octet}`));
    const lan = this;
    const slot: DeviceSlot = {
      host,
      runDir: this.runDir,
      origin: this.trackerOrigin,
      secureOrigin: this.trackerSecureOrigin,
      caPath: () => this.currentTracker?.caPath,
      secureDefault: this.currentTracker?.secure ?? false,
      acquireBrowser(d) {
        if (lan.browsers.size >= MAX_BROWSERS) throw new Error(`at most ${MAX_BROWSERS} browsers at once`);
        lan.browsers.add(d);
      },
      releaseBrowser(d) {
        lan.browsers.delete(d);
      },
    };
    return { host, slot };
  }

  private async bringUp<D extends LanDevice & { launch(): Promise<void> }>(
    device: D,
    host: Host,
  ): Promise<D> {
    this.devices.push(device);
    await this.addNamespace(host.ns);
    await attachHost(host);
    await device.launch();
    return device;
  }

  // A bare host at .101, .102 … (its own range, so it never takes a browser device's address) for
  // processes that are not browsers, such as the command-line peer (e2e/lan/nodePeer.ts). Whatever runs
  // in it is killed when the namespace is deleted at close().
  async addHost(): Promise<Host> {
    const octet = FIRST_BARE_HOST_OCTET + this.bareHosts++;
    const host = this.host(octet, this.nsName(`n${octet}`));
    await this.addNamespace(host.ns);
    await attachHost(host);
    return host;
  }

  device(name: string): LanDevice {
    const device = this.devices.find((d) => d.name === name);
    if (!device) throw new Error(`no device named ${name}`);
    return device;
  }

  // Idempotent; safe after a failed test. Browsers first (they hold pages open
  // to the tracker), then the tracker group, then the namespaces.
  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    const errors: unknown[] = [];
    await Promise.all(this.devices.map((d) => d.close().catch((e: unknown) => errors.push(e))));
    await this.currentTracker?.dispose().catch((e: unknown) => errors.push(e));
    for (const ns of [...this.record.data.namespaces].reverse()) await deleteNamespace(ns);
    const left = (await listNamespaces()).filter((ns) => ns.startsWith(this.nsName('')));
    if (left.length > 0) errors.push(new Error(`namespaces left after close: ${left.join(' ')}`));
    this.removeFiles();
    openLans.delete(this);
    if (errors.length > 0) throw new AggregateError(errors, `lan ${this.runId} did not close cleanly`);
  }

  // for signal/exit handlers: no awaiting, no Playwright, just kill and delete
  closeSync(): void {
    for (const d of this.devices) d.killSync();
    const pid = this.currentTracker?.pid;
    if (pid !== undefined) signal(-pid, 'SIGKILL');
    for (const ns of [...this.record.data.namespaces].reverse()) deleteNamespaceSync(ns);
    this.removeFiles();
    openLans.delete(this);
  }

  private removeFiles(): void {
    if (this.keepLogs) {
      // browser profiles are big and useless after the run; logs and tracker state stay
      for (const entry of readdirSync(this.runDir, { withFileTypes: true })) {
        if (entry.isDirectory())
          rmSync(join(this.runDir, entry.name, 'profile'), { recursive: true, force: true });
      }
      console.warn(`[lan] logs kept in ${this.runDir}`);
    } else {
      for (const dir of this.record.data.dirs) rmSync(dir, { recursive: true, force: true });
    }
    this.record.remove();
  }

  private nsName(role: string): string {
    return `${NS_PREFIX}${this.runId}-${role}`;
  }

  private host(lastOctet: number, ns: string): Host {
    return {
      ns,
      ip: `10.99.${this.octet}.${lastOctet}`,
      bridgeNs: this.bridgeNs,
      bridgePort: `p${lastOctet}`,
    };
  }

  private async addNamespace(ns: string): Promise<void> {
    this.record.addNamespace(ns);
    await createNamespace(ns);
  }
}

let handlersInstalled = false;

// A test run interrupted by Ctrl-C or killed by a timeout must not leave
// namespaces and browsers behind. Whatever escapes (SIGKILL) is removed by
// cleanupStale() at the start of the next run.
function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const closeAll = (): void => {
    for (const lan of [...openLans]) lan.closeSync();
  };
  process.on('exit', closeAll);
  for (const [sig, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    process.once(sig, () => {
      closeAll();
      process.exit(code);
    });
  }
}
