// Firefox and Chromium in one room on a plain-http LAN origin: no secure context, so no service worker,
// no OPFS and no crypto.subtle; downloads go to IndexedDB and hashing to WebAssembly, in both browsers.
//   1. Chromium shares, Firefox downloads: edge sizes, non-ASCII names, a folder and 64 MiB, byte for byte
//   2. Firefox shares, Chromium downloads: edge sizes, non-ASCII names and 64 MiB, byte for byte
//   3. the Firefox receiver reloads in the middle of a download and resumes from what it had stored
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Device, FirefoxDevice, Lan } from '../lan/index.ts';
import { checkPrerequisites, createLan } from '../lan/index.ts';
import { createRoom, ensureBuilt } from '../pwa/support.ts';
import { FixtureSet, MiB } from '../transfer/support.ts';
import { crossJourney, resumeAfterReload } from './journeys.ts';
import { joinRoom, waitForText } from './support.ts';
import { type Ui, uiOf } from './ui.ts';

const skip = checkPrerequisites({ firefox: true });

describe.skipIf(skip)('Firefox and Chromium on plain http', () => {
  let lan: Lan;
  let alice: Device;
  let fox: FirefoxDevice;
  let a: Ui;
  let f: Ui;
  const sets: FixtureSet[] = [];
  const fixtures = (folder?: string) => {
    const set = new FixtureSet(folder);
    sets.push(set);
    return set;
  };
  const openRoom = async (): Promise<void> => {
    await alice.goto('/');
    await joinRoom(f, await createRoom(alice.page));
  };

  beforeAll(async () => {
    ensureBuilt();
    lan = await createLan();
    await lan.startTracker({ secure: false });
    [alice, fox] = await Promise.all([lan.startDevice('alice'), lan.startFirefox('fox', { path: null })]);
    a = uiOf(alice);
    f = uiOf(fox);
  });

  afterAll(async () => {
    await lan?.close();
    for (const s of sets) s.remove();
  });

  it('1. Chromium shares, Firefox downloads: edge sizes, non-ASCII names, a folder and 64 MiB', {
    timeout: 120_000,
  }, async () => {
    await openRoom();
    expect(await f.evaluate(() => [isSecureContext, 'serviceWorker' in navigator], null)).toEqual([
      false,
      false,
    ]);
    await waitForText(f, '.insecure-note', 'Open this page over HTTPS');
    await crossJourney({ from: a, to: f, set: fixtures('Fötos 文件夹'), folder: true, label: 'plain http' });
  });

  it('2. Firefox shares, Chromium downloads: edge sizes, non-ASCII names and 64 MiB', {
    timeout: 120_000,
  }, async () => {
    await openRoom();
    await crossJourney({ from: f, to: a, set: fixtures(), folder: false, label: 'plain http' });
  });

  it('3. the Firefox receiver reloads in the middle of a download and resumes from what it stored', {
    timeout: 90_000,
  }, async () => {
    await openRoom();
    const fx = fixtures().add({ name: 'reloaded 文件 24 MiB.bin', size: 24 * MiB + 3 });
    await resumeAfterReload({ source: a, receiver: fox, fx, resumes: true });
  });
});
