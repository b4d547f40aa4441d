// What a person does on the transfer screens: share files, click Download, save what arrived (hashed in
// Node). Buttons are found by their accessible names, rows through locators.ts.
import type { Locator, Page } from 'playwright-core';
import { addFiles } from '../pwa/support.ts';
import { screenshot } from './diagnostics.ts';
import { recordTransitions } from './engineProbe.ts';
import type { Fixture } from './fixtures.ts';
import { sha256File } from './fixtures.ts';
import { fileRowOf } from './locators.ts';

/** Shares loose files through the "Add files" input (files on disk: Chromium reads them lazily). */
export function shareLoose(page: Page, files: Fixture[]): Promise<void> {
  return addFiles(
    page,
    files.map((f) => f.file),
  );
}

/** The file's row is listed with at least one other device online, then its Download button is clicked. */
export async function clickDownload(page: Page, fx: Fixture, timeout = 20_000): Promise<void> {
  const row = fileRowOf(page, fx);
  await row.waitFor({ timeout });
  await recordTransitions(page);
  await row.getByRole('button', { name: `Download ${fx.name}`, exact: true }).click();
}

export interface Saved {
  sha256: string;
  size: number;
  suggestedFilename: string;
}

/** Clicks `Save <name>` inside `scope` and hashes what the browser saved, in Node. */
export async function saveAndHash(page: Page, scope: Locator, name: string): Promise<Saved> {
  const button = scope.getByRole('button', { name: `Save ${name}`, exact: true });
  try {
    await button.waitFor({ timeout: 10_000 });
  } catch {
    const state = (await scope.count()) > 0 ? await scope.first().getAttribute('data-state') : null;
    const text = (await scope.count()) > 0 ? ((await scope.first().textContent()) ?? '') : '(gone)';
    const shot = await screenshot(page, `no-save-button-${name}`);
    throw new Error(
      `no "Save ${name}" button after 10 s; the row says data-state=${state}, text: ${text}\n  screenshot: ${shot}`,
    );
  }
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), button.click()]);
  const failure = await download.failure();
  if (failure) throw new Error(`browser download of "${name}" failed: ${failure}`);
  const path = await download.path();
  const { sha256, size } = await sha256File(path);
  const suggestedFilename = download.suggestedFilename();
  await download.delete().catch(() => undefined);
  return { sha256, size, suggestedFilename };
}
