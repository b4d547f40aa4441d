// Shared steps of the command-line journeys: the app's tamper seam used as a counter (and as the hostile
// source), the CLI's JSON output, and files on disk compared by SHA-256.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { FetchResult } from '../../cli/src/download/fetchFile.ts';
import type { CliRun } from '../lan/index.ts';
import { sha256File } from '../transfer/support.ts';

/** Chunk index -> how many times to flip a bit in it (Infinity: every time). */
export type Flips = Record<number, number>;

/**
 * Installs the engine's test seam in a sharing page for some content ids: every chunk of them the page
 * sends is counted by index, and chunks named in their flips get one bit flipped (the hostile source of
 * the app's own journey).
 */
export async function installSeam(page: Page, contents: Record<string, Flips>): Promise<void> {
  // JSON has no Infinity: "every time" travels as a large count
  const plan = Object.fromEntries(
    Object.entries(contents).map(([cid, flips]) => [
      cid,
      Object.fromEntries(Object.entries(flips).map(([i, n]) => [i, Number.isFinite(n) ? n : 1e9])),
    ]),
  );
  await page.evaluate((plan) => {
    const w = window as unknown as {
      __meshdropTamper?: (id: string, i: number, b: Uint8Array) => Uint8Array;
      __served: Record<number, number>;
      __flipped: number;
    };
    w.__served = {};
    w.__flipped = 0;
    w.__meshdropTamper = (id, index, bytes) => {
      const left = plan[id];
      if (!left) return bytes;
      w.__served[index] = (w.__served[index] ?? 0) + 1;
      if (!((left[index] ?? 0) > 0)) return bytes;
      left[index]!--;
      w.__flipped++;
      const copy = bytes.slice();
      copy[777 % copy.length] = (copy[777 % copy.length] ?? 0) ^ 0x10;
      return copy;
    };
  }, plan);
}

/** Chunks sent by index since the seam was installed (or reset), and bits flipped. */
export async function seamCounts(page: Page): Promise<{ served: Record<number, number>; flipped: number }> {
  return page.evaluate(() => {
    const w = window as unknown as { __served: Record<number, number>; __flipped: number };
    return { served: { ...w.__served }, flipped: w.__flipped };
  });
}

export async function resetSeamCounts(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { __served: Record<number, number> }).__served = {};
  });
}

export async function removeSeam(page: Page): Promise<void> {
  await page.evaluate(() => {
    delete (window as unknown as { __meshdropTamper?: unknown }).__meshdropTamper;
  });
}

export type GetResult = FetchResult & { skipped?: boolean };

/** The `files` of `meshdrop get --json`. */
export function getResults(run: CliRun): GetResult[] {
  try {
    return (JSON.parse(run.stdout) as { files: GetResult[] }).files;
  } catch {
    throw new Error(`not the JSON of meshdrop get: ${run.describe()}`);
  }
}

/** Chunk indices recorded as verified in a partial download's sidecar (see cli/src/files/diskStore.ts). */
export function sidecarIndices(outDir: string, contentId: string): number[] {
  const path = join(outDir, '.meshdrop-partial', `${contentId}.idx`);
  if (!existsSync(path)) return [];
  const raw = readFileSync(path);
  const body = raw.subarray(raw.indexOf(0x0a) + 1);
  const out: number[] = [];
  for (let at = 0; at + 4 <= body.length; at += 4) out.push(body.readUInt32BE(at));
  return out;
}

export async function expectSameFile(path: string, fx: { sha256: string; size: number }): Promise<void> {
  const got = await sha256File(path);
  if (got.sha256 !== fx.sha256 || got.size !== fx.size)
    throw new Error(`${path}: ${got.size} B sha256 ${got.sha256}, expected ${fx.size} B sha256 ${fx.sha256}`);
}
