// Turns what the user picked or dropped into files with their folder paths. Dropped folders are walked
// through the (old but universal) FileSystemEntry API; a directory reader returns entries in batches
// and must be read until it returns none.
import { folderOf, type PickedFile } from '../state/shareInput.ts';

/** From an <input type=file> (with or without webkitdirectory). */
export function filesFromInput(list: FileList | null): PickedFile[] {
  return Array.from(list ?? [], (file) => ({ file, path: folderOf(file.webkitRelativePath || file.name) }));
}

export interface EntryLike {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  fullPath: string;
}
export interface FileEntryLike extends EntryLike {
  file(ok: (f: File) => void, fail: (e: unknown) => void): void;
}
export interface DirectoryEntryLike extends EntryLike {
  createReader(): { readEntries(ok: (entries: EntryLike[]) => void, fail: (e: unknown) => void): void };
}

/** Every file under the dropped entries, with paths relative to the dropped items' parent. */
export async function filesFromEntries(entries: EntryLike[]): Promise<PickedFile[]> {
  const out: PickedFile[] = [];
  const walk = async (entry: EntryLike): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((ok, fail) => (entry as FileEntryLike).file(ok, fail));
      out.push({ file, path: folderOf(entry.fullPath) });
    } else if (entry.isDirectory) {
      const reader = (entry as DirectoryEntryLike).createReader();
      for (;;) {
        const batch = await new Promise<EntryLike[]>((ok, fail) => reader.readEntries(ok, fail));
        if (batch.length === 0) break;
        for (const child of batch) await walk(child);
      }
    }
  };
  for (const entry of entries) await walk(entry);
  return out;
}

/** From a drop: folders where the browser gives entries, plain files otherwise. */
export async function filesFromDrop(data: DataTransfer): Promise<PickedFile[]> {
  // entries must be taken synchronously, before the first await: the DataTransfer empties after the event
  const entries: EntryLike[] = [];
  const loose: File[] = [];
  for (const item of Array.from(data.items)) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry?.() as EntryLike | null | undefined;
    if (entry) entries.push(entry);
    else {
      const file = item.getAsFile();
      if (file) loose.push(file);
    }
  }
  if (entries.length === 0 && loose.length === 0) return filesFromInput(data.files);
  return [...(await filesFromEntries(entries)), ...loose.map((file) => ({ file, path: '' }))];
}
