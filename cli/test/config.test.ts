// The config folder holds a secret: owner-only, written whole, never printed.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { whoamiCommand } from '../src/commands/whoami.ts';
import { ConfigStore, defaultConfigDir } from '../src/config.ts';
import { Context } from '../src/context.ts';
import { DeviceLock } from '../src/lock.ts';
import { Output } from '../src/ui/output.ts';
import { memoryStream } from './streams.ts';

const SECRET = 'S'.repeat(43);
const DEVICE = { peerId: 'abcdefghijklmnopqrstuvwxyz', secret: SECRET, name: 'nas' };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'meshdrop-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const mode = (path: string) => statSync(path).mode & 0o777;

describe('config folder', () => {
  it('follows XDG (and MESHDROP_CONFIG_DIR) on Linux', () => {
    expect(defaultConfigDir({ XDG_CONFIG_HOME: '/x' }, 'linux')).toBe('/x/meshdrop');
    expect(defaultConfigDir({ MESHDROP_CONFIG_DIR: '/y', XDG_CONFIG_HOME: '/x' }, 'linux')).toBe('/y');
  });

  it('is 0700 with 0600 files, also when it existed wider before', () => {
    const folder = join(dir, 'meshdrop');
    const store = new ConfigStore(folder);
    store.saveDevice('http://t:8787', DEVICE);
    expect(mode(folder)).toBe(0o700);
    expect(mode(store.path)).toBe(0o600);
    chmodSync(folder, 0o755);
    chmodSync(store.path, 0o644);
    store.saveRoom({
      origin: 'http://t:8787',
      roomId: DEVICE.peerId,
      link: 'http://t:8787/r/x',
      joinedAt: 1,
    });
    expect(mode(folder)).toBe(0o700);
    expect(mode(store.path)).toBe(0o600);
    expect(store.device('http://t:8787')).toEqual(DEVICE);
    expect(existsSync(`${store.path}.${process.pid}.tmp`)).toBe(false);
  });

  it('a file that is not a config is a clear error with its path, not a crash', () => {
    const store = new ConfigStore(dir);
    writeFileSync(store.path, '{"version": 1, "devices": []}');
    expect(() => store.read()).toThrow(expect.objectContaining({ code: 'unreadable' }));
    writeFileSync(store.path, 'not json');
    expect(() => store.read()).toThrow(
      expect.objectContaining({ detail: `${store.path} is not valid JSON (fix or remove it)` }),
    );
  });

  it('whoami shows the device and never its secret', async () => {
    const ctx = new Context({ config: dir });
    // loopback's discard port: the tracker does not answer, the local identity is shown
    ctx.config.saveDevice('http://127.0.0.1:9', DEVICE);
    const stdout = memoryStream(false);
    const stderr = memoryStream(false);
    Object.assign(ctx, { out: new Output({ stdout, stderr }) });
    await whoamiCommand(ctx);
    expect(stdout.text()).toContain('"nas" (device abcdefghijklmnopqrstuvwxyz) on http://127.0.0.1:9');
    expect(stdout.text() + stderr.text()).not.toContain(SECRET);
    expect(readFileSync(ctx.config.path, 'utf8')).toContain(SECRET);
  });
});

describe('device lock', () => {
  it('lets one process speak for a device, and takes over a lock whose process is gone', () => {
    const lock = DeviceLock.acquire(dir, DEVICE.peerId, 'share');
    expect(() => DeviceLock.acquire(dir, DEVICE.peerId, 'get')).toThrow(
      expect.objectContaining({ code: 'device_busy' }),
    );
    lock.release();
    writeFileSync(
      join(dir, `${DEVICE.peerId}.lock`),
      JSON.stringify({ pid: 2 ** 22 + 12345, command: 'share' }),
    );
    const again = DeviceLock.acquire(dir, DEVICE.peerId, 'get');
    again.release();
    expect(existsSync(join(dir, `${DEVICE.peerId}.lock`))).toBe(false);
  });
});
