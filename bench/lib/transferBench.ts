// One bench run on one pair of devices (alice sends, bob receives): files written to disk and shared
// through the app, a sweep of raw data-channel settings, then rounds that alternate the engine, the raw
// channel at its best setting, and PeerJS's defaults, each measured the same way (see `measured`).
import { randomFillSync } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createRoom, fileRow, type TwoDevices, waitConnected } from '../../e2e/pwa/support.ts';
import { type HeapReport, startHeapSampler } from '../../e2e/transfer/support.ts';
import { type SelfTime, startCpuProfile } from './cpuProfile.ts';
import { DEFAULT_RAW, describeSetting, formatSize, MiB, type RawSetting, type Variant } from './options.ts';
import { downloadThroughUi } from './ours.ts';
import { PEERJS_LABEL, peerjsTransfer, preparePeerjsSender } from './peerjsDefault.ts';
import { installProbes, type LinkUse, type LongTasks, linkUse, readProbes, startProbes } from './probes.ts';
import { machineBusyMs, type ProcessCpu, type ProcessMemory, ProcessSampler, waitQuiet } from './procs.ts';
import { closeRawPair, openRawPair, RAW_LABEL, rawTransfer } from './raw.ts';

/** The app's transfer channel label (TRANSFER_LABEL in pwa/src/transfer/engine.ts). */
const OURS_LABEL = 'meshdrop-transfer';

export interface Side {
  cpu: ProcessCpu;
  memory: ProcessMemory;
  longTasks: LongTasks;
  heap: HeapReport;
}

export interface Run {
  variant: Variant;
  /** raw: message size and water marks */
  setting?: string;
  /** -1 for the raw sweep */
  round: number;
  bytes: number;
  /** request (click) to the last byte received (raw, peerjs) or to Save offered (ours), at the receiver */
  windowMs: number;
  /** MB/s (10^6 bytes) over the window */
  mbps: number;
  /** request to the first verified chunk (ours) or first data byte (raw, peerjs) */
  ttfbMs: number;
  /** first to last message at the receiver: the streaming rate without set-up and tail */
  streamMbps: number;
  /** ours: last message at the receiver -> last chunk stored -> Save offered */
  tail?: { storedMs: number; readyMs: number };
  /** ours: engine change events (each re-renders the downloads panel) */
  emits?: number;
  /** the sender's queue during the stream */
  link: LinkUse | null;
  /** silences over 100 ms between messages at the receiver, summed */
  rxGapMs: number;
  /** epoch ms at the receiver: request, first and last message on the channel, end of the window */
  timeline: { requestedAt: number; firstByteAt: number; lastByteAt: number; endAt: number };
  sender: Side;
  receiver: Side;
  /**
   * CPU ms the whole machine spent in the window, the part not spent by the two browsers (noise), and
   * how long the run waited for the machine to be quiet before it started
   */
  machine: { busyMs: number; otherMs: number; waitedMs: number };
  /** ours, when asked: the person clicks Save and the browser writes the file to Downloads */
  save?: SaveStep;
  /** with --profile: the functions with the most self time on each page's main thread */
  profile?: { sender: SelfTime[]; receiver: SelfTime[] };
}

export interface SaveStep {
  /** click on Save to the download complete on disk (driver clock) */
  ms: number;
  receiver: Omit<Side, 'longTasks'>;
}

export interface Suite {
  origin: 'secure' | 'plain';
  size: number;
  rounds: number;
  sweep: Run[];
  best: RawSetting | null;
  runs: Run[];
}

export interface SuiteOptions {
  size: number;
  rounds: number;
  variants: Variant[];
  /** settings to try for raw, each once; the best (highest MB/s) is used in the rounds */
  sweep: RawSetting[];
  /** bytes per sweep transfer */
  sweepSize: number;
  /** after each of ours, also Save the file (a browser download) and measure that step */
  save?: boolean;
}

/** Generous: 60 s of set-up plus 2 MB/s. A stall fails the run instead of hanging the bench. */
const timeoutFor = (bytes: number) => 60_000 + bytes / 2_000;

