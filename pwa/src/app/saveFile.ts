// Handing a finished file to the person: save it (a browser download of the disk-backed Blob, or the
// system "Save as" dialog where the File System Access API exists) or open it in a new tab.
import { safeFileName } from '../state/fileName.ts';

interface SavePickerWindow {
  showSaveFilePicker?: (options: { suggestedName: string }) => Promise<{
    createWritable(): Promise<WritableStream<Uint8Array>>;
  }>;
}

/** A normal browser download: the Blob streams from disk, nothing is copied into memory. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = safeFileName(name);
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // the download has taken its own reference by now; a minute is generous for slow starts
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function canSaveAs(): boolean {
  return typeof (window as SavePickerWindow).showSaveFilePicker === 'function';
}

/** "Save as…": the user picks where; the file streams there chunk by chunk. */
export async function saveBlobAs(blob: Blob, name: string): Promise<boolean> {
  const picker = (window as SavePickerWindow).showSaveFilePicker;
  if (!picker) return false;
  try {
    const handle = await picker({ suggestedName: safeFileName(name) });
    await blob.stream().pipeTo(await handle.createWritable());
    return true;
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') return false; // the user cancelled
    throw err;
  }
}

export function isViewable(type: string): boolean {
  return /^(image|audio|video)\//.test(type);
}

/** Opens images, audio and video in a new tab, where the browser plays or shows them. */
export function openBlob(blob: Blob, type: string): void {
  const typed = blob.type === type ? blob : blob.slice(0, blob.size, type);
  const url = URL.createObjectURL(typed);
  window.open(url, '_blank', 'noopener');
  setTimeout(() => URL.revokeObjectURL(url), 10 * 60_000);
}
