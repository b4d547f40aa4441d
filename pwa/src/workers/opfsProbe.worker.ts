// Answers one question, once: can this browser write OPFS files through a synchronous access handle?
// Only a dedicated worker can ask. Some browsers have OPFS but refuse the handle (WebKitGTK throws
// NotSupportedError), so having `navigator.storage.getDirectory` proves nothing: try it on a scratch file.

const scope = self as unknown as { postMessage(works: boolean): void };

interface SyncHandle {
  close(): void;
}

void (async () => {
  const name = `.meshdrop-probe-${Math.random().toString(36).slice(2)}`;
  let dir: FileSystemDirectoryHandle | undefined;
  try {
    dir = await navigator.storage.getDirectory();
    const file = await dir.getFileHandle(name, { create: true });
    const handle = await (
      file as unknown as { createSyncAccessHandle(): Promise<SyncHandle> }
    ).createSyncAccessHandle();
    handle.close();
    await removeScratch(dir, name);
    scope.postMessage(true);
  } catch {
    await removeScratch(dir, name);
    scope.postMessage(false);
  }
})();

/** Gone before the verdict: once the app hears it, OPFS holds nothing but downloads. */
async function removeScratch(dir: FileSystemDirectoryHandle | undefined, name: string): Promise<void> {
  // nothing to remove when the file was never created
  await dir?.removeEntry(name).catch(() => undefined);
}
