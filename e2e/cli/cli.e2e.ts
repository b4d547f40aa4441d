// The command-line peer (cli/) on the test LAN, with the app in Chromium on the other side:
//   1. `meshdrop share` serves a folder (edge sizes, non-ASCII names, a sub-folder, 64 MiB); the app
//      downloads every file and saves identical bytes
//   2. the app shares; `meshdrop get` saves identical bytes (by content id, and a whole folder)
//   3. `get` stopped with Ctrl+C, then killed, then run again asks for none of the chunks it had verified
//   4. a hostile source (the app's tamper seam): one bad chunk is thrown away and fetched again; a source
//      that corrupts everything ends in a clear failure and no file under the name
//   6. while `get` downloads from a slow source, another member (the app) gets the chunks it verified
//      from it: the terminal is listed as a partial source (runs before 5)
//   5. headless to headless: `share --watch` picks up a new file, a tracker restart later both devices
//      are back and `get` works; a deleted file is withdrawn
// One LAN, tracker and browser for all; journey 5 restarts the tracker, so it runs last.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CliRun, Device } from '../lan/index.ts';
import { checkPrerequisites, NodePeer } from '../lan/index.ts';
import { addFolder, createRoom, waitConnected } from '../pwa/support.ts';
import { journeyLan } from '../transfer/journeyLan.ts';
import {
  clickDownload,
  contentIdOf,
  downloadRowOf,
  elapsed,
  engineItem,
  fileRowOf,
  MiB,
  saveAndHash,
  sha256,
  shareLoose,
  waitDownloaded,
} from '../transfer/support.ts';
import {
  expectSameFile,
  type GetResult,
  getResults,
  installSeam,
  removeSeam,
  resetSeamCounts,
  seamCounts,
  sidecarIndices,
} from './support.ts';

const skip = checkPrerequisites();

