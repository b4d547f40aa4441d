import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from '../src/errors.ts';
import {
  cutToBytes,
  numbered,
  prepareTarget,
  safeRelativePath,
  safeSegment,
} from '../src/files/outputPath.ts';

describe('names and folders from other devices', () => {
  it.each([
    ['../../etc', 'passwd', ['etc', 'passwd']],
    ['/absolute/path', 'x.txt', ['absolute', 'path', 'x.txt']],
    ['C:\\Windows\\System32', 'evil.dll', ['C_', 'Windows', 'System32', 'evil.dll']],
    ['.', '..', ['download']],
    ['a/./b//c', '.bashrc', ['a', 'b', 'c', 'bashrc']],
    ['', 'CON', ['_CON']],
    ['nul', 'com1.txt', ['_nul', '_com1.txt']],
    ['', 'a\u0000b\u202ec/d.txt', ['abc_d.txt']],
    ['Fötos 文件夹/sub dir', '日本語 🎉.jpg', ['Fötos 文件夹', 'sub dir', '日本語 🎉.jpg']],
  ])('folder %j, name %j stay inside', (folder, name, expected) => {
    expect(safeRelativePath(folder, name)).toEqual(expected);
  });

  it('cuts names to what file systems take, in bytes, keeping the extension', () => {
    const long = `${'文'.repeat(200)}.tar.gz`;
    const safe = safeSegment(long)!;
    expect(Buffer.byteLength(safe)).toBeLessThanOrEqual(240);
    expect(safe.endsWith('.gz')).toBe(true);
    expect(cutToBytes('ab🎉cd', 5)).toBe('ab');
  });

  it('limits the depth of folders', () => {
    expect(safeRelativePath(Array(100).fill('d').join('/'), 'f')).toHaveLength(33);
  });

  it('numbers a name for --rename', () => {
    expect(numbered('report.pdf', 1)).toBe('report (1).pdf');
    expect(numbered('README', 2)).toBe('README (2)');
  });
});

describe('prepareTarget', () => {
  let root: string;
  let outside: string;
  beforeEach(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'meshdrop-out-')));
    outside = realpathSync(mkdtempSync(join(tmpdir(), 'meshdrop-outside-')));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('creates the folders inside the output folder', async () => {
    const target = await prepareTarget(root, ['a', 'b', 'f.txt']);
    expect(target).toBe(join(root, 'a', 'b', 'f.txt'));
  });

  it('refuses a folder that is a symbolic link (it could lead anywhere)', async () => {
    symlinkSync(outside, join(root, 'a'));
    const failure = await prepareTarget(root, ['a', 'f.txt']).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(CliError);
    expect((failure as CliError).code).toBe('unsafe_path');
  });

  it('refuses a folder segment that is a file', async () => {
    writeFileSync(join(root, 'a'), 'x');
    await expect(prepareTarget(root, ['a', 'f.txt'])).rejects.toMatchObject({ code: 'unsafe_path' });
  });

  it('accepts an output folder reached through a link of the user’s own', async () => {
    mkdirSync(join(outside, 'real'));
    symlinkSync(join(outside, 'real'), join(root, 'mine'));
    await expect(prepareTarget(join(root, 'mine'), ['f.txt'])).resolves.toBe(join(outside, 'real', 'f.txt'));
  });
});
