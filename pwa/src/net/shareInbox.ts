// Files handed to the installed app through the OS share sheet (Web Share Target). The service worker
// puts them in this cache (see sw.ts); the app takes them out once the user picked a room.
export const SHARE_INBOX_CACHE = 'meshdrop-share-inbox';
export const NAME_HEADER = 'x-meshdrop-name';

export async function readShareInbox(): Promise<File[]> {
  if (!('caches' in globalThis)) return [];
  const cache = await caches.open(SHARE_INBOX_CACHE);
  const files: File[] = [];
  for (const request of await cache.keys()) {
    const response = await cache.match(request);
    if (!response) continue;
    const name = decodeURIComponent(response.headers.get(NAME_HEADER) ?? 'shared-file');
    const type = response.headers.get('content-type') ?? '';
    files.push(new File([await response.blob()], name, { type }));
  }
  return files;
}

export async function clearShareInbox(): Promise<void> {
  if ('caches' in globalThis) await caches.delete(SHARE_INBOX_CACHE);
}
