// The command-line peer (cli/, a node-datachannel peer on a bare LAN host) and a browser page exchange
// files both ways: `meshdrop share` serves a folder that the page downloads, then the page shares and
// `meshdrop get` saves. Bytes compared by SHA-256 against the generated files on both sides.
import { join } from 'node:path';
import { expect } from 'vitest';
import { expectSameFile, getResults } from '../cli/support.ts';
import { NodePeer } from '../lan/index.ts';
import { elapsed, MiB } from '../transfer/support.ts';
import type { ChromiumAndFirefox } from './setup.ts';
import { downloadAllExact, shareFiles, waitListed } from './support.ts';

/**
 * Firefox (`env.f`) and a new node peer in a fresh room: edge sizes, a non-ASCII name in a sub-folder and
 * a file of a few chunks, each way, from two separate fixture sets so neither side serves the other's.
 */
export async function cliExchange(env: ChromiumAndFirefox, label: string): Promise<void> {
  const ui = env.f;
  const t0 = Date.now();
  const link = await env.openRoom();
  const [fromCli, toCli] = [env.fixtures('From the terminal ✓'), env.fixtures()];
  const peer = await NodePeer.start(env.lan, 'terminal');
  try {
    await peer.exec(['join', link, '--name', 'terminal']);

    // terminal → browser: a folder, as `share` serves it
    const served = [
      fromCli.add({ name: 'empty.bin', size: 0, folder: '' }),
      fromCli.add({ name: 'one byte.bin', size: 1, folder: '' }),
      fromCli.add({ name: 'chunk plus one.bin', size: MiB + 1, folder: '' }),
      fromCli.add({ name: 'Ünïcødé 文件 🎉 12 MiB.bin', size: 12 * MiB + 7, folder: 'sub dir' }),
    ];
    const share = peer.run(['share', fromCli.folderDir, '--room', link]);
    try {
      await share.waitFor(/Press Ctrl\+C/, 60_000);
      await waitListed(ui, served);
      const failures = await downloadAllExact(ui, served, 40_000);
      expect(failures, `terminal → ${ui.device.kind} (${label})`).toEqual([]);
    } finally {
      share.kill('SIGINT');
      const exit = await share.done(15_000);
      expect(exit.code, share.describe()).toBe(0);
    }

    // browser → terminal: loose files the page shares, fetched by content id
    const offered = [
      // the same names as above: an empty file (and maybe a 1-byte one) has the same content id anywhere
      toCli.add({ name: 'empty.bin', size: 0 }),
      toCli.add({ name: 'one byte.bin', size: 1 }),
      toCli.add({ name: 'chunk minus one.bin', size: MiB - 1 }),
      toCli.add({ name: 'naïve – 文件 12 MiB.bin', size: 12 * MiB + 3 }),
    ];
    await shareFiles(ui, offered);
    await waitListed(ui, offered);
    const out = join(peer.dir, 'from-browser');
    const got = await peer.exec(
      ['--json', 'get', link, ...offered.map((f) => f.contentId), '-o', out],
      0,
      90_000,
    );
    expect(
      getResults(got)
        .map((r) => r.contentId)
        .sort(),
    ).toEqual(offered.map((f) => f.contentId).sort());
    for (const fx of offered) await expectSameFile(join(out, fx.name), fx);
    console.log(`[time] terminal ⇄ ${ui.device.kind} (${label}): ${elapsed(t0)}`);
  } finally {
    await peer.close();
  }
}
