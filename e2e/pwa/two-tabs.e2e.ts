// One device, two tabs of the app: only one holds the device's signaling connection. The second says
// so in plain words, the first stays connected and keeps its shares (others still download from it),
// and closing the first hands the connection to the second without a reload. On HTTPS the tabs agree
// through Web Locks; on plain http (no Web Locks there) through the app's own tab agreement: before it,
// the second tab took the device's id and withdrew the first tab's live shares (issue 10, item 15).
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkPrerequisites } from '../lan/index.ts';
import { saveAndHash } from '../transfer/support.ts';
import { addFiles, createRoom, fileRow, twoDevices, waitConnected, waitFileCount } from './support.ts';

const skip = checkPrerequisites();
const TAKEN = 'MeshDrop is open in another tab of this browser.';

for (const secure of [true, false]) {
  describe.skipIf(skip)(`two tabs of one device (${secure ? 'HTTPS' : 'plain http'})`, () => {
    const env = twoDevices({ secure });

    it('one tab holds the connection and its shares, the other waits and takes over', async () => {
      const first = env.alice.page;
      const link = await createRoom(first);
      await env.bob.page.goto(link);
      await waitConnected(env.bob.page);
      const bytes = randomBytes(300_000);
      await addFiles(first, [{ name: 'notes.bin', mimeType: 'application/octet-stream', buffer: bytes }]);
      await waitFileCount(env.bob.page, 1);

      const second = await env.alice.context.newPage();
      await second.goto(link);
      await second.getByText(TAKEN).waitFor({ timeout: 15_000 });
      // the first tab keeps the device online and its file listed: no flapping, nothing withdrawn
      await new Promise((r) => setTimeout(r, 4000));
      await waitConnected(first);
      await expect(fileRow(env.bob.page, 'notes.bin').textContent()).resolves.toMatch(/1 device online/);
      await expect(second.getByText(TAKEN).count()).resolves.toBe(1);
      // and it still serves it
      await fileRow(env.bob.page, 'notes.bin').getByRole('button', { name: 'Download notes.bin' }).click();
      const saved = await saveAndHash(env.bob.page, env.bob.page.locator('body'), 'notes.bin');
      expect(saved.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));

      // the tab that shared the file goes away; the waiting tab connects by itself
      await first.close();
      await waitConnected(second);
      await expect(second.getByText(TAKEN).count()).resolves.toBe(0);
    });
  });
}
