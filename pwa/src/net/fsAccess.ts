// The File System Access API where it exists (Chromium desktop): files picked through it can be read
// again after a reload, with one click to re-grant permission. Not in TypeScript's DOM types yet.

type PermissionState = 'granted' | 'denied' | 'prompt';

export interface ReadableHandle extends FileSystemFileHandle {
  queryPermission?(options: { mode: 'read' }): Promise<PermissionState>;
  requestPermission?(options: { mode: 'read' }): Promise<PermissionState>;
}

type OpenFilePicker = (options: { multiple: boolean }) => Promise<ReadableHandle[]>;

export function openFilePicker(): OpenFilePicker | undefined {
  const picker = (globalThis as { showOpenFilePicker?: OpenFilePicker }).showOpenFilePicker;
  return typeof picker === 'function' ? picker.bind(globalThis) : undefined;
}

/** Whether the page may read the handle now; `ask` prompts (needs a click), otherwise it only looks. */
export async function canRead(handle: ReadableHandle, ask: boolean): Promise<boolean> {
  try {
    const options = { mode: 'read' } as const;
    const state = ask ? await handle.requestPermission?.(options) : await handle.queryPermission?.(options);
    return state === 'granted';
  } catch {
    return false;
  }
}
