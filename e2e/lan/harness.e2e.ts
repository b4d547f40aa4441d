// Self-test of the test LAN, with the stand-in tracker (no wrangler): pages
// load over the LAN, secure-context switch, a raw data channel on LAN host
// candidates, link faults, browser crash, tracker restart, clean teardown.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePeer, connectPair, digestOf, transfer } from './datachannel.ts';
import type { Device, Lan } from './index.ts';
import { checkPrerequisites, cleanupStale, createLan, standinCommand } from './index.ts';
import { isAlive } from './procs.ts';

const MiB = 1024 * 1024;
const skip = checkPrerequisites();

const ourNamespaces = (runId: string): string[] =>
  execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(runId));

const ourProcesses = (runId: string): string => {
  try {
    return execFileSync('pgrep', ['-af', runId], { encoding: 'utf8' });
  } catch {
    return ''; // pgrep exits 1 when nothing matches
  }
};

describe.skipIf(skip)('test LAN harness', () => {
  let lan: Lan;
  let alice: Device; // secure context: HTTPS from the tracker's CA, which her browser trusts
  let bob: Device; // plain http
  const pids: number[] = [];

  beforeAll(async () => {
    lan = await createLan();
    await lan.startTracker({ command: standinCommand });
    [alice, bob] = await Promise.all([
      lan.startDevice('alice', { secure: true }),
      lan.startDevice('bob', { secure: false }),
    ]);
  });

  afterAll(async () => {
    await lan?.close();
  });

  it('serves the tracker page to each device from its own LAN address', async () => {
    expect(lan.trackerOrigin).toBe(`http://10.99.${lan.octet}.1:8787`);
    expect([alice.ip, bob.ip]).toEqual([`10.99.${lan.octet}.11`, `10.99.${lan.octet}.12`]);
    expect(lan.trackerSecureOrigin).toBe(`https://10.99.${lan.octet}.1:8443`);
    expect(alice.page.url()).toBe(`${lan.trackerSecureOrigin}/`);
    expect(bob.page.url()).toBe(`${lan.trackerOrigin}/`);
    for (const d of [alice, bob]) expect(await d.page.title()).toBe('stand-in tracker');
    const echo = await bob.api('POST', '/api/echo', { hello: 'tracker' }, 'secret-token');
    expect(echo).toEqual({
      status: 200,
      json: { method: 'POST', authorization: 'Bearer secret-token', body: { hello: 'tracker' } },
    });
    expect((await lan.trackerApi('GET', '/api/health')).status).toBe(200);
  });

  it('makes the tracker origin a secure context only with secure: true (real HTTPS, no flag)', async () => {
    const features = (d: Device) =>
      d.page.evaluate(() => ({
        secure: isSecureContext,
        subtle: globalThis.crypto.subtle !== undefined,
        serviceWorker: 'serviceWorker' in navigator,
      }));
    expect(await features(alice)).toEqual({ secure: true, subtle: true, serviceWorker: true });
    expect(await features(bob)).toEqual({ secure: false, subtle: false, serviceWorker: false });
  });

  it('moves 2 MiB over a raw data channel on LAN host candidates only', async () => {
    const pair = await connectPair(alice.page, bob.page);
    expect(new Set(pair.offererAddresses)).toEqual(new Set([alice.ip]));
    expect(new Set(pair.answererAddresses)).toEqual(new Set([bob.ip]));
    expect(new Set(pair.candidateTypes)).toEqual(new Set(['host']));
    expect(pair.selected).toEqual({ local: alice.ip, remote: bob.ip });

    const result = await transfer(alice.page, bob.page, 2 * MiB);
    expect(result.bytes).toBe(2 * MiB);
    // alice hashes with crypto.subtle; bob (insecure) hands its bytes to the driver
    expect(await digestOf(bob.page, 'received')).toBe(await digestOf(alice.page, 'sent'));
  });

  it('stalls the channel while cut, and a new connection works after restore', async () => {
    await bob.cut();
    const stalled = await transfer(alice.page, bob.page, 256 * 1024, 2_000);
    expect(stalled.bytes).toBe(0);
    await bob.restore();
    await Promise.all([closePeer(alice.page), closePeer(bob.page)]);
    await connectPair(alice.page, bob.page);
    expect((await transfer(alice.page, bob.page, 256 * 1024)).bytes).toBe(256 * 1024);
  });

  it('limitRate lowers throughput measurably, unlimit lifts it', async () => {
    const mbps = (r: { bytes: number; ms: number }) => (r.bytes * 8) / 1e6 / (r.ms / 1000);
    // a cold channel starts slowly (one run measured 10 Mbit/s for its first 4 MiB): warm it up first
    await transfer(alice.page, bob.page, MiB);
    const fast = await transfer(alice.page, bob.page, 4 * MiB);
    // low enough that even a busy 2-core machine is clearly faster unlimited
    await bob.limitRate('2mbit');
    const slow = await transfer(alice.page, bob.page, MiB / 4);
    await bob.unlimit();
    const again = await transfer(alice.page, bob.page, 4 * MiB);
    console.log(
      `[harness] Mbit/s: ${mbps(fast).toFixed(0)} unlimited, ${mbps(slow).toFixed(1)} limited to 2mbit, ${mbps(again).toFixed(0)} unlimited again`,
    );
    expect(slow.bytes).toBe(MiB / 4);
    expect(mbps(slow)).toBeLessThan(3);
    expect(mbps(fast)).toBeGreaterThan(3 * mbps(slow));
    expect(mbps(again)).toBeGreaterThan(3 * mbps(slow));
    await Promise.all([closePeer(alice.page), closePeer(bob.page)]);
  });

  it('kill() crashes the browser; restart() brings it back with the same profile', async () => {
    await alice.page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const req = indexedDB.open('harness', 1);
          req.onupgradeneeded = () => req.result.createObjectStore('kv');
          req.onsuccess = () => {
            const tx = req.result.transaction('kv', 'readwrite');
            tx.objectStore('kv').put('survives a crash', 'note');
            tx.oncomplete = () => resolve();
            tx.onerror = () => reject(tx.error);
          };
        }),
    );
    const crashed = alice.pid;
    expect(crashed).toBeDefined();
    pids.push(crashed as number);
    await alice.kill();
    expect(alice.running).toBe(false);
    expect(isAlive(crashed as number)).toBe(false);
    expect(() => alice.page).toThrow(/no browser running/);

    await alice.restart();
    pids.push(alice.pid as number);
    expect(alice.pid).not.toBe(crashed);
    expect(await alice.page.evaluate(() => isSecureContext)).toBe(true);
    const note = await alice.page.evaluate(
      () =>
        new Promise<unknown>((resolve, reject) => {
          const req = indexedDB.open('harness', 1);
          req.onsuccess = () => {
            const get = req.result.transaction('kv').objectStore('kv').get('note');
            get.onsuccess = () => resolve(get.result);
            get.onerror = () => reject(get.error);
          };
        }),
    );
    expect(note).toBe('survives a crash');
  });

  it('restartTracker() keeps serving from the same state dir', async () => {
    const before = await bob.api('GET', '/api/health');
    const oldPid = lan.tracker.pid as number;
    await lan.restartTracker();
    expect(isAlive(oldPid)).toBe(false);
    pids.push(oldPid, lan.tracker.pid as number);
    const after = await bob.api('GET', '/api/health');
    expect(before.json).toMatchObject({ ok: true, starts: 1 });
    expect(after.json).toMatchObject({ ok: true, starts: 2 });
    await bob.goto('/');
    expect(await bob.page.title()).toBe('stand-in tracker');
  });

  it('close() leaves no namespace, process or temp dir behind, and a new LAN starts right after', async () => {
    pids.push(bob.pid as number, alice.pid as number);
    const { runId, runDir } = lan;
    expect(ourNamespaces(runId)).toHaveLength(4); // bridge, tracker, two devices
    await lan.close();
    await lan.close(); // idempotent
    expect(ourNamespaces(runId)).toEqual([]);
    expect(ourProcesses(runId)).toBe('');
    expect(pids.filter(isAlive)).toEqual([]);
    expect(existsSync(runDir)).toBe(false);

    const next = await createLan();
    try {
      await next.startTracker({ command: standinCommand });
      expect((await next.trackerApi('GET', '/api/health')).status).toBe(200);
    } finally {
      await next.close();
    }
    expect(ourNamespaces(next.runId)).toEqual([]);
  });
});

