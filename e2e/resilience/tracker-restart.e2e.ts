// A download needs the tracker only to start: once the devices are connected, restarting the tracker
// mid-transfer must not break it, and both devices must come back online by themselves.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkPrerequisites } from '../lan/index.ts';
import { addFiles, createRoom, fileRow, twoDevices, waitConnected, waitFileCount } from '../pwa/support.ts';

const skip = checkPrerequisites();
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe.skipIf(skip)('tracker restart during a download', () => {
  const env = twoDevices({ secure: true });

  it('finishes with exact bytes, and both devices reconnect', async () => {
    const link = await createRoom(env.alice.page);
    await env.bob.page.goto(link);
    await waitConnected(env.bob.page);
    const data = randomBytes(20 * 1024 * 1024);
    await addFiles(env.alice.page, [
      { name: 'movie.bin', mimeType: 'application/octet-stream', buffer: data },
    ]);
    await waitFileCount(env.bob.page, 1);

    // slow alice's link so the transfer takes several seconds
    await env.alice.limitRate('16mbit');
    await fileRow(env.bob.page, 'movie.bin').getByRole('button', { name: 'Download movie.bin' }).click();
    const progress = env.bob.page.locator('li[data-download] progress');
    const fraction = () => progress.evaluate((p) => (p as HTMLProgressElement).value);
    await env.bob.page.locator('li[data-download][data-state="downloading"]').waitFor();
    await expect.poll(fraction, { timeout: 20_000 }).toBeGreaterThan(0.05);

    // the tracker goes away mid-transfer, and the bytes keep flowing device to device meanwhile
    await env.lan.stopTracker();
    const whileDown = await fraction();
    expect(whileDown).toBeLessThan(1);
    await expect.poll(fraction, { timeout: 20_000 }).toBeGreaterThan(whileDown);
    await env.lan.tracker.start();

    await env.bob.page.locator('li[data-download][data-state="done"]').waitFor({ timeout: 60_000 });
    await env.alice.unlimit();
    const [download] = await Promise.all([
      env.bob.page.waitForEvent('download'),
      env.bob.page.getByRole('button', { name: 'Save movie.bin', exact: true }).click(),
    ]);
    expect(sha256(readFileSync(await download.path()))).toBe(sha256(data));

    // both signaling connections come back without a reload: each shows the other online again
    await env.bob.page.getByText('Connected — changes show up as they happen.').waitFor({ timeout: 45_000 });
    await expect
      .poll(async () => (await fileRow(env.bob.page, 'movie.bin').textContent()) ?? '', { timeout: 45_000 })
      .toMatch(/2 devices online/);
  });
});
