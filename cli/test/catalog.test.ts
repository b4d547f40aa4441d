import { describe, expect, it } from 'vitest';
import type { RoomFile } from '../../worker/protocol/api.ts';
import { pick } from '../src/catalog.ts';

const file = (contentId: string, name: string, path = ''): RoomFile => ({
  contentId: contentId.padEnd(64, '0'),
  name,
  path,
  size: 1,
  type: 'text/plain',
  chunkSize: 1 << 20,
  addedAt: 0,
  sources: [],
});

const files = [
  file('aaaa1111', 'report.pdf', 'new'),
  file('dddd6666', 'notes.txt'),
  file('dddd7777', 'notes.txt', 'archive'),
  file('aaaa2222', 'report.pdf', 'old'),
  file('bbbb3333', 'a.jpg', 'Photos/2024'),
  file('bbbb4444', 'b.jpg', 'Photos/2024/beach'),
  file('cccc5555', 'c.jpg', 'Photos 2'),
];

describe('picking files by what a person types', () => {
  it('by content id or a unique start of it', () => {
    expect(pick(files, 'bbbb3333').map((p) => p.file.name)).toEqual(['a.jpg']);
    expect(pick(files, 'BBBB4444')[0]?.file.name).toBe('b.jpg');
  });

  it('by name, or by folder and name when the name is not unique', () => {
    expect(pick(files, 'a.jpg')[0]?.folder).toBe('');
    expect(pick(files, 'old/report.pdf')[0]?.file.contentId.startsWith('aaaa2222')).toBe(true);
    expect(() => pick(files, 'report.pdf')).toThrow(expect.objectContaining({ code: 'ambiguous' }));
    // a file at the top of the room is exactly "notes.txt"; the other one is "archive/notes.txt"
    expect(pick(files, 'notes.txt')[0]?.file.contentId.startsWith('dddd6666')).toBe(true);
    expect(() => pick(files, 'aaaa')).toThrow(expect.objectContaining({ code: 'no_match' }));
    expect(() => pick(files, 'aaaa1')).toThrow(expect.objectContaining({ code: 'no_match' }));
    expect(() => pick(files, 'aaaa111')).toThrow(expect.objectContaining({ code: 'no_match' }));
    expect(() => pick(files, 'aaaa1111x')).toThrow(expect.objectContaining({ code: 'no_match' }));
  });

  it('a whole folder, keeping its sub-folders below the folder itself (and not "Photos 2")', () => {
    expect(pick(files, 'Photos/').map((p) => `${p.folder}|${p.file.name}`)).toEqual([
      'Photos/2024|a.jpg',
      'Photos/2024/beach|b.jpg',
    ]);
    expect(pick(files, 'Photos/2024/beach/').map((p) => p.folder)).toEqual(['beach']);
    expect(() => pick(files, 'Nope/')).toThrow(expect.objectContaining({ code: 'no_match' }));
  });
});
