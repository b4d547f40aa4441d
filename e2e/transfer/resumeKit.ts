// What the resume journeys share: a log of the chunks a source starts sending (the engine's test seam
// sees the first block of every chunk it reads), and waiting until a download has stored enough to be
// interrupted.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { type EngineItem, engineItem, type Fixture, MiB } from './support.ts';

/** The source page logs the index of every chunk of `fx` it starts sending, from now on. */
export function logSends(source: Page, fx: Fixture): Promise<void> {
  return source.evaluate((cid) => {
    const w = window as unknown as {
      __meshdropTamper?: (id: string, i: number, b: Uint8Array, offset: number) => Uint8Array;
      __sent: number[];
    };
    w.__sent = [];
    w.__meshdropTamper = (id, index, bytes, offset) => {
      if (id === cid && offset === 0) w.__sent.push(index);
      return bytes;
    };
  }, fx.contentId);
}

export const sent = (source: Page): Promise<number[]> =>
  source.evaluate(() => (window as unknown as { __sent: number[] }).__sent);

export const clearSent = (source: Page): Promise<void> =>
  source.evaluate(() => {
    (window as unknown as { __sent: number[] }).__sent = [];
  });

/** Waits until `page`'s download of `fx` has stored at least `bytes`, still downloading. */
export async function waitStored(page: Page, fx: Fixture, bytes: number): Promise<EngineItem> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const item = await engineItem(page, fx.contentId);
    if (item && item.bytes >= bytes) {
      expect(item.state).toBe('downloading');
      return item;
    }
    if (item?.state === 'done' || item?.state === 'failed' || Date.now() > deadline)
      throw new Error(`never stored ${bytes} B of ${fx.name}: ${JSON.stringify(item)}`);
    await page.waitForTimeout(50);
  }
}

/** Whole chunks of 1 MiB in `bytes` stored (the last chunk may be short). */
export const chunksIn = (bytes: number): number => Math.ceil(bytes / MiB);

/**
 * No chunk the receiver had already stored was fetched again, and none twice: what the new source(s)
 * sent after the interruption and what was stored before it are exactly the file's chunks.
 */
export function expectNothingFetchedTwice(sentAfter: number[], storedBefore: number, chunks: number): void {
  expect(new Set(sentAfter).size).toBe(sentAfter.length);
  expect(storedBefore).toBeGreaterThanOrEqual(4);
  expect(sentAfter.length + storedBefore).toBe(chunks);
}
