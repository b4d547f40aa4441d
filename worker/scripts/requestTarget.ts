// What the LAN front accepts as a request target. Only origin-form (`/path?query`, RFC 9112 3.2.1) goes
// further: an absolute or `//host` target makes `new URL(target, base)` throw in the relay and in
// http-proxy-3, and one such request from anyone on the LAN would otherwise end the front.
export const originForm = (target: string | undefined): target is string =>
  target !== undefined && target.startsWith('/') && !target.startsWith('//');

/**
 * The path as a lenient router could read it: repeated slashes collapsed, dot segments resolved, percent
 * escapes decoded, lower case. Only for refusing (internal paths, signaling variants), never for routing.
 */
export function lenientPath(target: string): string {
  let path = (target.split('?')[0] ?? '/').replace(/\/{2,}/g, '/');
  try {
    path = decodeURIComponent(new URL(path, 'http://front').pathname);
  } catch {
    // a broken escape: the raw path is judged as it is
  }
  return path.replace(/\/{2,}/g, '/').toLowerCase();
}

const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);

/** The tracker's relay endpoint: for the front's own calls on loopback, never for a LAN client. */
export const internalPath = (target: string) => under(lenientPath(target), '/api/internal');

/** A `/peerjs` path that is not exactly the relay's: passed on, it would reach the tracker's own hub. */
export const signalingVariant = (target: string, exact: string) =>
  under(lenientPath(target), '/peerjs') && (target.split('?')[0] ?? '') !== exact;
