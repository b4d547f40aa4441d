// The setup every transfer journey (and the benchmarks built like one) shares: a fresh test build, a test
// LAN with its tracker, the journey's devices, the journey's fixture files, and on the way out a warning
// if pwa/dist was rebuilt under the run. Called in a describe body: its hooks run before the journey's
// own, so the devices are up when the journey's first beforeAll starts.
import { afterAll, beforeAll } from 'vitest';
import type {
  Device,
  DeviceOptions,
  FirefoxDevice,
  FirefoxDeviceOptions,
  Lan,
  TrackerOptions,
} from '../lan/index.ts';
import { createLan, NodePeer } from '../lan/index.ts';
import { distBuiltAt, ensureBuilt, warnIfRebuilt } from '../pwa/build.ts';
import { FixtureSet } from './fixtures.ts';

/**
 * One device of the journey, started by its name: a Chromium (the default), a Firefox, or the command-line
 * peer on a host of its own. `secure` picks the storage the app uses in a browser: the tracker's HTTPS
 * origin (OPFS) or plain http (IndexedDB); `path: null` keeps it on about:blank.
 */
export type DeviceSpec =
  | ({ kind?: 'chromium' } & DeviceOptions)
  | ({ kind: 'firefox' } & FirefoxDeviceOptions)
  | { kind: 'cli' };

type DeviceOf<S extends DeviceSpec> = S extends { kind: 'firefox' }
  ? FirefoxDevice
  : S extends { kind: 'cli' }
    ? NodePeer
    : Device;

export interface JourneyLan<S extends Record<string, DeviceSpec> = Record<never, DeviceSpec>> {
  /** set once the describe's first beforeAll ran */
  lan: Lan;
  /** the devices by name, started (all at once) in the same beforeAll */
  readonly devices: { [K in keyof S]: DeviceOf<S[K]> };
  /** the journey's files on disk (a shared folder named 'Shared folder') */
  readonly set: FixtureSet;
  /** Another set of files, whose shared folder has `folderName`; removed with the others. */
  fixtures(folderName?: string): FixtureSet;
}

/** `tracker`: how the tracker runs (secure origin or plain http, lobby ...); `devices`: who is on the LAN. */
export function journeyLan<const S extends Record<string, DeviceSpec> = Record<never, DeviceSpec>>({
  devices,
  ...tracker
}: TrackerOptions & { secure: boolean; devices?: S }): JourneyLan<S> {
  const sets = [new FixtureSet()];
  const nodePeers: NodePeer[] = [];
  const env = {
    set: sets[0],
    devices: {},
    fixtures(folderName?: string) {
      const set = new FixtureSet(folderName);
      sets.push(set);
      return set;
    },
  } as JourneyLan<S>;
  let builtAt = 0;
  beforeAll(async () => {
    ensureBuilt();
    builtAt = distBuiltAt();
    env.lan = await createLan();
    await env.lan.startTracker(tracker);
    const specs = Object.entries(devices ?? {}) as [string, DeviceSpec][];
    const started = await Promise.all(specs.map(([name, spec]) => start(env.lan, name, spec)));
    specs.forEach(([name], i) => {
      const device = started[i]!;
      if (device instanceof NodePeer) nodePeers.push(device);
      (env.devices as Record<string, Device | FirefoxDevice | NodePeer>)[name] = device;
    });
  });
  afterAll(async () => {
    warnIfRebuilt(builtAt);
    for (const p of nodePeers) await p.close();
    await env.lan?.close();
    for (const s of sets) s.remove();
  });
  return env;
}

function start(lan: Lan, name: string, spec: DeviceSpec): Promise<Device | FirefoxDevice | NodePeer> {
  if (spec.kind === 'cli') return NodePeer.start(lan, name);
  const { kind, ...options } = spec;
  return kind === 'firefox' ? lan.startFirefox(name, options) : lan.startDevice(name, options);
}
