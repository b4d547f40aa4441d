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
import { createLan } from '../lan/index.ts';
import { distBuiltAt, ensureBuilt, warnIfRebuilt } from '../pwa/build.ts';
import { FixtureSet } from './fixtures.ts';

/**
 * One device of the journey, started by its name. `secure` picks the storage the app uses there: the
 * tracker's HTTPS origin (OPFS) or plain http (IndexedDB); `path: null` keeps it on about:blank.
 */
export type DeviceSpec =
  | ({ browser?: 'chromium' } & DeviceOptions)
  | ({ browser: 'firefox' } & FirefoxDeviceOptions);

type DeviceOf<S extends DeviceSpec> = S extends { browser: 'firefox' } ? FirefoxDevice : Device;

export interface JourneyLan<S extends Record<string, DeviceSpec> = Record<never, DeviceSpec>> {
  /** set once the describe's first beforeAll ran */
  lan: Lan;
  /** the devices by name, started (all at once) in the same beforeAll */
  readonly devices: { [K in keyof S]: DeviceOf<S[K]> };
  readonly set: FixtureSet;
}

/** `tracker`: how the tracker runs (secure origin or plain http, lobby ...); `devices`: who is on the LAN. */
export function journeyLan<const S extends Record<string, DeviceSpec> = Record<never, DeviceSpec>>({
  devices,
  ...tracker
}: TrackerOptions & { secure: boolean; devices?: S }): JourneyLan<S> {
  const env = { set: new FixtureSet(), devices: {} } as JourneyLan<S>;
  let builtAt = 0;
  beforeAll(async () => {
    ensureBuilt();
    builtAt = distBuiltAt();
    env.lan = await createLan();
    await env.lan.startTracker(tracker);
    const specs = Object.entries(devices ?? {}) as [string, DeviceSpec][];
    const started = await Promise.all(
      specs.map(([name, { browser, ...o }]) =>
        browser === 'firefox' ? env.lan.startFirefox(name, o) : env.lan.startDevice(name, o),
      ),
    );
    specs.forEach(([name], i) => {
      (env.devices as Record<string, Device | FirefoxDevice>)[name] = started[i]!;
    });
  });
  afterAll(async () => {
    warnIfRebuilt(builtAt);
    await env.lan?.close();
    env.set.remove();
  });
  return env;
}
