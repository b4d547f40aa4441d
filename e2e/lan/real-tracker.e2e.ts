// The harness with the real tracker (worker/scripts/start.ts: D1 migrations,
// then wrangler dev) instead of the stand-in: readiness, serving the PWA and
// the API to a device, and a restart on the same state dir.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Device, Lan } from './index.ts';
import { checkPrerequisites, createLan } from './index.ts';

const skip = checkPrerequisites();

describe.skipIf(skip)('test LAN with the real tracker', () => {
  let lan: Lan;
  let device: Device;

  beforeAll(async () => {
    lan = await createLan();
    await lan.startTracker({ secure: true });
    device = await lan.startDevice('phone');
  });

  afterAll(async () => {
    await lan?.close();
  });

  it('serves the app and the API on the LAN address', async () => {
    expect(device.secure).toBe(true); // inherited from the tracker
    expect(await device.page.evaluate(() => isSecureContext)).toBe(true);
    expect(await device.page.evaluate(() => document.readyState)).toBe('complete');
    expect(await device.api('GET', '/api/health')).toMatchObject({ status: 200, json: { ok: true } });
  });

  it('keeps serving after restartTracker()', async () => {
    const stateDir = lan.tracker.stateDir;
    await lan.restartTracker();
    expect(lan.tracker.stateDir).toBe(stateDir);
    expect((await device.api('GET', '/api/health')).status).toBe(200);
  });
});
