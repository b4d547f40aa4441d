// Shared steps of the transfer journeys: test files with their SHA-256 and content id computed in Node
// (an oracle independent of the app), the download panel's UI contract, saving through a real browser
// download, and measurements (state timings, JS heap). Locators follow the UI contract only:
// li.file-row[data-content-id], section[aria-label="Downloads"] li[data-download][data-state],
// section[aria-label="Library"] li[data-library], and buttons by their accessible names.
import { createHash, randomBytes } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';

export const MiB = 1024 * 1024;
const CONTENT_ID_DOMAIN = 'meshdrop-content-v1\n';
const SHOTS_DIR = join(tmpdir(), 'meshdrop-transfer-shots');

export interface Fixture {
  name: string;
  size: number;
  /** absolute path of the file on disk (what setInputFiles gets) */
  file: string;
  /** folder inside the shared folder ('' for loose files) */
  folder: string;
  sha256: string;
  contentId: string;
}

/** docs/protocol.md: 1 MiB chunks, doubled while the file would have more than 8192 (at most 64 MiB). */
function chunkSizeFor(size: number): number {
  let chunk = MiB;
  while (chunk < 64 * MiB && Math.ceil(size / chunk) > 8192) chunk *= 2;
  return chunk;
}

/** contentId = hex(SHA-256(domain ‖ u64be(size) ‖ u32be(chunkSize) ‖ SHA-256(chunk_0) ‖ …)), per docs/protocol.md. */
export function contentIdOf(bytes: Buffer): string {
  const chunkSize = chunkSizeFor(bytes.length);
  const header = Buffer.alloc(12);
  header.writeBigUInt64BE(BigInt(bytes.length), 0);
  header.writeUInt32BE(chunkSize, 8);
  const root = createHash('sha256').update(CONTENT_ID_DOMAIN).update(header);
  for (let start = 0; start < bytes.length; start += chunkSize) {
    root.update(
      createHash('sha256')
        .update(bytes.subarray(start, start + chunkSize))
        .digest(),
    );
  }
  return root.digest('hex');
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function sha256File(path: string): Promise<{ sha256: string; size: number }> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    let size = 0;
    createReadStream(path)
      .on('data', (chunk: Buffer | string) => {
        const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        size += b.length;
        hash.update(b);
      })
      .on('error', reject)
      .on('end', () => resolve({ sha256: hash.digest('hex'), size }));
  });
}

export interface FixtureSpec {
  name: string;
  size: number;
  /** path inside the shared folder, e.g. 'sub dir' ('' = directly in it) */
  folder?: string;
}

/**
 * Random files on disk. Loose files land in `<root>/loose/`, folder files under `<root>/<folderName>/`,
 * so `looseFiles` go to the "Add files" input and `folderDir` to the "Add a folder" input.
 */
export class FixtureSet {
  readonly root: string;
  readonly folderName: string;
  readonly loose: Fixture[] = [];
  readonly inFolder: Fixture[] = [];

  constructor(folderName = 'Shared folder') {
    this.root = mkdtempSync(join(tmpdir(), 'meshdrop-transfer-'));
    this.folderName = folderName;
  }

  get folderDir(): string {
    return join(this.root, this.folderName);
  }

  get all(): Fixture[] {
    return [...this.loose, ...this.inFolder];
  }

