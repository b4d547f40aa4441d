// Steps of the journeys that mix browsers, written once over `Ui` (ui.ts), on the app's UI contract:
// li.file-row[data-content-id], section[aria-label="Downloads"] li[data-download][data-state], buttons
// by their aria-labels, the status bar (role=status); a step that fails says what the page showed (text,
// screenshot, console). Test files and their oracle (SHA-256, content id computed in Node) come from the
// transfer journeys' FixtureSet; what the page holds behind the UI is read through pageProbe.ts.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Fixture } from '../transfer/support.ts';
import { attr, type Ui } from './ui.ts';

const SHOTS_DIR = join(tmpdir(), 'meshdrop-browser-shots');

export const fileRowSel = (fx: Fixture): string => `li.file-row[data-content-id="${fx.contentId}"]`;
export const downloadRowSel = (fx: Fixture): string =>
  `section[aria-label="Downloads"] li[data-download="${fx.contentId}"]`;

/** What the page says, in one line (for failure messages and text checks). */
export function textOf(ui: Ui, selector = 'body'): Promise<string> {
  return ui.evaluate(
    (sel) => (document.querySelector(sel)?.textContent ?? '').replace(/\s+/g, ' ').trim(),
    selector,
  );
}

/** Waits until the element's text contains `text`; the error says what it said instead. */
export async function waitForText(ui: Ui, selector: string, text: string, timeout = 20_000): Promise<void> {
  const deadline = Date.now() + timeout;
  let seen = '';
  while (Date.now() < deadline) {
    seen = await textOf(ui, selector).catch(() => '');
    if (seen.includes(text)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${ui.device.name}: "${selector}" never said "${text}" in ${timeout} ms; it says: ${seen}`);
}

/** Clicks the button whose visible text is exactly `text` (for buttons without an aria-label). */
export async function clickButtonText(ui: Ui, text: string, within = 'body'): Promise<void> {
  const mark = await ui.evaluate(
    ({ text, within }) => {
      const button = [...document.querySelectorAll(`${within} button`)].find(
        (b) => (b.textContent ?? '').trim() === text,
      );
      if (!button) return null;
      const mark = String(Math.random()).slice(2);
      button.setAttribute('data-e2e-pick', mark);
      return mark;
    },
    { text, within },
  );
  if (mark === null) throw new Error(`${ui.device.name}: no button "${text}" in ${within}`);
  await ui.click(`button[data-e2e-pick="${mark}"]`);
}

export async function waitConnected(ui: Ui): Promise<void> {
  await waitForText(ui, '[role=status]', 'Connected');
}

export async function joinRoom(ui: Ui, link: string): Promise<void> {
  await ui.goto(link);
  await waitConnected(ui);
}

export async function shareFiles(ui: Ui, files: Fixture[]): Promise<void> {
  await ui.setFiles(
    '.add-files label:first-child input[type=file]',
    files.map((f) => f.file),
  );
}

export async function shareFolder(ui: Ui, dir: string): Promise<void> {
  await ui.setFiles('.add-files input[type=file][webkitdirectory]', [dir]);
}

/** Until every file is listed on `ui`; a timeout says what both pages show (and the sharer's console). */
export async function waitListed(ui: Ui, files: Fixture[], timeout = 30_000, sharer?: Ui): Promise<void> {
  const about = async (u: Ui) =>
    `${u.device.name} (${u.device.kind}) shows: ${(await textOf(u).catch(() => '?')).slice(0, 800)}\n` +
    `  console: ${consoleTail(u)}`;
  for (const fx of files) {
    try {
      await ui.waitFor(fileRowSel(fx), { timeout });
    } catch (error) {
      throw new Error(
        `${ui.device.name}: "${fx.name}" not listed after ${timeout} ms\n  ${await about(ui)}` +
          (sharer ? `\n  ${await about(sharer)}` : ''),
        { cause: error },
      );
    }
  }
}

/** Clicks the file's Download button; its row in the downloads panel must appear (or the click was lost). */
export async function clickDownload(ui: Ui, fx: Fixture): Promise<void> {
  await ui.waitFor(fileRowSel(fx));
  const button = `${fileRowSel(fx)} button[aria-label=${attr(`Download ${fx.name}`)}]`;
  await ui.click(button);
  try {
    await ui.waitFor(downloadRowSel(fx), { timeout: 10_000 });
  } catch {
    const shot = await screenshot(ui, `no-download-row-${fx.name}`);
    throw new Error(
      `${ui.device.name} (${ui.device.kind}): clicked "Download ${fx.name}" and no download row appeared\n` +
        `  button there: ${await ui.evaluate((sel) => document.querySelector(sel)?.outerHTML ?? 'none', button)}\n` +
        `  screenshot: ${shot}\n  console: ${consoleTail(ui)}`,
    );
  }
}

/** The row's data-state, or null while there is no row. */
export function downloadState(ui: Ui, fx: Fixture): Promise<string | null> {
  return ui.evaluate(
    (sel) => document.querySelector(sel)?.getAttribute('data-state') ?? null,
    downloadRowSel(fx),
  );
}

/** Until the download row says done; a failed/cancelled row or a timeout throws with what the page shows. */
export async function waitDownloaded(ui: Ui, fx: Fixture, timeout = 60_000): Promise<void> {
  const deadline = Date.now() + timeout;
  let state: string | null = null;
  while (Date.now() < deadline) {
    state = await downloadState(ui, fx);
    if (state === 'done') return;
    if (state === 'failed' || state === 'cancelled') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const shot = await screenshot(ui, `download-${fx.name}`);
  throw new Error(
    `${ui.device.name} (${ui.device.kind}): download of "${fx.name}" (${fx.size} B) ended as ` +
      `data-state=${state ?? 'none'} ${state === 'failed' || state === 'cancelled' ? '' : `(not done after ${timeout} ms)`}\n` +
      `  row text: ${await textOf(ui, downloadRowSel(fx))}\n  screenshot: ${shot}`,
  );
}

/** Saves through the row's Save button and checks the saved bytes against the generated file. */
export async function expectSavedExact(ui: Ui, fx: Fixture): Promise<void> {
  const saved = await ui.saveFrom(`${downloadRowSel(fx)} button[aria-label=${attr(`Save ${fx.name}`)}]`, fx);
  expect(saved, `${ui.device.name} (${ui.device.kind}) saved "${fx.name}"`).toEqual({
    sha256: fx.sha256,
    size: fx.size,
    suggestedFilename: fx.name,
  });
}

/** Downloads each file in turn (all clicked first) and checks every saved copy; failures are collected. */
export async function downloadAllExact(ui: Ui, files: Fixture[], timeout = 60_000): Promise<string[]> {
  const failures: string[] = [];
  for (const fx of files) await clickDownload(ui, fx);
  for (const fx of files) {
    try {
      await waitDownloaded(ui, fx, timeout);
      await expectSavedExact(ui, fx);
    } catch (error) {
      failures.push(error instanceof Error ? error.message : String(error));
    }
  }
  return failures;
}

/** The device's last page console lines (Chromium and Firefox log them), for failure messages. */
export function consoleTail(ui: Ui, lines = 12): string {
  const path = ui.device.logPath;
  if (!existsSync(path)) return '(nothing logged)';
  return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n    ');
}

export async function screenshot(ui: Ui, label: string): Promise<string> {
  mkdirSync(SHOTS_DIR, { recursive: true });
  const path = join(SHOTS_DIR, `${ui.device.kind}-${ui.device.name}-${label.replace(/[^\w.-]+/g, '_')}.png`);
  await ui.screenshot(path).catch(() => undefined);
  return path;
}
