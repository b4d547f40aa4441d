// What every non-Chromium device shares: its host on the LAN (address, namespace, link faults), its
// tracker URLs, HTTP from its namespace, and the end of its processes. Subclasses start and stop the
// browser itself.
import { join } from 'node:path';
import type { ApiResponse, DeviceSlot } from './device.ts';
import { sweepNamespace, waitForBrowserSlot } from './device.ts';
import type { BrowserKind, LanDevice } from './lanDevice.ts';
import { LinkFaults } from './linkFaults.ts';
import { apiInNamespace } from './nsfetch.ts';

export abstract class NamespacedDevice extends LinkFaults implements LanDevice {
  abstract readonly kind: BrowserKind;
  readonly name: string;
  readonly ip: string;
  readonly ns: string;
  readonly logPath: string;
  protected readonly slot: DeviceSlot;
  /** this device's folder in the run dir */
  protected readonly base: string;
  private readonly secureOption: boolean | undefined;

  constructor(name: string, slot: DeviceSlot, secure: boolean | undefined) {
    super();
    this.name = name;
    this.slot = slot;
    this.secureOption = secure;
    this.ip = slot.host.ip;
    this.ns = slot.host.ns;
    this.base = join(slot.runDir, `device-${slot.host.bridgePort}`);
    this.logPath = join(this.base, 'console.log');
  }

  get secure(): boolean {
    return this.secureOption ?? this.slot.secureDefault;
  }

  abstract get running(): boolean;
  abstract get pid(): number | undefined;
  abstract goto(path?: string): Promise<void>;
  abstract kill(): Promise<void>;
  abstract close(): Promise<void>;
  abstract killSync(): void;
  /** starts the browser (the LAN calls it once the host is on the bridge) */
  protected abstract start(): Promise<void>;

  /** The tracker origin this device opens: HTTPS when secure, plain http otherwise. */
  get origin(): string {
    return this.secure ? this.slot.secureOrigin : this.slot.origin;
  }

  url(path = '/'): string {
    return new URL(path, this.origin).href;
  }

  async launch(): Promise<void> {
    if (this.running) throw new Error(`device ${this.name} is already running`);
    await waitForBrowserSlot();
    this.slot.acquireBrowser(this);
    try {
      await this.start();
    } catch (error) {
      this.killSync();
      await this.sweep();
      this.slot.releaseBrowser(this);
      throw error;
    }
  }

  async restart(): Promise<void> {
    await this.kill();
    await this.launch();
  }

  // from the device's namespace (its address), without going through the page
  api(method: string, path: string, body?: unknown, bearer?: string): Promise<ApiResponse> {
    const ca = this.secure ? this.slot.caPath() : undefined;
    return apiInNamespace(this.ns, this.url(path), method, body, bearer, ca);
  }

  /** Everything in the device namespace is this browser and its helpers (relay, driver, display). */
  protected sweep(graceMs = 0): Promise<void> {
    return sweepNamespace(this.ns, this.name, graceMs);
  }
}
