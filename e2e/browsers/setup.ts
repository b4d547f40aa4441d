// The setup both browser-mix suites share, registered as the suite's beforeAll/afterAll: the built app,
// a LAN whose tracker is a secure origin or plain http, Alice on Chromium and Fox on Firefox. The returned
// object is filled in before the first test runs.
import { beforeAll } from 'vitest';
import type { Device, FirefoxDevice, Lan } from '../lan/index.ts';
import { createRoom } from '../pwa/support.ts';
import { journeyLan } from '../transfer/journeyLan.ts';
import type { FixtureSet } from '../transfer/support.ts';
import { joinRoom } from './support.ts';
import { type Ui, uiOf } from './ui.ts';

export interface ChromiumAndFirefox {
  lan: Lan;
  alice: Device;
  fox: FirefoxDevice;
  a: Ui;
  f: Ui;
  /** files on disk for one journey, removed after the suite */
  fixtures(folder?: string): FixtureSet;
  /** A fresh room at Alice with Firefox in it; resolves with its link. */
  openRoom(): Promise<string>;
}

export function chromiumAndFirefox(o: { secure: boolean; foxOpens: string | null }): ChromiumAndFirefox {
  const journey = journeyLan({
    secure: o.secure,
    devices: { alice: {}, fox: { kind: 'firefox', path: o.foxOpens } },
  });
  const env = {
    fixtures: (folder?: string) => journey.fixtures(folder),
    async openRoom() {
      await env.alice.goto('/');
      const link = await createRoom(env.alice.page);
      await joinRoom(env.f, link);
      return link;
    },
  } as ChromiumAndFirefox;
  beforeAll(() => {
    env.lan = journey.lan;
    ({ alice: env.alice, fox: env.fox } = journey.devices);
    env.a = uiOf(env.alice);
    env.f = uiOf(env.fox);
  });
  return env;
}
