// The service worker: precached app shell (offline start), SPA navigation fallback except for the API
// and the signaling relay (never cached, never answered from here), and the Web Share Target inbox.
// Updates wait for the page to say so (registerType 'prompt'): see app/UpdatePrompt.tsx.
import {
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  type PrecacheEntry,
  precacheAndRoute,
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { NAME_HEADER, SHARE_INBOX_CACHE } from './net/shareInbox.ts';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (PrecacheEntry | string)[] };

const SHARE_TARGET = '/share-target';

// first, so the share sheet's POST is ours before any route looks at it
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (
    event.request.method === 'POST' &&
    url.origin === self.location.origin &&
    url.pathname === SHARE_TARGET
  ) {
    event.respondWith(receiveShare(event.request));
  }
});

self.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('/index.html'), {
    denylist: [/^\/api(\/|$)/, /^\/peerjs(\/|$)/, /^\/share-target(\/|$)/],
  }),
);

/**
 * The OS share sheet navigates here itself (no page sent it): a POST that another site's form made
 * carries that site's Origin (or "null" from an opaque origin or a no-referrer page), and is dropped
 * without reading it. Chromium 156 shows the service worker the Origin header of a form POST but not
 * Sec-Fetch-Site (added later, on the way to the network); where a browser does show it, it decides.
 */
export function fromShareSheet(request: Request, ownOrigin: string): boolean {
  // where the browser tells: only its own UI ('none') or this app itself; a sandboxed frame ('null') never
  const site = request.headers.get('sec-fetch-site');
  if (site !== null) return site === 'none' || site === 'same-origin';
  const origin = request.headers.get('origin');
  return origin === null || origin === ownOrigin;
}

/** Keeps the shared files until the app, opened at /?shared=1, asks which room they go to. */
async function receiveShare(request: Request): Promise<Response> {
  if (!fromShareSheet(request, self.location.origin)) return Response.redirect('/', 303);
  try {
    const form = await request.formData();
    const files = form.getAll('files').filter((f): f is File => f instanceof File);
    const cache = await caches.open(SHARE_INBOX_CACHE);
    const stamp = Date.now();
    await Promise.all(
      files.map((file, i) =>
        cache.put(
          new Request(`/__share-inbox/${stamp}-${i}`),
          new Response(file, {
            headers: {
              'content-type': file.type || 'application/octet-stream',
              [NAME_HEADER]: encodeURIComponent(file.name),
            },
          }),
        ),
      ),
    );
  } catch (error) {
    console.error('share target: could not keep the files', error);
  }
  // 303: the browser follows with a GET, so a reload does not post the files again
  return Response.redirect('/?shared=1', 303);
}
