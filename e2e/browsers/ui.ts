// The few things a journey does with a page, the same way on every kind of device: Playwright drives
// Chromium, Puppeteer (WebDriver BiDi) drives Firefox. Journeys that mix browsers use CSS selectors on
// the app's UI contract (aria-labels, data attributes) and `evaluate`, so one journey reads the same
// whichever browser plays which part. Saving is where browsers differ most: Chromium hands Playwright a
// download; Firefox writes into the device's download folder (set through prefs), which we watch.
// WebKitWebDriver (WebDriver classic) drives WebKit, which has no WebRTC: nothing there to share or save.
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page as PlaywrightPage } from 'playwright-core';
import type { Page as PuppeteerPage } from 'puppeteer-core';
import type { Device, FirefoxDevice, LanDevice, WebKitDevice } from '../lan/index.ts';
import { type Saved, sha256File } from '../transfer/support.ts';

export interface Ui {
  readonly device: LanDevice;
  goto(url: string): Promise<void>;
  reload(): Promise<void>;
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
  if (device.kind === 'firefox') return puppeteerUi(device as FirefoxDevice);
  if (device.kind === 'webkit') return webdriverUi(device as WebKitDevice);
  return playwrightUi(device as Device);
}

/** goto and reload, which Playwright's and Puppeteer's pages spell alike. */
function navigation(page: () => { goto(url: string): Promise<unknown>; reload(): Promise<unknown> }) {
  return {
    goto: async (url: string) => {
      await page().goto(url);
    },
    reload: async () => {
      await page().reload();
    },
  };
}

function playwrightUi(device: Device): Ui {
  const page = (): PlaywrightPage => device.page;
  return {
    device,
    ...navigation(page),
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
    ...navigation(page),
    evaluate: <R, A>(fn: (arg: A) => R | Promise<R>, arg: A) =>
      page().evaluate(fn as (arg: unknown) => R | Promise<R>, arg) as Promise<R>,
    click: (selector) => clickGuarded(device, selector),
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
      // guarded like every other click: rows that finish above it (shared back as "Yours") move the
      // button, and a plain click at its old centre saved nothing ("the download folder holds: nothing")
      await clickGuarded(device, selector);
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

function webdriverUi(device: WebKitDevice): Ui {
  const session = () => device.session;
  const evaluate = async <R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R> => {
    // the function travels as source, as with Playwright and Puppeteer; the last argument is the callback
    const script =
      'const done = arguments[arguments.length - 1];' +
      `Promise.resolve().then(() => (${fn.toString()})(arguments[0])).then(` +
      '(v) => done({ ok: true, v: v === undefined ? null : v }), (e) => done({ ok: false, e: String(e) }));';
    const out = (await session().executeAsync(script, [arg ?? null])) as { ok: boolean; v: R; e: string };
    if (!out.ok) throw new Error(`${device.name}: ${out.e}`);
    return out.v;
  };
  const waitFor: Ui['waitFor'] = async (selector, o = {}) => {
    const deadline = Date.now() + (o.timeout ?? 30_000);
    while (Date.now() < deadline) {
      const present = await evaluate((sel) => document.querySelector(sel) !== null, selector);
      if (present !== Boolean(o.gone)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(
      `${device.name}: ${selector} ${o.gone ? 'still there' : 'not found'} after ${o.timeout} ms`,
    );
  };
  const element = async (selector: string) => {
    await waitFor(selector);
    return session().find(selector);
  };
  const unsupported = (what: string) => () =>
    Promise.reject(
      new Error(`${device.name}: ${what} is not driven on WebKit (no WebRTC: nothing to share or save)`),
    );
  return {
    device,
    goto: (url) => session().navigate(url),
    reload: () => session().refresh(),
    evaluate,
    click: async (selector) => session().click(await element(selector)),
    waitFor,
    setFiles: unsupported('picking files'),
    fill: async (selector, text) => session().type(await element(selector), text),
    saveFrom: unsupported('saving'),
    screenshot: async (path) => writeFileSync(path, await session().screenshot()),
    shoot: async (selector) => session().screenshot(await element(selector)),
  };
}

/**
 * A real click (driver input) that lands on `selector` or not at all. Playwright waits until its target
 * stands still and is what a click at its centre hits, and checks at dispatch time that the events reach
 * it; Puppeteer does neither, and the app's fixed status bar, or rows that grow above the target (a file
 * becomes "Yours" when its download is shared back) would take the click. So: scroll it to the centre,
 * wait until it stands still and is hit, guard the window so pointer events that reach anything else are
 * swallowed (no stray click on a neighbour's button), click, and try again if the click was swallowed.
 */
async function clickGuarded(device: FirefoxDevice, selector: string): Promise<void> {
  const page = device.page;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const el = await page.waitForSelector(selector, { timeout: 30_000 });
    const point = await el!.evaluate(async (target) => {
      target.scrollIntoView({ block: 'center' });
      const frame = () => new Promise((r) => requestAnimationFrame(r));
      const before = target.getBoundingClientRect();
      await frame();
      await frame();
      const r = target.getBoundingClientRect();
      if (r.top !== before.top || r.left !== before.left) return null;
      const x = r.left + r.width / 2;
      const y = r.top + r.height / 2;
      const hit = document.elementFromPoint(x, y);
      if (!hit || !(hit === target || target.contains(hit))) return null;
      const state = { clicked: false, swallowed: false };
      const types = ['pointerdown', 'mousedown', 'pointerup', 'mouseup', 'click'];
      const guard = (event: Event) => {
        // only the driver's input is guarded: what the page dispatches itself (the Save button's
        // anchor.click() that starts the browser download) must go through
        if (!event.isTrusted) return;
        if (event.target instanceof Node && target.contains(event.target)) {
          if (event.type === 'click') state.clicked = true;
          return;
        }
        state.swallowed = true;
        event.preventDefault();
        event.stopImmediatePropagation();
      };
      for (const type of types) window.addEventListener(type, guard, { capture: true });
      (window as unknown as { __e2eClick: () => typeof state }).__e2eClick = () => {
        for (const type of types) window.removeEventListener(type, guard, { capture: true });
        return state;
      };
      return { x, y };
    });
    if (point) {
      await page.mouse.click(point.x, point.y);
      const outcome = await page
        .evaluate(() =>
          (window as unknown as { __e2eClick: () => { clicked: boolean; swallowed: boolean } }).__e2eClick(),
        )
        // the click navigated away: it landed
        .catch(() => ({ clicked: true, swallowed: false }));
      if (outcome.clicked && !outcome.swallowed) return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${device.name}: ${selector} never stood still where a click would reach it`);
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
