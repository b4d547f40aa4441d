// Whether downloads may go to OPFS, found out once per page by trying (opfsProbe.worker.ts), never from
// the user agent. Wherever the answer is no, downloads go to IndexedDB.

let probing: Promise<boolean> | undefined;

export type ProbeWorker = Pick<Worker, 'terminate'> & {
  onmessage: ((e: MessageEvent<unknown>) => void) | null;
  onerror: ((e: ErrorEvent) => void) | null;
};

const spawnProbe = (): ProbeWorker =>
  new Worker(new URL('../workers/opfsProbe.worker.ts', import.meta.url), { type: 'module' });

/** Starts the probe (once); resolves with the verdict. A worker that never answers counts as no. */
export function probeOpfs(spawn: () => ProbeWorker = spawnProbe, timeoutMs = 5_000): Promise<boolean> {
  probing ??= new Promise<boolean>((resolve) => {
    const hasOpfs =
      typeof navigator !== 'undefined' && !!navigator.storage?.getDirectory && typeof Worker !== 'undefined';
    if (!hasOpfs) return resolve(false);
    let worker: ProbeWorker;
    const done = (works: boolean) => {
      clearTimeout(timer);
      worker?.terminate();
      resolve(works);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    try {
      worker = spawn();
    } catch {
      // no module workers here: no sync access handles either, so IndexedDB
      return done(false);
    }
    worker.onmessage = (e) => done(e.data === true);
    worker.onerror = () => done(false);
  });
  return probing;
}

/** For tests: forget the verdict. */
export function resetOpfsProbe(): void {
  probing = undefined;
}
