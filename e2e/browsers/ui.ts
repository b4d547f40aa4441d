// The few things a journey does with a page, the same way on every kind of device: Playwright drives
// Chromium, Puppeteer (WebDriver BiDi) drives Firefox. Journeys that mix browsers use CSS selectors on
// the app's UI contract (aria-labels, data attributes) and `evaluate`, so one journey reads the same
// whichever browser plays which part. Saving is where browsers differ most: Chromium hands Playwright a
// download; Firefox writes into the device's download folder (set through prefs), which we watch.
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page as PlaywrightPage } from 'playwright-core';
import type { Page as PuppeteerPage } from 'puppeteer-core';
import type { Device, FirefoxDevice, LanDevice } from '../lan/index.ts';
import { type Saved, sha256File } from '../transfer/support.ts';

export interface Ui {
  readonly device: LanDevice;
  goto(url: string): Promise<void>;
  reload(): Promise<void>;
  currentUrl(): string;
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  /** a real click (input events from the driver), on the first match */
  click(selector: string): Promise<void>;
  /** until the selector matches (or, with `gone`, no longer matches) */
  waitFor(selector: string, options?: { timeout?: number; gone?: boolean }): Promise<void>;
  setFiles(selector: string, paths: string[]): Promise<void>;
  /** replaces the field's text, as typing would */
  fill(selector: string, text: string): Promise<void>;
  /** Clicks a Save button and waits until the browser wrote `expected` in full; hashes it; removes it. */
  saveFrom(selector: string, expected: { name: string; size: number }, timeoutMs?: number): Promise<Saved>;
  screenshot(path: string): Promise<void>;
  /** PNG of one element */
  shoot(selector: string): Promise<Buffer>;
}

/** A CSS attribute-selector value: `[aria-label=${attr(name)}]`. */
export function attr(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

export function uiOf(device: LanDevice): Ui {
  return device.kind === 'firefox' ? puppeteerUi(device as FirefoxDevice) : playwrightUi(device as Device);
}

function playwrightUi(device: Device): Ui {
  const page = (): PlaywrightPage => device.page;
  return {
    device,
    goto: async (url) => {
      await page().goto(url);
    },
    reload: async () => {
      await page().reload();
    },
    currentUrl: () => page().url(),
    // our arguments are plain JSON, never handles: Playwright's unboxing changes nothing
    evaluate: <R, A>(fn: (arg: A) => R | Promise<R>, arg: A) =>
      page().evaluate(fn as (arg: unknown) => R | Promise<R>, arg),
    click: (selector) => page().click(selector),
    waitFor: async (selector, o = {}) => {
      await page().waitForSelector(selector, { state: o.gone ? 'detached' : 'attached', timeout: o.timeout });
    },
    setFiles: (selector, paths) => page().setInputFiles(selector, paths),
    fill: (selector, text) => page().fill(selector, text),
    saveFrom: async (selector, _expected, timeoutMs = 30_000) => {
      const [download] = await Promise.all([
        page().waitForEvent('download', { timeout: timeoutMs }),
        page().click(selector),
      ]);
      const failure = await download.failure();
      if (failure) throw new Error(`${device.name}: the browser download failed: ${failure}`);
      const saved = {
        ...(await sha256File(await download.path())),
        suggestedFilename: download.suggestedFilename(),
      };
      await download.delete().catch(() => undefined);
      return saved;
    },
    screenshot: async (path) => {
      await page().screenshot({ path, fullPage: true });
    },
    shoot: (selector) => page().locator(selector).first().screenshot(),
  };
}

function puppeteerUi(device: FirefoxDevice): Ui {
  const page = (): PuppeteerPage => device.page;
  return {
    device,
    goto: async (url) => {
      await page().goto(url);
    },
    reload: async () => {
      await page().reload();
    },
    currentUrl: () => page().url(),
    evaluate: <R, A>(fn: (arg: A) => R | Promise<R>, arg: A) =>
      page().evaluate(fn as (arg: unknown) => R | Promise<R>, arg) as Promise<R>,
    click: async (selector) => {
      // Puppeteer scrolls a target only just into view, where the app's fixed status bar can cover it
      // and take the click (Playwright checks what receives the click; Puppeteer does not)
      const el = await page().waitForSelector(selector, { timeout: 30_000 });
      await el!.evaluate((e) => e.scrollIntoView({ block: 'center' }));
      await el!.click();
    },
    waitFor: async (selector, o = {}) => {
      await page().waitForSelector(selector, { hidden: o.gone, timeout: o.timeout ?? 30_000 });
    },
    setFiles: async (selector, paths) => {
      const input = await page().$(selector);
      if (!input) throw new Error(`${device.name}: no ${selector}`);
      await (input as unknown as { uploadFile(...p: string[]): Promise<void> }).uploadFile(...paths);
    },
    fill: async (selector, text) => {
      const field = await page().waitForSelector(selector, { timeout: 30_000 });
      await field!.evaluate((e) => {
        (e as HTMLInputElement).select();
      });
      await field!.type(text);
    },
    saveFrom: async (selector, expected, timeoutMs = 30_000) => {
      const file = join(device.downloadDir, expected.name);
      rmSync(file, { force: true });
      await page().click(selector);
      await savedInFull(device, expected, timeoutMs);
      const saved = { ...(await sha256File(file)), suggestedFilename: expected.name };
      rmSync(file, { force: true });
      return saved;
    },
    screenshot: async (path) => {
      writeFileSync(path, await page().screenshot({ fullPage: true }));
    },
    shoot: async (selector) => {
      const el = await page().$(selector);
      if (!el) throw new Error(`${device.name}: no ${selector}`);
      return Buffer.from(await el.screenshot());
    },
  };
}

/**
 * Firefox writes a download to `<name>.part` and renames it when complete: done means the file exists
 * with the expected size and no `.part` is left. A name Firefox changed shows up in the error's listing.
 */
async function savedInFull(
  device: FirefoxDevice,
  expected: { name: string; size: number },
  timeoutMs: number,
): Promise<void> {
  const file = join(device.downloadDir, expected.name);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const parts = readdirSync(device.downloadDir).some((f) => f.endsWith('.part'));
    if (!parts && existsSync(file) && statSync(file).size === expected.size) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  const listing = readdirSync(device.downloadDir).map(
    (f) => `${f} (${statSync(join(device.downloadDir, f)).size} B)`,
  );
  throw new Error(
    `${device.name}: "${expected.name}" (${expected.size} B) not saved in ${timeoutMs} ms; ` +
      `the download folder holds: ${listing.join(', ') || 'nothing'}`,
  );
}