describe.skipIf(skip)('tracker start failures', () => {
  it('fails fast on a fatal log line, with the log tail, and leaves nothing running', async () => {
    const lan = await createLan();
    try {
      const started = lan.startTracker({
        // printf: the command line itself must not contain the fatal text
        command: () => ['sh', '-c', 'printf "✘ [ERROR] Build %s with 1 error\\n" failed; exec sleep 60'],
      });
      await expect(started).rejects.toThrow(
        /failed to start: \[ERROR\] Build failed[\s\S]*Build failed with 1 error/,
      );
      expect(ourProcesses(lan.runId)).toBe('');
      const trackerNs = lan.namespaces.find((ns) => ns.endsWith('-trk')) ?? '';
      expect(execFileSync('ip', ['netns', 'pids', trackerNs], { encoding: 'utf8' })).toBe('');
    } finally {
      await lan.close();
    }
  });
});

describe.skipIf(skip)('cleanupStale', () => {
  it('removes namespaces of runs whose owner is gone', async () => {
    // a run id no live run has, and no owner record: what a SIGKILLed run leaves
    const stale = 'mdlan-zzstale-lan';
    execFileSync('ip', ['netns', 'add', stale]);
    const removed = await cleanupStale();
    expect(removed).toContain(`namespace ${stale}`);
    expect(ourNamespaces('zzstale')).toEqual([]);
  });
});