describe.skipIf(skip)('the command-line peer with the app', () => {
  const env = journeyLan({ secure: true, devices: { alice: {}, srv: { kind: 'cli' } } });
  const newFixtures = (folder?: string) => env.fixtures(folder);
  let alice: Device;
  let srv: NodePeer;
  beforeAll(() => {
    ({ alice, srv } = env.devices);
  });

  /** A fresh room made in the app; the CLI joins it by its link. */
  const newRoom = async (): Promise<string> => {
    await alice.goto('/');
    const link = await createRoom(alice.page);
    await srv.exec(['join', link, '--name', 'srv']);
    return link;
  };

  const getJson = async (args: string[], expectCode = 0): Promise<CliRun> =>
    srv.exec(['--json', 'get', ...args], expectCode, 90_000);

  it('1. a folder shared from the terminal arrives in the app byte for byte', {
    timeout: 120_000,
  }, async () => {
    const t0 = Date.now();
    const set = newFixtures('Fötos 文件夹');
    const files = [
      set.add({ name: 'empty.bin', size: 0, folder: '' }),
      set.add({ name: 'one byte.bin', size: 1, folder: '' }),
      set.add({ name: 'Ünïcødé 文件.bin', size: MiB, folder: '' }),
      set.add({ name: 'chunk plus one ✓.bin', size: MiB + 1, folder: '' }),
      set.add({ name: '日本語 🎉.jpg', size: 300_000, folder: 'sub dir' }),
      set.add({ name: 'big – café 64 MiB.bin', size: 64 * MiB + 5, folder: 'sub dir' }),
    ];
    const link = await newRoom();
    const share = srv.run(['share', set.folderDir, '--room', link]);
    try {
      await share.waitFor(/Press Ctrl\+C/, 60_000);
      for (const fx of files) await fileRowOf(alice.page, fx).waitFor({ timeout: 30_000 });
      await expect(fileRowOf(alice.page, files[4]!).locator('.file-path').textContent()).resolves.toBe(
        'Fötos 文件夹/sub dir/',
      );
      const failures: string[] = [];
      for (const fx of files) await clickDownload(alice.page, fx);
      for (const fx of files) {
        try {
          await waitDownloaded(alice.page, fx, 60_000, 'cli-j1');
          const saved = await saveAndHash(alice.page, downloadRowOf(alice.page, fx), fx.name);
          expect(saved, fx.name).toEqual({ sha256: fx.sha256, size: fx.size, suggestedFilename: fx.name });
        } catch (error) {
          failures.push(error instanceof Error ? error.message : String(error));
        }
      }
      expect(failures).toEqual([]);
    } finally {
      share.kill('SIGINT');
      const exit = await share.done(15_000);
      expect(exit.code, share.describe()).toBe(0);
    }
    console.log(`[time] cli journey 1: ${elapsed(t0)}`);
  });

  it('2. files the app shares arrive through `meshdrop get` byte for byte', { timeout: 90_000 }, async () => {
    const t0 = Date.now();
    const set = newFixtures('Album ✿');
    const loose = [
      set.add({ name: 'empty.bin', size: 0 }),
      set.add({ name: 'one byte.bin', size: 1 }),
      set.add({ name: 'chunk plus one ✓.bin', size: MiB + 1 }),
      set.add({ name: 'big – 文件 20 MiB.bin', size: 20 * MiB + 4321 }),
    ];
    const inFolder = [
      set.add({ name: 'a.txt', size: 3000, folder: '' }),
      set.add({ name: 'b 🎉.bin', size: 200_000, folder: 'deeper/still' }),
    ];
    const link = await newRoom();
    await shareLoose(alice.page, loose);
    await addFolder(alice.page, set.folderDir);
    for (const fx of set.all) await fileRowOf(alice.page, fx).waitFor({ timeout: 30_000 });

    const out = join(srv.dir, 'j2');
    const byId = await getJson([link, ...loose.map((f) => f.contentId), '-o', out]);
    const results = getResults(byId);
    expect(results.map((r) => r.contentId).sort()).toEqual(loose.map((f) => f.contentId).sort());
    for (const fx of loose) await expectSameFile(join(out, fx.name), fx);

    const byFolder = await getJson([link, 'Album ✿/', '-o', out]);
    expect(getResults(byFolder)).toHaveLength(2);
    for (const fx of inFolder) await expectSameFile(join(out, fx.folder, fx.name), fx);

    // the same again: nothing to fetch, nothing overwritten
    const again = await getJson([link, loose[3]!.contentId, '-o', out]);
    expect(getResults(again)[0]?.skipped).toBe(true);
    console.log(`[time] cli journey 2: ${elapsed(t0)}`);
  });

  it('3. an interrupted get resumes without fetching a verified chunk again', {
    timeout: 120_000,
  }, async () => {
    const t0 = Date.now();
    const set = newFixtures();
    const fx = set.add({ name: 'resume me.bin', size: 24 * MiB + 99 });
    const link = await newRoom();
    await installSeam(alice.page, { [fx.contentId]: {} });
    try {
      await shareLoose(alice.page, [fx]);
      await fileRowOf(alice.page, fx).waitFor({ timeout: 30_000 });
      const out = join(srv.dir, 'j3');
      // slow enough to stop it half-way
      await srv.limitRate('24mbit');
      /** Starts `get`, and stops it with `sig` once at least `chunks` chunks are verified on disk. */
      const interrupted = async (chunks: number, sig: NodeJS.Signals) => {
        const run = srv.run(['get', link, fx.contentId, '-o', out]);
        const deadline = Date.now() + 60_000;
        while (sidecarIndices(out, fx.contentId).length < chunks && Date.now() < deadline) {
          if (run.child.exitCode !== null) throw new Error(`get ended early: ${run.describe()}`);
          await new Promise((r) => setTimeout(r, 100));
        }
        run.kill(sig);
        return run.done(10_000);
      };
      // Ctrl+C: exit 130, the partial file kept, and words saying how to go on
      const stopped = await interrupted(3, 'SIGINT');
      expect(stopped.code, stopped.stderr).toBe(130);
      expect(stopped.stderr).toMatch(/Run the same command again to resume\. .*\[interrupted\]/);
      // a killed process (no chance to clean up) keeps what it had verified too
      await interrupted(sidecarIndices(out, fx.contentId).length + 4, 'SIGKILL');
      const verified = sidecarIndices(out, fx.contentId);
      expect(verified.length, 'chunks verified before the kill').toBeGreaterThanOrEqual(7);
      expect(verified.length, 'the kill came before the end').toBeLessThan(25);
      // the source may still push a chunk or two into the dead connection: let that settle, then count
      await new Promise((r) => setTimeout(r, 1500));
      await resetSeamCounts(alice.page);
      await srv.unlimit();

      const second = await getJson([link, fx.contentId, '-o', out]);
      const [result] = getResults(second);
      const { served } = await seamCounts(alice.page);
      const repeats = verified.filter((i) => (served[i] ?? 0) > 0);
      console.log(
        `[resume] ${verified.length} chunks verified before the kill; second run: resumed ${result?.resumedChunks}, ` +
          `fetched ${result?.fetchedChunks}, the source sent ${Object.keys(served).length} chunks, ` +
          `repeats of verified chunks: ${repeats.length}`,
      );
      expect(repeats, 'verified chunks requested again').toEqual([]);
      expect(result?.resumedChunks).toBe(verified.length);
      expect(result?.fetchedChunks).toBe(25 - verified.length);
      await expectSameFile(join(out, fx.name), fx);
    } finally {
      await srv.unlimit();
      await removeSeam(alice.page);
    }
    console.log(`[time] cli journey 3: ${elapsed(t0)}`);
  });

  it('4. a hostile source: a bad chunk is fetched again, a lying source ends in a clear failure', {
    timeout: 90_000,
  }, async () => {
    const t0 = Date.now();
    const set = newFixtures();
    const once = set.add({ name: 'one bad chunk.bin', size: 6 * MiB + 100 });
    const always = set.add({ name: 'all bad.bin', size: 4 * MiB });
    const link = await newRoom();
    const out = join(srv.dir, 'j4');
    try {
      const every = { 0: Infinity, 1: Infinity, 2: Infinity, 3: Infinity };
      await installSeam(alice.page, { [once.contentId]: { 3: 1 }, [always.contentId]: every });
      await shareLoose(alice.page, [once, always]);
      for (const fx of [once, always]) await fileRowOf(alice.page, fx).waitFor({ timeout: 30_000 });
      // both in one command: the lying source's file fails, the other one still comes
      const run = await srv
        .run(['--json', 'get', link, once.contentId, always.contentId, '-o', out])
        .done(60_000);
      const report = JSON.parse(run.stdout) as {
        files: GetResult[];
        failed: { file: string; code: string }[];
      };
      console.log(
        `[hostile] exit ${run.code}; failed: ${JSON.stringify(report.failed)}; ${run.stderr.trim().split('\n').at(-1)}`,
      );
      expect([6, 7], run.stderr).toContain(run.code);
      expect(report.failed).toEqual([
        {
          file: always.name,
          code: expect.stringMatching(/^(verification_failed|source_left)$/),
          message: expect.any(String),
        },
      ]);
      expect(existsSync(join(out, always.name)), 'no file under the lying source’s name').toBe(false);
      const [fixed] = report.files;
      expect(fixed?.contentId).toBe(once.contentId);
      expect(fixed?.rejectedChunks).toBeGreaterThanOrEqual(1);
      await expectSameFile(join(out, once.name), once);
      expect((await seamCounts(alice.page)).flipped).toBeGreaterThanOrEqual(4);
    } finally {
      await removeSeam(alice.page);
    }
    console.log(`[time] cli journey 4: ${elapsed(t0)}`);
  });

  it('6. while `get` downloads, it serves the chunks it verified to another member (a partial source)', {
    timeout: 150_000,
  }, async () => {
    const t0 = Date.now();
    const set = newFixtures();
    const fx = set.add({ name: 'spread from the terminal.bin', size: 16 * MiB + 7 });
    const link = await newRoom();
    const who = await srv.exec(['--json', 'whoami']);
    const srvId = (JSON.parse(who.stdout) as { devices: { peerId: string }[] }).devices[0]!.peerId;
    await shareLoose(alice.page, [fx]);
    await fileRowOf(alice.page, fx).waitFor({ timeout: 30_000 });
    const bob = await env.lan.startDevice('bob');
    try {
      // the original source is slow: the terminal still holds part of the file when Bob asks
      await alice.limitRate('16mbit');
      const out = join(srv.dir, 'j6');
      const get = srv.run(['get', link, fx.contentId, '-o', out]);
      const deadline = Date.now() + 60_000;
      while (sidecarIndices(out, fx.contentId).length < 3 && Date.now() < deadline) {
        if (get.child.exitCode !== null) throw new Error(`get ended early: ${get.describe()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      await bob.page.goto(link);
      await waitConnected(bob.page);
      // the terminal is listed as a partial source of the file
      await fileRowOf(bob.page, fx).filter({ hasText: '(partial)' }).waitFor({ timeout: 20_000 });
      await clickDownload(bob.page, fx);
      let fromSrv = false;
      while (!fromSrv && get.child.exitCode === null) {
        fromSrv = (await engineItem(bob.page, fx.contentId))?.sources.includes(srvId) ?? false;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(fromSrv, 'Bob fetched from the terminal while it was downloading').toBe(true);
      expect((await get.done(90_000)).code, get.describe()).toBe(0);
      await expectSameFile(join(out, fx.name), fx);
      await waitDownloaded(bob.page, fx, 90_000, 'cli-partial-bob');
      expect((await engineItem(bob.page, fx.contentId))?.rejectedChunks).toBe(0);
    } finally {
      await alice.unlimit();
      await bob.close();
    }
    console.log(`[time] cli journey 6: ${elapsed(t0)}`);
  });

  it('5. headless to headless: --watch, a tracker restart, a withdrawn file', {
    timeout: 150_000,
  }, async () => {
    const t0 = Date.now();
    const nas = await NodePeer.start(env.lan, 'nas');
    try {
      const link = await newRoom();
      await nas.exec(['join', link, '--name', 'nas']);
      const shared = join(nas.dir, 'Public');
      mkdirSync(shared, { recursive: true });
      const first = Buffer.from('already there\n');
      writeFileSync(join(shared, 'first.txt'), first);
      const share = nas.run(['share', shared, '--watch', '--room', link]);
      await share.waitFor(/Press Ctrl\+C/, 30_000);

      // a file copied in later is shared by itself
      const later = Buffer.alloc(3 * MiB + 17, 7);
      writeFileSync(join(shared, 'later ✓.bin'), later);
      await share.waitFor(/Added: Public\/later ✓\.bin/, 30_000);
      const out = join(srv.dir, 'j5');
      await getJson([link, 'Public/later ✓.bin', '-o', out]);
      await expectSameFile(join(out, 'later ✓.bin'), { sha256: sha256(later), size: later.length });

      // the tracker restarts; the sharing device comes back online by itself and serves again
      await env.lan.restartTracker();
      const deadline = Date.now() + 60_000;
      let listing = '';
      while (Date.now() < deadline) {
        listing = (await srv.run(['ls', link, '--online']).done(30_000)).stdout;
        if (listing.includes('first.txt')) break;
        await new Promise((r) => setTimeout(r, 1000));
      }
      expect(listing).toContain('first.txt');
      await getJson([link, contentIdOf(first), '-o', out]);
      await expectSameFile(join(out, 'first.txt'), { sha256: sha256(first), size: first.length });

      // deleted from the folder: withdrawn from the room
      rmSync(join(shared, 'first.txt'));
      await share.waitFor(/Removed: Public\/first\.txt/, 30_000);
      const after = await srv.exec(['ls', link]);
      expect(after.stdout).not.toContain('first.txt');
      share.kill('SIGINT');
      expect((await share.done(15_000)).code, share.describe()).toBe(0);
    } finally {
      await nas.close();
    }
    console.log(`[time] cli journey 5: ${elapsed(t0)}`);
  });
});
