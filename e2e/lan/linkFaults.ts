// Faults on a device's link to the LAN (both ends of its host's veth pair), the same for every kind of
// device: cut it, bring it back, shape its rate.
import type { DeviceSlot } from './device.ts';
import { cutHost, limitHostRate, restoreHost, unlimitHostRate } from './netns.ts';

export abstract class LinkFaults {
  protected abstract readonly slot: DeviceSlot;

  cut(): Promise<void> {
    return cutHost(this.slot.host);
  }

  restore(): Promise<void> {
    return restoreHost(this.slot.host);
  }

  // tc units, e.g. '8mbit', '500kbit'; applies to upload and download
  limitRate(rate: string): Promise<void> {
    return limitHostRate(this.slot.host, rate);
  }

  unlimit(): Promise<void> {
    return unlimitHostRate(this.slot.host);
  }
}
