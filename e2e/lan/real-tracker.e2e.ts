// The harness with the real tracker (worker/scripts/start.ts: D1 migrations,
// then wrangler dev behind the HTTPS/http front) instead of the stand-in:
// readiness, what the terminal shows (QR codes a phone can scan), serving the
// PWA and the API to a device over HTTPS, and a restart on the same state dir.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from './exec.ts';
import type { Device, Lan } from './index.ts';
import { checkPrerequisites, createLan } from './index.ts';
import { decodeTerminalQrs } from './terminalQr.ts';

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

  it('prints the HTTPS LAN address and the trust page as QR codes that decode to them', async () => {
    let log = '';
    for (let i = 0; i < 40 && !log.includes('MeshDrop is running.'); i++) {
      await sleep(250);
      log = readFileSync(lan.tracker.logPath, 'utf8');
    }
    const banner = log.slice(log.lastIndexOf('MeshDrop is running.'));
    expect(banner).toContain(`${lan.trackerSecureOrigin}/`);
    expect(decodeTerminalQrs(banner)).toEqual([`${lan.trackerSecureOrigin}/`, `${lan.trackerOrigin}/trust`]);
    // the fingerprint a careful user compares with the trust page: the CA certificate's SHA-256
    const der = Buffer.from(
      readFileSync(lan.tracker.caPath, 'utf8').replace(/-----[^-]+-----|\s/g, ''),
      'base64',
    );
    const fingerprint = createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');
    expect(banner).toContain(`Certificate fingerprint (SHA-256): ${fingerprint}`);
  });

  it('serves the app and the API on the LAN address', async () => {
    expect(device.secure).toBe(true); // inherited from the tracker
    expect(device.page.url()).toBe(`${lan.trackerSecureOrigin}/`);
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
