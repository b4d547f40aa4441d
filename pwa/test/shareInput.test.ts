import { describe, expect, it } from 'vitest';
import { createSharesBody } from '../../worker/protocol/api.ts';
import {
  cleanFileName,
  cleanFolderPath,
  cleanMimeType,
  folderOf,
  splitBatch,
  toShareInput,
} from '../src/state/shareInput.ts';

const hash = { contentId: 'a'.repeat(64), size: 5, chunkSize: 1 << 20 };

describe('share inputs', () => {
  it('keeps folder paths from webkitRelativePath and dropped entries', () => {
    expect(folderOf('trip/day 1/a.jpg')).toBe('trip/day 1');
    expect(folderOf('/trip/a.jpg')).toBe('trip');
    expect(folderOf('a.jpg')).toBe('');
  });

  it('makes odd names acceptable instead of failing the batch', () => {
    expect(cleanFileName('a\\b.txt')).toBe('a_b.txt');
    expect(cleanFileName('..')).toBe('unnamed');
    expect(cleanFileName('\u202etxt.exe')).toBe('txt.exe');
    const long = `${'x'.repeat(300)}.jpeg`;
    expect(cleanFileName(long)).toHaveLength(255);
    expect(cleanFileName(long).endsWith('.jpeg')).toBe(true);
    expect(cleanFolderPath('a//./b/../c\\d')).toBe('a/b/c/d');
    expect(cleanFolderPath('x'.repeat(2000))).toBe('');
    expect(cleanMimeType('Text/Plain; charset=utf-8')).toBe('text/plain');
    expect(cleanMimeType('not a type')).toBe('');
  });

  it('produces what the tracker schema accepts, non-ASCII names included', () => {
    const inputs = [
      toShareInput({ name: 'Ünïcødé 文件 🎉.txt', type: 'text/plain', path: 'Fotos/Été' }, hash),
      toShareInput({ name: 'empty', type: '', path: '' }, { ...hash, size: 0 }),
      toShareInput({ name: 'weird\\name', type: 'x', path: '../..' }, hash),
    ];
    expect(inputs[0]).toMatchObject({ name: 'Ünïcødé 文件 🎉.txt', path: 'Fotos/Été' });
    expect(inputs[1]).not.toHaveProperty('path');
    expect(createSharesBody.safeParse({ files: inputs }).success).toBe(true);
  });

  it('splits batches at the per-request limit', () => {
    const items = Array.from({ length: 250 }, (_, i) => i);
    expect(splitBatch(items).map((b) => b.length)).toEqual([100, 100, 50]);
    expect(splitBatch([])).toEqual([]);
  });
});
