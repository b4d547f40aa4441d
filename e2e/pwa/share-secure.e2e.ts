// Journey 1: two devices on a secure origin. A creates a room and shares files (0 bytes, non-ASCII
// names, a folder); B, already in the room, sees them arrive without reloading; A stops sharing one and
// it disappears at B; A closes its page and B sees the files with no online source.
import { describe, expect, it } from 'vitest';
import { checkPrerequisites } from '../lan/index.ts';
import {
  addFiles,
  addFolder,
  createRoom,
  fileRow,
  LOOSE_FILES,
  makeFolder,
  markPage,
  stillSamePage,
  twoDevices,
  waitConnected,
  waitFileCount,
} from './support.ts';

const skip = checkPrerequisites();

describe.skipIf(skip)('sharing in a room (secure origin)', () => {
  const env = twoDevices({ secure: true });

  it('files appear, disappear and go offline at the other device, live', async () => {
    const link = await createRoom(env.alice.page);
    await env.bob.page.goto(link);
    await waitConnected(env.bob.page);
    await env.bob.page.getByText('No files yet').waitFor();
    await markPage(env.bob.page);

    await addFiles(env.alice.page, LOOSE_FILES);
    const folder = makeFolder();
    await addFolder(env.alice.page, folder.dir);
    const total = LOOSE_FILES.length + folder.files.length;
    await waitFileCount(env.alice.page, total);

    await waitFileCount(env.bob.page, total);
    for (const f of LOOSE_FILES) await expect(fileRow(env.bob.page, f.name).count()).resolves.toBe(1);
    const sunset = fileRow(env.bob.page, 'sunset.png');
    await expect(sunset.locator('.file-path').textContent()).resolves.toBe('Holiday photos/day 2/');
    await expect(sunset.textContent()).resolves.toMatch(/1 device online/);
    // "Yours" at the sharer only; a Download button at the other device only
    await expect(fileRow(env.alice.page, 'hello.txt').getByText('Yours').count()).resolves.toBe(1);
    await expect(fileRow(env.bob.page, 'hello.txt').getByText('Yours').count()).resolves.toBe(0);
    await expect(
      fileRow(env.bob.page, 'hello.txt').getByRole('button', { name: 'Download hello.txt' }).count(),
    ).resolves.toBe(1);

    await env.alice.page.getByRole('button', { name: 'Stop sharing hello.txt' }).click();
    await waitFileCount(env.bob.page, total - 1);
    await expect(fileRow(env.bob.page, 'hello.txt').count()).resolves.toBe(0);

    await env.alice.close();
    await env.bob.page
      .locator('li.file-row', { hasText: '1 device online' })
      .first()
      .waitFor({ state: 'detached', timeout: 20_000 });
    const rows = await env.bob.page.locator('li.file-row').allTextContents();
    expect(rows).toHaveLength(total - 1);
    for (const row of rows) expect(row).toMatch(/No device online/);
    expect(await stillSamePage(env.bob.page)).toBe(true);
  });
});
