// Hashing speed in a real Chromium, through the very worker bundle the app ships: a generated file of
// `mb` megabytes (or the page's own Blob or File named `pageBlob`, so that a benchmark's baselines read
// the very same one), hashed once (content id + chunk hashes), timed inside the worker from the job's
// start to its content id.
import type { Page } from 'playwright-core';
import { hashWorkerPath } from './build.ts';

export async function measureHashing(
  page: Page,
  mb: number,
  pageBlob?: string,
): Promise<{ mbPerSecond: number; ms: number; contentId: string }> {
  return page.evaluate(
    async ({ workerPath, mb, pageBlob }) => {
      const made = () => {
        const chunk = new Uint8Array(1 << 20);
        for (let i = 0; i < chunk.length; i += 65536) crypto.getRandomValues(chunk.subarray(i, i + 65536));
        return new Blob(Array.from({ length: mb }, () => chunk));
      };
      const blob = pageBlob ? (globalThis as unknown as Record<string, Blob>)[pageBlob]! : made();
      const worker = new Worker(workerPath, { type: 'module' });
      const result = await new Promise<{ ms: number; contentId: string }>((resolve, reject) => {
        worker.onmessage = (e: MessageEvent) => {
          const m = e.data as { type: string; ms: number; hash: { contentId: string }; message: string };
          if (m.type === 'done') resolve({ ms: m.ms, contentId: m.hash.contentId });
          else if (m.type === 'error') reject(new Error(m.message));
        };
        worker.postMessage({ type: 'hash', id: 1, blob });
      });
      worker.terminate();
      return { ...result, mbPerSecond: blob.size / 1e6 / (result.ms / 1000) };
    },
    { workerPath: hashWorkerPath(), mb, pageBlob },
  );
}
