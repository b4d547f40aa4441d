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
import { expectNoWebRtcRoom } from './noWebRtc.ts';
import { clickButtonText, joinRoom, shareFiles, waitForText } from './support.ts';
import { type Ui, uiOf } from './ui.ts';

const skip = checkPrerequisites({ firefox: true, webkit: true });

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
  const openRoom = async (): Promise<string> => {
    await alice.goto('/');
    const link = await createRoom(alice.page);
    await joinRoom(f, link);
    return link;
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

  it('4. Firefox crashes and comes back as the same device, on the same profile', async () => {
    await fox.goto('/');
    await clickButtonText(f, 'Rename', '.hero');
    await f.fill('#device-name-input', 'Fox of Ana');
    await clickButtonText(f, 'Save', '.hero');
    await waitForText(f, '.hero .device-name', 'Fox of Ana');
    const link = await openRoom();
    await waitForText(a, '.members', 'Fox of Ana, online');
    await fox.kill();
    await waitForText(a, '.members', 'Fox of Ana, offline', 70_000);
    await fox.restart();
    await joinRoom(f, link);
    // the same identity (IndexedDB survived): Alice sees the same device back, not a new one
    await waitForText(a, '.members', 'Devices (2 online)');
    await waitForText(a, '.members', 'Fox of Ana, online');
  });

  it('5. WebKit without WebRTC: browse, who is online, rename, invite, and one sentence instead of Share/Download', {
    timeout: 90_000,
  }, async () => {
    const link = await openRoom();
    const files = [fixtures().add({ name: 'for everyone.txt', size: 3000 })];
    await shareFiles(a, files);
    const webkit = await lan.startWebKit('webkit');
    await expectNoWebRtcRoom({ device: webkit, link, files, others: [a, f] });
  });
});