  add(spec: FixtureSpec): Fixture {
    const bytes = randomBytes(spec.size);
    const inFolder = spec.folder !== undefined;
    const dir = inFolder ? join(this.folderDir, spec.folder ?? '') : join(this.root, 'loose');
    const file = join(dir, spec.name);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, bytes);
    const fx: Fixture = {
      name: spec.name,
      size: spec.size,
      file,
      folder: inFolder ? [this.folderName, spec.folder].filter(Boolean).join('/') : '',
      sha256: sha256(bytes),
      contentId: contentIdOf(bytes),
    };
    (inFolder ? this.inFolder : this.loose).push(fx);
    return fx;
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Shares loose files through the "Add files" input (files on disk: Chromium reads them lazily). */
export async function shareLoose(page: Page, files: Fixture[]): Promise<void> {
  await page
    .getByText('Add files', { exact: true })
    .locator('input[type=file]')
    .setInputFiles(files.map((f) => f.file));
}

export async function shareFolder(page: Page, dir: string): Promise<void> {
  await page.getByText('Add a folder', { exact: true }).locator('input[type=file]').setInputFiles(dir);
}

export function fileRowOf(page: Page, fx: Fixture): Locator {
  return page.locator(`li.file-row[data-content-id="${fx.contentId}"]`);
}

export function downloadsPanel(page: Page): Locator {
  return page.locator('section[aria-label="Downloads"]');
}

export function downloadRowOf(page: Page, fx: Fixture): Locator {
  return downloadsPanel(page).locator(`li[data-download="${fx.contentId}"]`);
}

export function libraryRowOf(page: Page, fx: Fixture): Locator {
  return page.locator(`section[aria-label="Library"] li[data-library="${fx.contentId}"]`);
}

/** The file's row is listed with at least one other device online, then its Download button is clicked. */
export async function clickDownload(page: Page, fx: Fixture, timeout = 20_000): Promise<void> {
  const row = fileRowOf(page, fx);
  await row.waitFor({ timeout });
  await recordTransitions(page);
  await row.getByRole('button', { name: `Download ${fx.name}`, exact: true }).click();
}

export interface EngineItem {
  contentId: string;
  state: string;
  bytes: number;
  total: number;
  speed: number;
  rejectedChunks: number;
  dropped: number;
  sources: string[];
  /** the engine handed over the finished file (it is in the library) */
  hasBlob: boolean;
  timedOut: number;
  /** chunks found on disk from an interrupted run (checked, not fetched again) */
  resumedChunks: number;
  /** the last message a source sent that was dropped, and why */
  lastDropped?: string;
  error?: { code: string; message: string };
}

/** The engine's view of one download, through the debug handle `window.__meshdrop.engine`. */
export async function engineItem(page: Page, contentId: string): Promise<EngineItem | null> {
  return page.evaluate((cid) => {
    interface Item {
      contentId: string;
      blob?: Blob;
      status: {
        state: string;
        progress: { bytes: number; total: number; speed: number };
        rejectedChunks: number;
        dropped: number;
        sources: string[];
        timedOut: number;
        resumedChunks?: number;
        lastDropped?: string;
        error?: { code: string; message: string };
      };
    }
    const engine = (window as unknown as { __meshdrop?: { engine: { downloads(): Item[] } } }).__meshdrop
      ?.engine;
    const item = engine?.downloads().find((i) => i.contentId === cid);
    if (!item) return null;
    const s = item.status;
    return {
      contentId: item.contentId,
      state: s.state,
      bytes: s.progress.bytes,
      total: s.progress.total,
      speed: s.progress.speed,
      rejectedChunks: s.rejectedChunks,
      dropped: s.dropped,
      sources: s.sources,
      hasBlob: item.blob !== undefined,
      timedOut: s.timedOut,
      resumedChunks: s.resumedChunks ?? 0,
      ...(s.lastDropped ? { lastDropped: s.lastDropped } : {}),
      ...(s.error ? { error: s.error } : {}),
    };
  }, contentId);
}

export async function engineStats(page: Page): Promise<{ droppedByServer: number; rejectedChunks: number }> {
  return page.evaluate(() => {
    const engine = (
      window as unknown as {
        __meshdrop: { engine: { stats(): { droppedByServer: number; rejectedChunks: number } } };
      }
    ).__meshdrop.engine;
    return engine.stats();
  });
}

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

export interface Transition {
  contentId: string;
  state: string;
  /** sources linked at that moment */
  sources: number;
  /** the engine holds the finished file */
  blob: boolean;
  t: number;
}

/**
 * Records every change of state, of the number of linked sources, and the hand-over of the finished file,
 * for every download in the page, timed with performance.now(), through the engine's subscribe(): timings
 * that polling from the driver would blur, and the history to explain a download that got stuck.
 * Idempotent per page load.
 */
export async function recordTransitions(page: Page): Promise<void> {
  await page.evaluate(() => {
    interface Item {
      contentId: string;
      blob?: Blob;
      status: { state: string; sources: string[] };
    }
    interface Engine {
      downloads(): Item[];
      subscribe(l: () => void): () => void;
    }
    const w = window as unknown as {
      __meshdrop: { engine: Engine };
      __transitions?: Transition[];
    };
    if (w.__transitions) return;
    const log: Transition[] = [];
    w.__transitions = log;
    const last = new Map<string, string>();
    const engine = w.__meshdrop.engine;
    const look = () => {
      for (const i of engine.downloads()) {
        const key = `${i.status.state}/${i.status.sources.length}/${i.blob !== undefined}`;
        if (last.get(i.contentId) !== key) {
          last.set(i.contentId, key);
          log.push({
            contentId: i.contentId,
            state: i.status.state,
            sources: i.status.sources.length,
            blob: i.blob !== undefined,
            t: performance.now(),
          });
        }
      }
    };
    engine.subscribe(look);
    look();
  });
}

export async function transitions(page: Page, contentId: string): Promise<Transition[]> {
  return page.evaluate(
    (cid) =>
      ((window as unknown as { __transitions?: Transition[] }).__transitions ?? []).filter(
        (x) => x.contentId === cid,
      ),
    contentId,
  );
}

export async function pageNow(page: Page): Promise<number> {
  return page.evaluate(() => performance.now());
}

export interface HeapReport {
  /** after a forced GC, before the download */
  baseline: number;
  peak: number;
  growth: number;
  samples: number;
  /** V8's usedSize plus ArrayBuffer backing stores, where Chromium reports them */
  baselineWithBuffers: number | null;
  peakWithBuffers: number | null;
  /** after the download and a forced GC: what stayed */
  afterGc: number;
  afterGcWithBuffers: number | null;
}

/** Samples the page's main-thread JS heap through CDP every `everyMs` until stop(). */
export async function startHeapSampler(page: Page, everyMs = 200): Promise<{ stop(): Promise<HeapReport> }> {
  const cdp = await page.context().newCDPSession(page);
  interface Usage {
    usedSize: number;
    totalSize: number;
    backingStorageSize?: number;
  }
  const usage = async (): Promise<Usage> => (await cdp.send('Runtime.getHeapUsage')) as Usage;
  await cdp.send('HeapProfiler.collectGarbage');
  const base = await usage();
  const withBuffers = (u: Usage) =>
    u.backingStorageSize === undefined ? null : u.usedSize + u.backingStorageSize;
  let peak = base.usedSize;
  let peakWithBuffers = withBuffers(base);
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const u = await usage().catch(() => null);
      if (u) {
        samples++;
        peak = Math.max(peak, u.usedSize);
        const wb = withBuffers(u);
        if (wb !== null && peakWithBuffers !== null) peakWithBuffers = Math.max(peakWithBuffers, wb);
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await cdp.send('HeapProfiler.collectGarbage');
      const after = await usage();
      await cdp.detach().catch(() => undefined);
      return {
        afterGc: after.usedSize,
        afterGcWithBuffers: withBuffers(after),
        baseline: base.usedSize,
        peak,
        growth: peak - base.usedSize,
        samples,
        baselineWithBuffers: withBuffers(base),
        peakWithBuffers,
      };
    },
  };
}

