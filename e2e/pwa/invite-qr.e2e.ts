// Journey 4: the invite panel's QR code decodes to the room link, and that link brings a third device
// into the room: it sees the files, and the others see it arrive. Renaming a device shows everywhere.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Device } from '../lan/index.ts';
import { checkPrerequisites } from '../lan/index.ts';
import { journeyLan } from '../transfer/journeyLan.ts';
import { readQr } from './qr.ts';
import { addFiles, createRoom, fileRow, LOOSE_FILES, waitConnected, waitFileCount } from './support.ts';

const skip = checkPrerequisites();

describe.skipIf(skip)('inviting with the QR code', () => {
  const env = journeyLan({ secure: true, devices: { laptop: {}, tablet: { path: null } } });
  let laptop: Device;
  let tablet: Device;
  beforeAll(() => {
    ({ laptop, tablet } = env.devices);
  });

  it('the QR code brings a third device in', async () => {
    const page = laptop.page;
    await page.getByRole('button', { name: 'Rename' }).click();
    await page.getByLabel('This device is called').fill('Laptop of Ana');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Laptop of Ana').waitFor();

    const link = await createRoom(page);
    await expect(page.getByLabel('Room link').inputValue()).resolves.toBe(link);
    await tablet.page.goto(link);
    await waitConnected(tablet.page);
    await addFiles(page, LOOSE_FILES.slice(0, 1));
    await waitFileCount(tablet.page, 1);

    const decoded = await readQr(page);
    expect(decoded).toBe(link);

    // the invite travels in the link's fragment
    const { pathname, hash } = new URL(decoded!);
    expect(hash).toMatch(/^#[A-Za-z0-9_-]{43}$/);
    const phone = await env.lan.startDevice('phone', { path: `${pathname}${hash}` });
    await waitConnected(phone.page);
    await waitFileCount(phone.page, 1);
    await expect(fileRow(phone.page, 'hello.txt').textContent()).resolves.toMatch(/from Laptop of Ana/);
    // everyone sees three devices online, the newcomer included, without reloading
    for (const d of [laptop, tablet, phone]) {
      await d.page.getByRole('heading', { name: 'Devices (3 online)' }).waitFor({ timeout: 15_000 });
    }

    // a rename made inside the room reaches the others live
    await phone.page.getByRole('button', { name: 'Rename' }).click();
    await phone.page.getByLabel('This device is called').fill('Phone of Bo');
    await phone.page.keyboard.press('Enter');
    await laptop.page.locator('.members').getByText('Phone of Bo').waitFor({ timeout: 15_000 });
  });
});
