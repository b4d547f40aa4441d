// One device, two tabs of the app: only one holds the device's signaling connection. The second says
// so in plain words, the first stays connected (others can still download from it), and closing the
// first hands the connection to the second without a reload.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkPrerequisites } from '../lan/index.ts';
import { addFiles, createRoom, fileRow, twoDevices, waitConnected, waitFileCount } from './support.ts';

const skip = checkPrerequisites();
const TAKEN = 'MeshDrop is open in another tab of this browser.';

describe.skipIf(skip)('two tabs of one device', () => {
  const env = twoDevices({ secure: true });

  it('one tab holds the connection, the other waits and takes over', async () => {
    const first = env.alice.page;
    const link = await createRoom(first);
    await env.bob.page.goto(link);
    await waitConnected(env.bob.page);
    await addFiles(first, [
      { name: 'notes.bin', mimeType: 'application/octet-stream', buffer: randomBytes(300_000) },
    ]);
    await waitFileCount(env.bob.page, 1);

    const second = await env.alice.context.newPage();
    await second.goto(link);
    await second.getByText(TAKEN).waitFor({ timeout: 15_000 });
    // the first tab keeps the device online: no flapping while the second one waits
    await new Promise((r) => setTimeout(r, 4000));
    await waitConnected(first);
    await expect(fileRow(env.bob.page, 'notes.bin').textContent()).resolves.toMatch(/1 device online/);
    await expect(second.getByText(TAKEN).count()).resolves.toBe(1);

    // the tab that shared the file goes away; the waiting tab connects by itself
    await first.close();
    await waitConnected(second);
    await expect(second.getByText(TAKEN).count()).resolves.toBe(0);
  });
});
