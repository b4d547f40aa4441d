// Journey 3: the installable PWA on a secure origin. The manifest is complete and its icons load; the
// service worker activates; with the network gone a reload still opens the app and the room's last
// known files, and the app reconnects by itself when the network is back (and then withdraws the files
// it can no longer read after the reload, listing them to be picked again). Files handed over by the OS
// share sheet land in a room of the user's choice.
import type { ConsoleMessage } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Device } from '../lan/index.ts';
import { checkPrerequisites } from '../lan/index.ts';
import { journeyLan } from '../transfer/journeyLan.ts';
import { addFiles, createRoom, fileRow, LOOSE_FILES, waitConnected, waitFileCount } from './support.ts';

const skip = checkPrerequisites();

interface Manifest {
  name: string;
  short_name: string;
  description: string;
  start_url: string;
  scope: string;
  display: string;
  theme_color: string;
  background_color: string;
  icons: { src: string; sizes: string; type: string; purpose?: string }[];
  share_target: {
    action: string;
    method: string;
    enctype: string;
    params: { files: { name: string; accept: string[] }[] };
  };
}

describe.skipIf(skip)('installable and offline (secure origin)', () => {
  const env = journeyLan({ secure: true, devices: { phone: {} } });
  let phone: Device;
  beforeAll(() => {
    phone = env.devices.phone;
  });

  it('has a complete manifest whose icons load', async () => {
    const href = await phone.page.locator('link[rel=manifest]').getAttribute('href');
    const { status, json } = await phone.api('GET', href!);
    expect(status).toBe(200);
    const m = json as Manifest;
    expect(m).toMatchObject({ name: 'MeshDrop', start_url: '/', scope: '/', display: 'standalone' });
    expect(m.short_name && m.description && m.theme_color && m.background_color).toBeTruthy();
    expect(m.share_target).toEqual({
      action: '/share-target',
      method: 'POST',
      enctype: 'multipart/form-data',
      params: { files: [{ name: 'files', accept: ['*/*'] }] },
    });
    const sizes = await phone.page.evaluate(async (icons) => {
      const out: string[] = [];
      for (const icon of icons) {
        const res = await fetch(icon.src);
        const bitmap = await createImageBitmap(await res.blob());
        out.push(
          `${res.headers.get('content-type')} ${bitmap.width}x${bitmap.height} ${icon.sizes} ${icon.purpose ?? 'any'}`,
        );
      }
      return out;
    }, m.icons);
    expect(sizes).toEqual([
      'image/png 192x192 192x192 any',
      'image/png 512x512 512x512 any',
      'image/png 512x512 512x512 maskable',
    ]);
  });

  it('opens the app and the last known files with no network, and recovers by itself', async () => {
    const page = phone.page;
    // `ready` resolves once there is an active worker, which may still be activating
    const state = await page.evaluate(async () => {
      const active = (await navigator.serviceWorker.ready).active!;
      if (active.state !== 'activated') {
        await new Promise((done) =>
          active.addEventListener('statechange', () => active.state === 'activated' && done(0)),
        );
      }
      return active.state;
    });
    expect(state).toBe('activated');

    await createRoom(page);
    await addFiles(page, LOOSE_FILES.slice(0, 2));
    await waitFileCount(page, 2);
    // the catalog cache is written a moment after the last change
    await page.waitForTimeout(1000);

    await phone.context.setOffline(true);
    await page.reload();
    await page.getByText('Offline — showing the last known files. Will reconnect by itself.').waitFor();
    await waitFileCount(page, 2);
    await expect(fileRow(page, 'hello.txt').count()).resolves.toBe(1);
    // served by the service worker, not the network
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

    await phone.context.setOffline(false);
    await waitConnected(page);
    // after a reload the page can no longer read files picked with <input type=file>: once the tracker
    // is back they are taken out of the room and listed to be picked again
    await waitFileCount(page, 0);
    const remembered = page.getByRole('region', { name: 'Pick again to keep sharing' });
    await expect(remembered.getByText('hello.txt').count()).resolves.toBe(1);
    await expect(remembered.getByText('empty.bin').count()).resolves.toBe(1);
  });

  it('takes files from the OS share sheet (Web Share Target) into a room', async () => {
    const page = phone.page;
    const roomPath = new URL(page.url()).pathname;
    // what the page says from here on, for the failure message (the device's log file lags behind)
    const said: string[] = [];
    const hear = (m: ConsoleMessage) => said.push(`[${m.type()}] ${m.text()}`);
    page.on('console', hear);
    // what the share sheet does: a multipart POST to the manifest's action, answered by the service worker
    const landed = await page.evaluate(async () => {
      const form = new FormData();
      form.append(
        'files',
        new File(['shared from another app'], 'From the share sheet.txt', { type: 'text/plain' }),
      );
      const res = await fetch('/share-target', { method: 'POST', body: form });
      return new URL(res.url).pathname + new URL(res.url).search;
    });
    expect(landed).toBe('/?shared=1');
    await page.goto(phone.url('/?shared=1'));
    const inbox = page.getByRole('region', { name: /^1 file to share/ });
    await inbox.waitFor();
    await inbox.getByRole('button').first().click();
    await page.waitForURL((url) => url.pathname === roomPath);
    await waitFileCount(page, 1).catch(async (error: unknown) => {
      // say what the room screen shows instead (the upload's state and words, the status bar)
      const screen = await page
        .locator('main')
        .innerText()
        .catch(() => '(no main)');
      throw new Error(
        `the shared file never listed; the room screen says:\n${screen}\n\nthe page's console:\n${said.join('\n')}`,
        { cause: error },
      );
    });
    await expect(fileRow(page, 'From the share sheet.txt').count()).resolves.toBe(1);
    page.off('console', hear);
  });

  it('drops files another website posts to the share target, unread (issue 10, item 15)', async () => {
    const page = phone.page;
    const target = phone.url('/share-target');
    // two foreign senders: another website (its page answered by the browser itself, no network) and an
    // opaque origin (what a sandboxed frame or a data: page sends)
    const elsewhere = 'http://elsewhere.test/';
    await phone.context.route(elsewhere, (route) =>
      route.fulfill({ contentType: 'text/html', body: '<title>elsewhere</title>' }),
    );
    for (const start of [elsewhere, 'data:text/html,<title>elsewhere</title>']) {
      await page.goto(start);
      await page.evaluate((action) => {
        const form = document.createElement('form');
        form.method = 'POST';
        form.action = action;
        form.enctype = 'multipart/form-data';
        const input = document.createElement('input');
        input.type = 'file';
        input.name = 'files';
        form.append(input);
        document.body.replaceChildren(form);
      }, target);
      await page.locator('input[type=file]').setInputFiles({
        name: 'planted.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from('from elsewhere'),
      });
      await Promise.all([
        page.waitForURL((url) => url.origin === new URL(target).origin, { timeout: 15_000 }),
        page.evaluate(() => document.querySelector('form')?.submit()),
      ]);
      // the service worker answered (the tracker would not redirect), and not with the inbox
      expect(new URL(page.url()).pathname + new URL(page.url()).search, `posted from ${start}`).toBe('/');
    }
    await page.goto(phone.url('/?shared=1'));
    await page
      .getByText('The shared files were already handled, or the browser did not pass them on.')
      .waitFor();
    await expect(page.getByText('planted.txt').count()).resolves.toBe(0);
  });
});
