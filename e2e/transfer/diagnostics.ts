// Waiting for a download's outcome, and when it is not the expected one, saying what the person saw (the
// row's text), what the engine says, the download's state changes, and where a screenshot is.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { engineItem, transitions } from './engineProbe.ts';
import type { Fixture } from './fixtures.ts';
import { downloadRowOf } from './locators.ts';

const SHOTS_DIR = join(tmpdir(), 'meshdrop-transfer-shots');

export async function screenshot(page: Page, label: string): Promise<string> {
  mkdirSync(SHOTS_DIR, { recursive: true });
  const path = join(SHOTS_DIR, `${label.replace(/[^\w.-]+/g, '_')}.png`);
  await page.screenshot({ path, fullPage: true }).catch(() => undefined);
  return path;
}

/**
 * Waits for the download row to reach `done`. A row that ends failed/cancelled, or a timeout, throws at
 * once with what the person would see (row text), what the engine says, and a screenshot.
 */
export async function waitDownloaded(
  page: Page,
  fx: Fixture,
  timeout = 60_000,
  label = 'download',
): Promise<void> {
  const row = downloadRowOf(page, fx);
  const deadline = Date.now() + timeout;
  let state: string | null = null;
  while (Date.now() < deadline) {
    state = (await row.count()) > 0 ? await row.getAttribute('data-state') : null;
    if (state === 'done') return;
    if (state === 'failed' || state === 'cancelled') break;
    await page.waitForTimeout(100);
  }
  const text =
    (await row.count()) > 0 ? ((await row.textContent()) ?? '').replace(/\s+/g, ' ') : '(no download row)';
  const item = await engineItem(page, fx.contentId).catch((e: unknown) => String(e));
  const shot = await screenshot(page, `${label}-${fx.name}`);
  const history = await historyOf(page, fx.contentId);
  throw new Error(
    `download of "${fx.name}" (${fx.size} B) ended as data-state=${state ?? 'none'} ` +
      `(${state === 'failed' || state === 'cancelled' ? 'ended' : `not done after ${timeout} ms`})\n` +
      `  row text: ${text}\n  engine: ${JSON.stringify(item)}\n` +
      `  state changes: ${history || '(not recorded)'}\n  screenshot: ${shot}`,
  );
}

/** The recorded state changes of one download, as one line for a failure message. */
async function historyOf(page: Page, contentId: string): Promise<string> {
  const steps = await transitions(page, contentId).catch(() => []);
  const t0 = steps[0]?.t ?? 0;
  return steps
    .map((s) => `${s.state}(${s.sources} src${s.blob ? ', file' : ''})@+${Math.round(s.t - t0)}ms`)
    .join(' → ');
}

/** A finished download stays finished for `forMs`: its row still says done (with the history if not). */
export async function expectStillDone(page: Page, fx: Fixture, forMs = 1000): Promise<void> {
  const until = Date.now() + forMs;
  let state: string | null = 'done';
  while (state === 'done' && Date.now() < until) {
    state = await downloadRowOf(page, fx).getAttribute('data-state');
    await page.waitForTimeout(100);
  }
  if (state === 'done') return;
  const history = await historyOf(page, fx.contentId);
  throw new Error(
    `"${fx.name}" was done, but its row now says data-state=${state}\n  engine: ` +
      `${JSON.stringify(await engineItem(page, fx.contentId))}\n  state changes: ${history}`,
  );
}