export interface Fixture {
  name: string;
  path: string;
  size: number;
  contentId: string;
}

/** Random bytes on disk, written in 16 MiB blocks so any size works. */
function writeRandomFile(path: string, size: number): void {
  const block = Buffer.alloc(16 * MiB);
  const fd = openSync(path, 'w');
  try {
    for (let done = 0; done < size; ) {
      const n = Math.min(block.length, size - done);
      randomFillSync(block, 0, n);
      writeSync(fd, block, 0, n);
      done += n;
    }
  } finally {
    closeSync(fd);
  }
}

export class TransferBench {
  private readonly env: TwoDevices;
  private readonly dir = mkdtempSync(join(tmpdir(), 'meshdrop-bench-'));
  fixtures: Fixture[] = [];
  private senderPeerId = '';

  private readonly quietWaitMs: number;
  private readonly profileDir: string | null;

  /**
   * `quietWaitMs`: before each run, wait up to this long for other work on the machine to stop.
   * `profileDir`: CPU-profile both pages' main threads during every run and keep the profiles there.
   */
  constructor(env: TwoDevices, quietWaitMs = 0, profileDir: string | null = null) {
    this.env = env;
    this.quietWaitMs = quietWaitMs;
    this.profileDir = profileDir;
  }

  private get alice(): Page {
    return this.env.alice.page;
  }

  private get bob(): Page {
    return this.env.bob.page;
  }

