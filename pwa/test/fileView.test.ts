import { describe, expect, it } from 'vitest';
import type { RoomFile } from '../../worker/protocol/api.ts';
import { isAvailable, matchesQuery, sortFiles, viewFiles } from '../src/state/fileView.ts';

function file(name: string, size: number, addedAt: number, online: boolean[], path = ''): RoomFile {
  return {
    contentId: name,
    name,
    path,
    size,
    type: '',
    chunkSize: 1 << 20,
    addedAt,
    sources: online.map((o, i) => ({
      peerId: `p${i}`,
      name: `P${i}`,
      online: o,
      shareId: `${name}${i}`,
      fileName: name,
      path,
      addedAt,
    })),
  };
}

const files = [
  file('Zebra.png', 10, 3, [false]),
  file('apple 2.txt', 300, 1, [true, false]),
  file('apple 10.txt', 20, 2, [false, false], 'Été/Photos'),
];

describe('search', () => {
  it('matches every word, in name or folder, ignoring case and accents', () => {
    expect(matchesQuery(files[2]!, 'ete photos')).toBe(true);
    expect(matchesQuery(files[2]!, 'APPLE 10')).toBe(true);
    expect(matchesQuery(files[2]!, 'apple zebra')).toBe(false);
    expect(matchesQuery(files[0]!, '  ')).toBe(true);
  });
});

describe('sort and filter', () => {
  it('sorts newest first, by name (numbers as numbers) and by size', () => {
    expect(sortFiles(files, 'newest').map((f) => f.name)).toEqual([
      'Zebra.png',
      'apple 10.txt',
      'apple 2.txt',
    ]);
    expect(sortFiles(files, 'name').map((f) => f.name)).toEqual(['apple 2.txt', 'apple 10.txt', 'Zebra.png']);
    expect(sortFiles(files, 'size').map((f) => f.name)).toEqual(['apple 2.txt', 'apple 10.txt', 'Zebra.png']);
  });

  it('"Available now" keeps files with at least one online source', () => {
    expect(files.map(isAvailable)).toEqual([false, true, false]);
    expect(viewFiles(files, { query: '', availableOnly: true, sort: 'name' }).map((f) => f.name)).toEqual([
      'apple 2.txt',
    ]);
    expect(
      viewFiles(files, { query: 'apple', availableOnly: false, sort: 'size' }).map((f) => f.name),
    ).toEqual(['apple 2.txt', 'apple 10.txt']);
  });

  it('does not reorder the input', () => {
    const copy = [...files];
    sortFiles(files, 'name');
    expect(files).toEqual(copy);
  });
});
