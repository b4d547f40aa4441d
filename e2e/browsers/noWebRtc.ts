// Devices whose browser has no WebRTC: WebKitGTK here (Debian builds it without), and Chromium with
// RTCPeerConnection and friends removed before the app's first script runs. That is what the app sees on
// an iPhone in Lockdown Mode and in some in-app browsers.
import { existsSync, readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { Device, Lan, LanDevice } from '../lan/index.ts';
import { decodeQr } from '../pwa/qr.ts';
import type { Fixture } from '../transfer/support.ts';
import {
  clickButtonText,
  fileRowSel,
  joinRoom,
  textOf,
  waitConnected,
  waitForText,
  waitListed,
} from './support.ts';
import { type Ui, uiOf } from './ui.ts';

/** The words the app must show where Share and Download would act (the journey checks them). */
export const NO_WEBRTC_SENTENCE =
  'This browser can’t send or receive files directly: to download or share, open this room in another ' +
  'browser, or turn off the setting that blocks it (such as Lockdown Mode on iPhone).';

export async function startWithoutWebRtc(lan: Lan, name: string): Promise<Device> {
  const device = await lan.startDevice(name, { path: null });
  await device.context.addInitScript(() => {
    const w = window as unknown as Record<string, unknown>;
    for (const api of [
      'RTCPeerConnection',
      'webkitRTCPeerConnection',
      'RTCDataChannel',
      'RTCSessionDescription',
      'RTCIceCandidate',
    ])
      delete w[api];
  });
  await device.goto('/');
  return device;
}

/**
 * On a device without WebRTC: it renames itself, joins `link`, sees `files` with their sources and who
 * is online (itself included, as the others see it), can invite by QR code, and reads the sentence where
 * Share and Download would be, with no button that would fail. It never becomes a source.
 */
export async function expectNoWebRtcRoom(o: {
  device: LanDevice;
  link: string;
  files: Fixture[];
  others: Ui[];
}): Promise<void> {
  const ui = uiOf(o.device);
  expect(
    await ui.evaluate(() => typeof (window as { RTCPeerConnection?: unknown }).RTCPeerConnection, null),
  ).toBe('undefined');
  await waitConnected(ui);
  await clickButtonText(ui, 'Rename', '.hero');
  await ui.fill('#device-name-input', 'Phone in Lockdown Mode');
  await clickButtonText(ui, 'Save', '.hero');
  await waitForText(ui, '.hero .device-name', 'Phone in Lockdown Mode');

  await joinRoom(ui, o.link);
  await waitListed(ui, o.files);
  for (const fx of o.files) await waitForText(ui, fileRowSel(fx), 'device online');
  // the sentence where the Share buttons would be, and where the Download buttons would be
  await waitForText(ui, '.add-files', NO_WEBRTC_SENTENCE);
  await waitForText(ui, '.files', NO_WEBRTC_SENTENCE);
  const controls = await ui.evaluate(
    () => ({
      downloadButtons: document.querySelectorAll('button[aria-label^="Download "]').length,
      fileInputs: document.querySelectorAll('input[type=file]').length,
    }),
    null,
  );
  expect(controls, 'no button that would fail').toEqual({ downloadButtons: 0, fileInputs: 0 });

  // the others see it arrive and online, by its new name, but never as a source of anything
  for (const other of o.others) {
    await waitForText(other, '.members', 'Phone in Lockdown Mode, online');
    expect(await textOf(other, '.files')).not.toContain('Phone in Lockdown Mode');
  }
  await waitForText(ui, '.members', 'Phone in Lockdown Mode');
  expect(decodeQr(await ui.shoot('img.qr'))).toBe(o.link);

  const log = existsSync(o.device.logPath) ? readFileSync(o.device.logPath, 'utf8') : '';
  expect(log.split('\n').filter((l) => l.includes('[pageerror]'))).toEqual([]);
}
