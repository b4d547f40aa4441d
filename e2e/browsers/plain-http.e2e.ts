// Firefox and Chromium in one room on a plain-http LAN origin: no secure context, so no service worker,
// no OPFS and no crypto.subtle; downloads go to IndexedDB and hashing to WebAssembly, in both browsers.
//   1. Chromium shares, Firefox downloads: edge sizes, non-ASCII names, a folder and 64 MiB, byte for byte
//   2. Firefox shares, Chromium downloads: edge sizes, non-ASCII names and 64 MiB, byte for byte
//   3. the Firefox receiver reloads in the middle of a download and resumes from what it had stored
//   4. Firefox crashes and comes back as the same device
//   5. WebKit (no WebRTC here): browse, who is online, rename, invite; one sentence instead of Share/Download
//   6. Firefox and the command line (cli/, a node peer) exchange files both ways, byte for byte
import { describe, expect, it } from 'vitest';
import { checkPrerequisites } from '../lan/index.ts';
import { MiB } from '../transfer/support.ts';
import { cliExchange } from './cliJourney.ts';
import { crossJourney, resumeAfterReload } from './journeys.ts';
import { expectNoWebRtcRoom } from './noWebRtc.ts';
import { chromiumAndFirefox } from './setup.ts';
import { clickButtonText, joinRoom, shareFiles, waitForText } from './support.ts';

const skip = checkPrerequisites({ firefox: true, webkit: true });

describe.skipIf(skip)('Firefox and Chromium on plain http', () => {
  const env = chromiumAndFirefox({ secure: false, foxOpens: null });

  it('1. Chromium shares, Firefox downloads: edge sizes, non-ASCII names, a folder and 64 MiB', {
    timeout: 120_000,
  }, async () => {
    await env.openRoom();
    expect(await env.f.evaluate(() => [isSecureContext, 'serviceWorker' in navigator], null)).toEqual([
      false,
      false,
    ]);
    await waitForText(env.f, '.insecure-note', 'Open this page over HTTPS');
    await crossJourney({
      from: env.a,
      to: env.f,
      set: env.fixtures('Fötos 文件夹'),
      folder: true,
      label: 'plain http',
    });
  });

  it('2. Firefox shares, Chromium downloads: edge sizes, non-ASCII names and 64 MiB', {
    timeout: 120_000,
  }, async () => {
    await env.openRoom();
    await crossJourney({ from: env.f, to: env.a, set: env.fixtures(), folder: false, label: 'plain http' });
  });

  it('3. the Firefox receiver reloads in the middle of a download and resumes from what it stored', {
    timeout: 90_000,
  }, async () => {
    await env.openRoom();
    const fx = env.fixtures().add({ name: 'reloaded 文件 24 MiB.bin', size: 24 * MiB + 3 });
    await resumeAfterReload({ source: env.a, receiver: env.fox, fx, resumes: true });
  });

  it('4. Firefox crashes and comes back as the same device, on the same profile', async () => {
    await env.fox.goto('/');
    await clickButtonText(env.f, 'Rename', '.hero');
    await env.f.fill('#device-name-input', 'Fox of Ana');
    await clickButtonText(env.f, 'Save', '.hero');
    await waitForText(env.f, '.hero .device-name', 'Fox of Ana');
    const link = await env.openRoom();
    await waitForText(env.a, '.members', 'Fox of Ana, online');
    await env.fox.kill();
    await waitForText(env.a, '.members', 'Fox of Ana, offline', 70_000);
    await env.fox.restart();
    await joinRoom(env.f, link);
    // the same identity (IndexedDB survived): Alice sees the same device back, not a new one
    await waitForText(env.a, '.members', 'Devices (2 online)');
    await waitForText(env.a, '.members', 'Fox of Ana, online');
  });

  it('5. WebKit without WebRTC: browse, who is online, rename, invite, and one sentence instead of Share/Download', {
    timeout: 90_000,
  }, async () => {
    const link = await env.openRoom();
    const files = [env.fixtures().add({ name: 'for everyone.txt', size: 3000 })];
    await shareFiles(env.a, files);
    const webkit = await env.lan.startWebKit('webkit');
    await expectNoWebRtcRoom({ device: webkit, link, files, others: [env.a, env.f] });
  });

  it('6. Firefox and the command line exchange files both ways, byte for byte', {
    timeout: 120_000,
  }, async () => {
    await cliExchange(env, 'plain http');
  });
});
