// Handing a finished file to the person: save it (a browser download of the disk-backed Blob, or the
// system "Save as" dialog where the File System Access API exists) or open it in a new tab.
import { safeFileName } from '../state/fileName.ts';
import { inertType, SNIFF_BYTES } from '../state/inertMedia.ts';

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

export { isViewable } from '../state/inertMedia.ts';

/**
 * Opens an inert image, audio or video file in a new tab, where the browser plays or shows it. A blob URL
 * runs with the app's origin, so only allow-listed formats whose bytes match are opened (never SVG, HTML,
 * XML, PDF or anything unknown), typed with our own canonical type. False: not opened (offer Save).
 */
export async function openBlob(blob: Blob, declared: string): Promise<boolean> {
  const head = new Uint8Array(await blob.slice(0, SNIFF_BYTES).arrayBuffer());
  const type = inertType(declared, head);
  if (!type) return false;
  const url = URL.createObjectURL(blob.slice(0, blob.size, type));
  window.open(url, '_blank', 'noopener');
  setTimeout(() => URL.revokeObjectURL(url), 10 * 60_000);
  return true;
}
