// Journey 1: two devices on a secure origin. A creates a room and shares files (0 bytes, non-ASCII
// names, a folder); B, already in the room, sees them arrive without reloading; A stops sharing one and
// it disappears at B; A closes its page and B sees the files with no online source.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Device, Lan } from '../lan/index.ts';
import { checkPrerequisites, createLan } from '../lan/index.ts';
import {
  addFiles,
  addFolder,
  createRoom,
  ensureBuilt,
  fileRow,
  LOOSE_FILES,
  makeFolder,
  markPage,
  stillSamePage,
  waitConnected,
  waitFileCount,
} from './support.ts';

const skip = checkPrerequisites();

describe.skipIf(skip)('sharing in a room (secure origin)', () => {
  let lan: Lan;
  let alice: Device;
  let bob: Device;

  beforeAll(async () => {
    ensureBuilt();
    lan = await createLan();
    await lan.startTracker({ secure: true });
    [alice, bob] = await Promise.all([lan.startDevice('alice'), lan.startDevice('bob', { path: null })]);
  });

  afterAll(async () => {
    await lan?.close();
  });

  it('files appear, disappear and go offline at the other device, live', async () => {
    const link = await createRoom(alice.page);
    await bob.page.goto(link);
    await waitConnected(bob.page);
    await bob.page.getByText('No files yet').waitFor();
    await markPage(bob.page);

    await addFiles(alice.page, LOOSE_FILES);
    const folder = makeFolder();
    await addFolder(alice.page, folder.dir);
    const total = LOOSE_FILES.length + folder.files.length;
    await waitFileCount(alice.page, total);

    await waitFileCount(bob.page, total);
    for (const f of LOOSE_FILES) await expect(fileRow(bob.page, f.name).count()).resolves.toBe(1);
    const sunset = fileRow(bob.page, 'sunset.png');
    await expect(sunset.locator('.file-path').textContent()).resolves.toBe('Holiday photos/day 2/');
    await expect(sunset.textContent()).resolves.toMatch(/1 device online/);
    // "Yours" at the sharer only; a Download button at the other device only
    await expect(fileRow(alice.page, 'hello.txt').getByText('Yours').count()).resolves.toBe(1);
    await expect(fileRow(bob.page, 'hello.txt').getByText('Yours').count()).resolves.toBe(0);
    await expect(
      fileRow(bob.page, 'hello.txt').getByRole('button', { name: 'Download hello.txt' }).count(),
    ).resolves.toBe(1);

    await alice.page.getByRole('button', { name: 'Stop sharing hello.txt' }).click();
    await waitFileCount(bob.page, total - 1);
    await expect(fileRow(bob.page, 'hello.txt').count()).resolves.toBe(0);

    await alice.close();
    await bob.page
      .locator('li.file-row', { hasText: '1 device online' })
      .first()
      .waitFor({ state: 'detached', timeout: 20_000 });
    const rows = await bob.page.locator('li.file-row').allTextContents();
    expect(rows).toHaveLength(total - 1);
    for (const row of rows) expect(row).toMatch(/No device online/);
    expect(await stillSamePage(bob.page)).toBe(true);
  });
});
