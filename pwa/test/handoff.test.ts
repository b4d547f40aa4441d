import { describe, expect, it } from 'vitest';
import { filesFor, handFilesTo, settleFiles } from '../src/app/handoff.ts';

const picked = (name: string) => ({ file: new File(['x'], name), path: '' });

describe('files handed from one screen to a room screen', () => {
  it('stay handed over until a room screen settles them, so a screen torn down at once loses nothing', () => {
    const files = [picked('a.txt')];
    handFilesTo('room-1', files);
    // StrictMode: the first mount reads them, is torn down without settling; the second reads them again
    expect(filesFor('room-1')).toBe(files);
    expect(filesFor('room-1')).toBe(files);
    expect(filesFor('room-2')).toEqual([]);
    settleFiles(files);
    expect(filesFor('room-1')).toEqual([]);
  });

  it('a late settle of an older batch leaves a newer one in place', () => {
    const older = [picked('old.txt')];
    const newer = [picked('new.txt')];
    handFilesTo('room-1', older);
    handFilesTo('room-1', newer);
    settleFiles(older);
    expect(filesFor('room-1')).toBe(newer);
    settleFiles(newer);
  });
});