  /** Probes in both browsers, a room, `count` files of `size` bytes shared by alice and listed on bob. */
  async prepare(count: number, size: number): Promise<void> {
    const { alice, bob } = this.env;
    await Promise.all([installProbes(alice.context), installProbes(bob.context)]);
    await alice.page.reload();
    const link = await createRoom(alice.page);
    await bob.page.goto(link);
    await waitConnected(bob.page);
    const stamp = Date.now().toString(36);
    const files = Array.from({ length: count }, (_, i) => ({
      name: `bench-${stamp}-${i + 1}.bin`,
      path: join(this.dir, `bench-${stamp}-${i + 1}.bin`),
    }));
    for (const f of files) writeRandomFile(f.path, size);
    await alice.page
      .getByText('Add files', { exact: true })
      .locator('input[type=file]')
      .setInputFiles(files.map((f) => f.path));
    // the sharing device hashes every file first (about 200 MB/s): wait in proportion
    const listed = 30_000 + (count * size) / 50_000;
    this.fixtures = [];
    for (const f of files) {
      const row = fileRow(bob.page, f.name);
      await row.waitFor({ timeout: listed });
      const contentId = await row.getAttribute('data-content-id');
      if (!contentId) throw new Error(`no content id on the row of ${f.name}`);
      this.fixtures.push({ ...f, size, contentId });
    }
    if (this.fixtures[0]) this.senderPeerId = await preparePeerjsSender(alice.page, this.fixtures[0].path);
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Runs `transfer` with both browsers watched: processes, JS heaps, long tasks, channels. */
  private async measured(
    variant: Variant,
    round: number,
    label: string,
    transfer: () => Promise<{ bytes: number; requestedAt: number; ttfbAt: number; endAt: number }>,
  ): Promise<Omit<Run, 'setting' | 'tail' | 'emits'>> {
    const { alice, bob } = this.env;
    if (alice.pid === undefined || bob.pid === undefined) throw new Error('a device has no browser pid');
    const waitedMs = this.quietWaitMs > 0 ? await waitQuiet(this.quietWaitMs) : 0;
    const procs = [new ProcessSampler(alice.pid), new ProcessSampler(bob.pid)];
    const heaps = await Promise.all([startHeapSampler(alice.page, 250), startHeapSampler(bob.page, 250)]);
    await Promise.all([startProbes(alice.page), startProbes(bob.page)]);
    const dir = this.profileDir;
    const tag = `${variant}-${round < 0 ? 'sweep' : `round${round + 1}`}-${Date.now().toString(36)}`;
    const profiles = dir
      ? await Promise.all([
          startCpuProfile(alice.page, dir, `${tag}-sender`),
          startCpuProfile(bob.page, dir, `${tag}-receiver`),
        ])
      : null;
    for (const p of procs) p.start();
    const busyFrom = machineBusyMs();
    let result: Awaited<ReturnType<typeof transfer>>;
    let reports: ReturnType<ProcessSampler['stop']>[] = [];
    try {
      result = await transfer();
    } finally {
      reports = procs.map((p) => p.stop());
    }
    const busyMs = machineBusyMs() - busyFrom;
    const [senderTop, receiverTop] = profiles
      ? await Promise.all(profiles.map(async (p) => (await p.stop()).slice(0, 10)))
      : [];
    const [senderProcs, receiverProcs] = reports;
    const [senderHeap, receiverHeap] = await Promise.all(heaps.map((h) => h.stop()));
    const [senderProbe, receiverProbe] = await Promise.all([readProbes(alice.page), readProbes(bob.page)]);
    const channel = receiverProbe.channels
      .filter((c) => c.label === label)
      .sort((a, b) => b.rxBytes - a.rxBytes)[0];
    const windowMs = result.endAt - result.requestedAt;
    const streamMs = channel ? channel.rxLast - channel.rxFirst : windowMs;
    return {
      variant,
      round,
      bytes: result.bytes,
      windowMs,
      mbps: result.bytes / 1e3 / windowMs,
      ttfbMs: result.ttfbAt - result.requestedAt,
      streamMbps: result.bytes / 1e3 / streamMs,
      link: channel ? linkUse(senderProbe.sending, label, channel.rxFirst, channel.rxLast) : null,
      rxGapMs: channel?.rxGapMs ?? 0,
      timeline: {
        requestedAt: result.requestedAt,
        firstByteAt: channel?.rxFirst ?? result.ttfbAt,
        lastByteAt: channel?.rxLast ?? result.endAt,
        endAt: result.endAt,
      },
      sender: {
        cpu: senderProcs!.cpu,
        memory: senderProcs!.memory,
        longTasks: senderProbe.longTasks,
        heap: senderHeap!,
      },
      receiver: {
        cpu: receiverProcs!.cpu,
        memory: receiverProcs!.memory,
        longTasks: receiverProbe.longTasks,
        heap: receiverHeap!,
      },
      machine: { busyMs, otherMs: busyMs - senderProcs!.cpu.totalMs - receiverProcs!.cpu.totalMs, waitedMs },
      ...(senderTop && receiverTop ? { profile: { sender: senderTop, receiver: receiverTop } } : {}),
    };
  }

  async raw(setting: RawSetting, bytes: number, round: number): Promise<Run> {
    await openRawPair(this.alice, this.bob);
    try {
      const run = await this.measured('raw', round, RAW_LABEL, async () => {
        const r = await rawTransfer(this.alice, this.bob, bytes, setting, timeoutFor(bytes));
        return { bytes: r.bytes, requestedAt: r.requestedAt, ttfbAt: r.firstByteAt, endAt: r.lastByteAt };
      });
      return { ...run, setting: describeSetting(setting) };
    } finally {
      await closeRawPair(this.alice, this.bob);
    }
  }

  /** The largest message the raw channel accepts (Chromium: 256 KiB). */
  async maxMessageSize(): Promise<number> {
    const max = await openRawPair(this.alice, this.bob);
    await closeRawPair(this.alice, this.bob);
    return max;
  }

  async peerjs(bytes: number, round: number): Promise<Run> {
    return this.measured('peerjs', round, PEERJS_LABEL, async () => {
      const r = await peerjsTransfer(this.bob, this.senderPeerId, bytes, timeoutFor(bytes));
      return { bytes: r.bytes, requestedAt: r.requestedAt, ttfbAt: r.firstByteAt, endAt: r.lastByteAt };
    });
  }

  /** Save on the finished download: the browser's own download of the disk-backed Blob, watched. */
  async save(fixture: Fixture): Promise<SaveStep> {
    const { bob } = this.env;
    const sampler = new ProcessSampler(bob.pid!).start();
    const heap = await startHeapSampler(bob.page, 250);
    const started = Date.now();
    let report: ReturnType<ProcessSampler['stop']>;
    try {
      const row = bob.page.locator(
        `section[aria-label="Downloads"] li[data-download="${fixture.contentId}"]`,
      );
      const [download] = await Promise.all([
        bob.page.waitForEvent('download', { timeout: 20_000 }),
        row.getByRole('button', { name: `Save ${fixture.name}`, exact: true }).click(),
      ]);
      const failure = await download.failure(); // waits for the end of the download
      if (failure) throw new Error(`Save of ${fixture.name} failed: ${failure}`);
      const saved = statSync(await download.path()).size;
      await download.delete();
      if (saved !== fixture.size) throw new Error(`Save wrote ${saved} bytes, not ${fixture.size}`);
    } finally {
      report = sampler.stop();
    }
    return { ms: Date.now() - started, receiver: { ...report, heap: await heap.stop() } };
  }

  async ours(fixture: Fixture, round: number): Promise<Run> {
    let steps: Awaited<ReturnType<typeof downloadThroughUi>> | undefined;
    const run = await this.measured('ours', round, OURS_LABEL, async () => {
      steps = await downloadThroughUi(
        this.bob,
        fixture.name,
        fixture.contentId,
        fixture.size,
        timeoutFor(fixture.size),
      );
      return {
        bytes: steps.bytes,
        requestedAt: steps.clickAt,
        ttfbAt: steps.firstVerifiedAt,
        endAt: steps.readyAt,
      };
    });
    const { storedAt, readyAt, emits } = steps!;
    return {
      ...run,
      emits,
      tail: { storedMs: storedAt - run.timeline.lastByteAt, readyMs: readyAt - storedAt },
    };
  }

  private async oursAndSave(fixture: Fixture, round: number, save: boolean): Promise<Run> {
    const run = await this.ours(fixture, round);
    return save ? { ...run, save: await this.save(fixture) } : run;
  }

  /** The whole suite: sweep, then `rounds` rounds, each variant once per round in rotating order. */
  async suite(origin: Suite['origin'], opts: SuiteOptions, log: (line: string) => void): Promise<Suite> {
    const suite: Suite = { origin, size: opts.size, rounds: opts.rounds, sweep: [], best: null, runs: [] };
    // one setting needs no sweep; several are each tried once and the fastest is used in the rounds
    if (opts.variants.includes('raw') && opts.sweep.length > 1) {
      for (const setting of opts.sweep) {
        const run = await this.raw(setting, opts.sweepSize, -1);
        suite.sweep.push(run);
        log(`  sweep raw ${formatSize(opts.sweepSize)}, ${run.setting}: ${run.mbps.toFixed(1)} MB/s`);
      }
      const best = suite.sweep.reduce((b, r) => (r.mbps > b.mbps ? r : b));
      suite.best = opts.sweep[suite.sweep.indexOf(best)]!;
    } else if (opts.variants.includes('raw')) suite.best = opts.sweep[0] ?? DEFAULT_RAW;
    for (let round = 0; round < opts.rounds; round++) {
      const order = opts.variants.map((_, i) => opts.variants[(i + round) % opts.variants.length]!);
      for (const variant of order) {
        const run =
          variant === 'ours'
            ? await this.oursAndSave(this.fixtures[round % this.fixtures.length]!, round, opts.save ?? false)
            : variant === 'raw'
              ? await this.raw(suite.best ?? DEFAULT_RAW, opts.size, round)
              : await this.peerjs(opts.size, round);
        suite.runs.push(run);
        log(`  round ${round + 1} ${variant}: ${run.mbps.toFixed(1)} MB/s`);
      }
    }
    return suite;
  }
}
