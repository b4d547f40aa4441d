// The security headers of every response we serve: the Worker's (app shell, assets, API, WebSocket
// refusals) and the LAN front's own (trust page, its errors). Pure: no Worker or Node types, so both
// import it and the policy is written once.
//
// What the built app needs, checked against pwa/dist: module scripts and workers from our origin,
// WebAssembly compiled from bytes (hash-wasm, where crypto.subtle is missing: 'wasm-unsafe-eval'),
// the QR code as a data: image, blob: URLs to open a downloaded picture, audio or video, fetch and
// WebSockets to our own origin, the manifest. Nothing inline, nothing from another origin.

export interface HeaderContext {
  /** host[:port] the browser used; reflected into connect-src only when it looks like one. */
  host: string;
  /** The page is served over HTTPS (directly, or behind the LAN front / Cloudflare's edge). */
  secure: boolean;
  /** Strict-Transport-Security: only on a deployed tracker over HTTPS (never on LAN names or IPs). */
  hsts: boolean;
}

/** Letters, digits, dots, dashes, one port, or a bracketed IPv6 literal: nothing that could break a header. */
const HOST_PATTERN = /^(?:[a-z0-9.-]{1,253}|\[[0-9a-f:.]{2,45}\])(?::\d{1,5})?$/i;

export function contentSecurityPolicy(ctx: HeaderContext): string {
  // 'self' covers same-host ws:/wss: in CSP3 browsers; older Safari needs the WebSocket origin spelled out
  const socket = HOST_PATTERN.test(ctx.host)
    ? ` ${ctx.secure ? 'wss' : 'ws'}://${ctx.host.toLowerCase()}`
    : '';
  return [
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    `connect-src 'self'${socket}`,
    "worker-src 'self'",
    "manifest-src 'self'",
    "font-src 'self'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}

/**
 * Features the app never uses are denied; the clipboard stays for the invite panel. (The share sheet,
 * `web-share`, is 'self' by default; naming it makes Chromium on Linux log an unknown-feature error.)
 */
export const PERMISSIONS_POLICY = [
  'accelerometer=()',
  'camera=()',
  'geolocation=()',
  'gyroscope=()',
  'magnetometer=()',
  'microphone=()',
  'payment=()',
  'usb=()',
  'clipboard-write=(self)',
].join(', ');

export function securityHeaders(ctx: HeaderContext): Record<string, string> {
  const headers: Record<string, string> = {
    'content-security-policy': contentSecurityPolicy(ctx),
    'x-content-type-options': 'nosniff',
    // room links carry the room id: no page of ours tells anyone where it was opened from
    'referrer-policy': 'no-referrer',
    'permissions-policy': PERMISSIONS_POLICY,
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'x-frame-options': 'DENY',
  };
  // HSTS binds a host name for all its ports: on a laptop's LAN name it would break the plain-http port
  if (ctx.hsts) headers['strict-transport-security'] = 'max-age=15552000';
  return headers;
}
