// Storage choice by feature detection: OPFS only where a worker can really open a sync access handle.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultBackend } from '../src/transfer/downloadStorage.ts';
import { type ProbeWorker, probeOpfs, resetOpfsProbe } from '../src/transfer/opfsProbe.ts';
import { opfsAvailable } from '../src/transfer/opfsStore.ts';

class FakeProbe implements ProbeWorker {
  onmessage: ((e: MessageEvent<unknown>) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  terminated = false;
  terminate() {
    this.terminated = true;
  }
  answer(data: unknown) {
    this.onmessage?.({ data } as MessageEvent<unknown>);
  }
}

let probe: FakeProbe;
const spawn = () => {
  probe = new FakeProbe();
  return probe;
};

beforeEach(() => {
  resetOpfsProbe();
  vi.stubGlobal('navigator', { storage: { getDirectory: () => Promise.resolve({}) } });
  vi.stubGlobal('Worker', class {});
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('choosing OPFS for downloads', () => {
  it('says yes once a worker opened a sync access handle, and ends the worker', async () => {
    const verdict = probeOpfs(spawn);
    probe.answer(true);
    await expect(verdict).resolves.toBe(true);
    expect(probe.terminated).toBe(true);
  });

  it('keeps to IndexedDB where OPFS exists but sync access handles are refused (WebKit)', async () => {
    const verdict = probeOpfs(spawn);
    probe.answer(false);
    await expect(verdict).resolves.toBe(false);
  });

  it('says no when the worker fails to start, errors, or never answers', async () => {
    await expect(
      probeOpfs(() => {
        throw new Error('no module workers');
      }),
    ).resolves.toBe(false);
    resetOpfsProbe();
    const errored = probeOpfs(spawn);
    probe.onerror?.({} as ErrorEvent);
    await expect(errored).resolves.toBe(false);
    resetOpfsProbe();
    vi.useFakeTimers();
    const silent = probeOpfs(spawn, 5_000);
    await vi.advanceTimersByTimeAsync(5_000);
    await expect(silent).resolves.toBe(false);
    expect(probe.terminated).toBe(true);
  });

  it('does not even try without OPFS (plain-http pages), and asks only once per page', async () => {
    let spawned = 0;
    const counting = () => {
      spawned++;
      return spawn();
    };
    const first = probeOpfs(counting);
    const again = probeOpfs(counting);
    probe.answer(true);
    await expect(Promise.all([first, again])).resolves.toEqual([true, true]);
    expect(spawned).toBe(1);

    resetOpfsProbe();
    vi.stubGlobal('navigator', { storage: {} });
    await expect(probeOpfs(counting)).resolves.toBe(false);
    expect(spawned).toBe(1);
  });

  it('is what the engine asks before it picks OPFS for a download', async () => {
    // WebKit: getDirectory exists, sync access handles do not
    probeOpfs(spawn);
    probe.answer(false);
    await expect(opfsAvailable()).resolves.toBe(false);
    resetOpfsProbe();
    probeOpfs(spawn);
    probe.answer(true);
    await expect(opfsAvailable()).resolves.toBe(true);
  });

  it('a download asked for before the probe answers still gets OPFS where it works', async () => {
    vi.stubGlobal('isSecureContext', true);
    const verdict = probeOpfs(spawn);
    // the engine asks at once (it is made when the page starts, before any worker has answered)
    const choice = defaultBackend();
    probe.answer(true);
    await verdict;
    await expect(choice).resolves.toBe('opfs');
  });
});
