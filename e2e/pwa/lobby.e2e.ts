// The LAN lobby, as `npm start` offers it: three devices open the bare address and land in one room
// with no link exchanged. A shares; B and C see A's files and download them (exact bytes), and both
// ends say the bytes go straight to the other device on this network. A leaves the lobby: it lands on
// the home screen and stays there after a reload, while the others keep sharing.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Device } from '../lan/index.ts';
import { checkPrerequisites } from '../lan/index.ts';
import { journeyLan } from '../transfer/journeyLan.ts';
import {
  clickDownload,
  downloadRowOf,
  type Fixture,
  fileRowOf,
  MiB,
  saveAndHash,
  shareLoose,
  waitDownloaded,
} from '../transfer/support.ts';
import { waitConnected } from './support.ts';

const skip = checkPrerequisites();

describe.skipIf(skip)('the LAN lobby', () => {
  const env = journeyLan({
    secure: true,
    lobby: true,
    devices: { A: { path: '/' }, B: { path: '/' }, C: { path: '/' } },
  });
  const { set } = env;
  let a: Device;
  let b: Device;
  let c: Device;
  let photo: Fixture;
  let notes: Fixture;

  beforeAll(() => {
    ({ A: a, B: b, C: c } = env.devices);
    photo = set.add({ name: 'lobby photo.jpg', size: 4 * MiB + 17 });
    notes = set.add({ name: 'notes – lobby.txt', size: 2000 });
  });

  it('lands every device that opens the bare address in the lobby', async () => {
    for (const d of [a, b, c]) {
      await d.page.waitForURL(`${env.lan.trackerSecureOrigin}/lobby`, { timeout: 20_000 });
      await waitConnected(d.page);
      await d.page.getByRole('heading', { name: 'The lobby' }).waitFor();
    }
    // everyone is in the same room: B lists all three devices
    await b.page.locator('.members li').nth(2).waitFor({ timeout: 20_000 });
    await expect(b.page.locator('.members li').count()).resolves.toBe(3);
  });

  it('shows what A shares to B and C, who download it with no link, straight over this network', async () => {
    await shareLoose(a.page, [photo, notes]);
    for (const d of [b, c])
      for (const fx of [photo, notes]) await fileRowOf(d.page, fx).waitFor({ timeout: 30_000 });

    // slow enough to watch it travel
    await a.limitRate('16mbit');
    await clickDownload(b.page, photo);
    const row = downloadRowOf(b.page, photo);
    await row.locator('[data-path="lan"]').waitFor({ timeout: 15_000 });
    await expect(row.locator('.connection-path').textContent()).resolves.toBe(
      'Goes straight to the other device, on this network',
    );
    const sending = a.page.locator('section[aria-label="Sending"]');
    await sending.locator('[data-path="lan"]').waitFor({ timeout: 15_000 });
    await waitDownloaded(b.page, photo, 60_000, 'lobby');
    await a.unlimit();
    expect(await saveAndHash(b.page, row, photo.name)).toEqual({
      sha256: photo.sha256,
      size: photo.size,
      suggestedFilename: photo.name,
    });

    await clickDownload(c.page, notes);
    await waitDownloaded(c.page, notes, 30_000, 'lobby');
    expect(await saveAndHash(c.page, downloadRowOf(c.page, notes), notes.name)).toMatchObject({
      sha256: notes.sha256,
    });
  });

  it('lets A leave the lobby, and remembers it on that device', async () => {
    await a.page.getByRole('button', { name: 'Leave the lobby' }).click();
    await a.page.waitForURL(`${env.lan.trackerSecureOrigin}/`);
    await a.page.getByRole('button', { name: 'Create a room' }).waitFor();
    await a.page.reload();
    await a.page.getByText('You left the lobby on this device.').waitFor({ timeout: 20_000 });
    expect(new URL(a.page.url()).pathname).toBe('/');
    // the others see A gone, and keep the photo: B has it now and offers it in the lobby itself
    await expect.poll(() => b.page.locator('.members li').count(), { timeout: 20_000 }).toBe(2);
    await fileRowOf(c.page, photo).waitFor();
  });
});
