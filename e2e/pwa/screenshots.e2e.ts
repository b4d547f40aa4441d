// README screenshots: home and room, desktop and phone sized, written to docs/screenshots/.
// Opt-in (they change on every run): UPDATE_SCREENSHOTS=1 vitest run --config e2e/vitest.config.ts e2e/pwa/screenshots.e2e.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Device, Lan } from '../lan/index.ts';
import { checkPrerequisites, createLan } from '../lan/index.ts';
import { ensureBuilt, REPO } from './build.ts';
import { addFiles, createRoom, waitConnected, waitFileCount } from './support.ts';

const skip =
  checkPrerequisites() ||
  (process.env.UPDATE_SCREENSHOTS !== '1' && 'set UPDATE_SCREENSHOTS=1 to write them');
const OUT = join(REPO, 'docs/screenshots');

const file = (name: string, mimeType: string, size: number) => ({
  name,
  mimeType,
  buffer: Buffer.alloc(size, 1),
});

async function rename(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Rename' }).first().click();
  await page.getByLabel('This device is called').fill(name);
  await page.keyboard.press('Enter');
  await page.getByText(name).first().waitFor();
}

/** Through CDP, so the phone gets a phone's pixel ratio (Playwright's own screenshot would reset it). */
async function shoot(page: Page, name: string, size: 'desktop' | 'phone'): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const metrics =
    size === 'phone'
      ? { width: 390, height: 844, deviceScaleFactor: 2, mobile: true }
      : { width: 1280, height: 900, deviceScaleFactor: 1, mobile: false };
  await cdp.send('Emulation.setDeviceMetricsOverride', metrics);
  await page.waitForTimeout(400);
  const { data } = await cdp.send('Page.captureScreenshot', { format: 'png' });
  writeFileSync(join(OUT, `${name}-${size}.png`), Buffer.from(data, 'base64'));
  await cdp.send('Emulation.clearDeviceMetricsOverride');
  await cdp.detach();
}

describe.skipIf(skip)('README screenshots', () => {
  let lan: Lan;
  let laptop: Device;
  let phone: Device;

  beforeAll(async () => {
    ensureBuilt();
    mkdirSync(OUT, { recursive: true });
    lan = await createLan();
    await lan.startTracker({ secure: true });
    [laptop, phone] = await Promise.all([lan.startDevice('laptop'), lan.startDevice('phone')]);
  });

  afterAll(async () => {
    await lan?.close();
  });

  it('home and room, desktop and phone', async () => {
    await rename(laptop.page, 'Ana’s laptop');
    await rename(phone.page, 'Bo’s phone');
    const link = await createRoom(laptop.page);
    await phone.page.goto(link);
    await waitConnected(phone.page);
    await addFiles(laptop.page, [
      file('Quarterly report.pdf', 'application/pdf', 2_400_000),
      file('Budget 2026.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 84_000),
      file('Demo song.mp3', 'audio/mpeg', 5_100_000),
    ]);
    await waitFileCount(phone.page, 3);
    await addFiles(phone.page, [
      file('IMG_2107.jpg', 'image/jpeg', 3_200_000),
      file('Boarding pass.pdf', 'application/pdf', 180_000),
    ]);
    await waitFileCount(laptop.page, 5);
    // the "Adding files" panel clears itself a moment after sharing
    for (const p of [laptop.page, phone.page]) {
      await p.getByRole('heading', { name: /^Adding/ }).waitFor({ state: 'detached' });
    }
    await shoot(laptop.page, 'room', 'desktop');
    await shoot(phone.page, 'room', 'phone');
    await phone.page.getByRole('link', { name: 'MeshDrop' }).click();
    await laptop.page.getByRole('link', { name: 'MeshDrop' }).click();
    await laptop.page.getByRole('heading', { name: 'Your rooms' }).waitFor();
    await phone.page.getByRole('heading', { name: 'Your rooms' }).waitFor();
    await shoot(laptop.page, 'home', 'desktop');
    await shoot(phone.page, 'home', 'phone');
  });
});
