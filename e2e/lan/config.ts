// Fixed paths and names shared by the harness modules.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

// the repo pins Node 24 (wrangler needs >= 22.12); the system node may be older
const pinnedNode = join(REPO_ROOT, 'node_modules/.bin/node');
export const NODE_BIN = existsSync(pinnedNode) ? pinnedNode : process.execPath;

export const CHROMIUM_BIN = '/usr/bin/chromium';
export const FIREFOX_BIN = '/usr/bin/firefox-esr';
// WebKitGTK (Debian's webkit2gtk-driver): the driver, its browser, and a display for it
export const WEBKIT_DRIVER_BIN = '/usr/bin/WebKitWebDriver';
export const MINIBROWSER_BIN = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
export const XVFB_BIN = '/usr/bin/Xvfb';

// every namespace we create starts with this, so leftovers are easy to find
export const NS_PREFIX = 'mdlan-';

// owner records of live runs (pid + start time), read by cleanupStale()
export const RECORD_DIR = '/tmp/meshdrop-e2e';

export const TRACKER_PORT = 8787;
// HTTPS from the tracker's local CA (npm start's default https port)
export const TRACKER_HTTPS_PORT = 8443;
export const TRACKER_HOST_OCTET = 1;
export const FIRST_DEVICE_OCTET = 11;
// hosts without a browser (lan.addHost), e.g. the command-line peer
export const FIRST_BARE_HOST_OCTET = 101;

// the workplace allows at most three Chromium instances at once
export const MAX_BROWSERS = 3;

// required for Chromium here (see platform notes); Playwright adds its own on top
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;
