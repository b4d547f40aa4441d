import { describe, expect, it } from 'vitest';
import { type EntryLike, filesFromEntries } from '../src/app/pickFiles.ts';

function fileEntry(fullPath: string): EntryLike {
  const name = fullPath.split('/').pop()!;
  return Object.assign(
    { isFile: true, isDirectory: false, name, fullPath },
    {
      file: (ok: (f: File) => void) => ok(new File([name], name)),
    },
  );
}

/** A directory whose reader hands out its children two at a time, as real readers do in batches. */
function dirEntry(fullPath: string, children: EntryLike[]): EntryLike {
  return Object.assign(
    { isFile: false, isDirectory: true, name: fullPath.split('/').pop()!, fullPath },
    {
      createReader: () => {
        let at = 0;
        return {
          readEntries: (ok: (e: EntryLike[]) => void) => {
            const batch = children.slice(at, at + 2);
            at += 2;
            setTimeout(() => ok(batch));
          },
        };
      },
    },
  );
}

describe('dropped folders', () => {
  it('walks every batch of every folder and keeps paths', async () => {
    const tree = [
      dirEntry('/trip', [
        fileEntry('/trip/a.jpg'),
        fileEntry('/trip/b.jpg'),
        fileEntry('/trip/c.jpg'),
        dirEntry('/trip/day 2', [fileEntry('/trip/day 2/d.jpg')]),
        dirEntry('/trip/empty', []),
      ]),
      fileEntry('/loose.txt'),
    ];
    const files = await filesFromEntries(tree);
    expect(files.map((f) => [f.path, f.file.name])).toEqual([
      ['trip', 'a.jpg'],
      ['trip', 'b.jpg'],
      ['trip', 'c.jpg'],
      ['trip/day 2', 'd.jpg'],
      ['', 'loose.txt'],
    ]);
  });
});
