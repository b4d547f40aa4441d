// Reads the invite panel's QR code the way a phone camera would: a screenshot, decoded with jsQR.
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';

// jsqr is CommonJS whose module.exports is the decoder itself; require() says so without interop guesses
const jsQR = createRequire(import.meta.url)('jsqr') as typeof import('jsqr').default;

export async function readQr(page: Page): Promise<string | null> {
  return decodeQr(await page.getByRole('img', { name: 'QR code of the room link' }).screenshot());
}

/** The text of the QR code in a PNG screenshot, or null when none is found. */
export function decodeQr(shot: Buffer): string | null {
  const png = PNG.sync.read(shot);
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data ?? null;
}
