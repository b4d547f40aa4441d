// What the LAN front accepts as a request target. Only origin-form (`/path?query`, RFC 9112 3.2.1) goes
// further: an absolute or `//host` target makes `new URL(target, base)` throw in the relay and in
// http-proxy-3, and one such request from anyone on the LAN would otherwise end the front.
export const originForm = (target: string | undefined): target is string =>
  target !== undefined && target.startsWith('/') && !target.startsWith('//');