/** One line for the log: V8 heap (usedSize) and, where reported, with ArrayBuffer backing stores. */
export function heapWords(r: HeapReport): string {
  let out =
    `usedSize baseline ${mib(r.baseline)}, peak ${mib(r.peak)}, growth ${mib(r.growth)}, ` +
    `after download + GC ${mib(r.afterGc)} (${r.samples} samples every 200 ms)`;
  if (r.baselineWithBuffers !== null && r.peakWithBuffers !== null)
    out +=
      `; with ArrayBuffer backing stores: baseline ${mib(r.baselineWithBuffers)}, peak ${mib(r.peakWithBuffers)}, ` +
      `growth ${mib(r.peakWithBuffers - r.baselineWithBuffers)}, after download + GC ${mib(r.afterGcWithBuffers ?? 0)}`;
  return out;
}

export function mib(bytes: number): string {
  return `${(bytes / MiB).toFixed(1)} MiB`;
}

/** Seconds since `since` (a Date.now() reading) as "12.3 s", for timing journeys. */
export function elapsed(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

const DIST_INDEX = fileURLToPath(new URL('../../pwa/dist/index.html', import.meta.url));

/**
 * When pwa/dist was built, to notice a rebuild in the middle of a run: the tracker serves pwa/dist as it
 * is, so a rebuild (someone else's `vite build`) swaps the app under the running pages.
 */
export function distBuiltAt(): number {
  return existsSync(DIST_INDEX) ? statSync(DIST_INDEX).mtimeMs : 0;
}

export function warnIfRebuilt(since: number): void {
  if (distBuiltAt() !== since)
    console.warn(
      '[warn] pwa/dist was rebuilt during this run: failures may come from the app changing under the pages',
    );
}
