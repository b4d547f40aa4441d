// Can this machine run the LAN? Locally a missing piece skips the e2e suites
// with a reason; under CI it is an error, so a broken runner never passes by
// skipping everything.
import { accessSync, constants } from 'node:fs';
import {
  CHROMIUM_BIN,
  FIREFOX_BIN,
  MINIBROWSER_BIN,
  NS_PREFIX,
  WEBKIT_DRIVER_BIN,
  XVFB_BIN,
} from './config.ts';
import { runSync } from './exec.ts';

export interface Needs {
  /** the suite also starts Firefox devices */
  firefox?: boolean;
  /** the suite also starts WebKit devices */
  webkit?: boolean;
}

function findReason(needs: Needs): string | undefined {
  if (process.platform !== 'linux') return `network namespaces need Linux, this is ${process.platform}`;
  if (process.getuid?.() !== 0) return 'not root: creating network namespaces needs root';
  for (const tool of ['ip', 'tc']) {
    if (runSync('sh', ['-c', `command -v ${tool}`]).code !== 0) return `\`${tool}\` (iproute2) not found`;
  }
  // devices trust the tracker's CA through their own NSS database
  if (runSync('sh', ['-c', 'command -v certutil']).code !== 0) return '`certutil` (libnss3-tools) not found';
  try {
    accessSync(CHROMIUM_BIN, constants.X_OK);
  } catch {
    return `${CHROMIUM_BIN} not found (apt-get install chromium)`;
  }
  const tools: [boolean | undefined, string, string][] = [
    [needs.firefox, FIREFOX_BIN, 'firefox-esr'],
    [needs.webkit, WEBKIT_DRIVER_BIN, 'webkit2gtk-driver'],
    [needs.webkit, MINIBROWSER_BIN, 'webkit2gtk-driver'],
    [needs.webkit, XVFB_BIN, 'xvfb'],
  ];
  for (const [needed, bin, apt] of tools) {
    if (!needed) continue;
    try {
      accessSync(bin, constants.X_OK);
    } catch {
      return `${bin} not found (apt-get install ${apt})`;
    }
  }
  // `probe` is never a live run id, so a leftover probe is cleaned like any stale namespace
  const probe = `${NS_PREFIX}probe${process.pid}`;
  const added = runSync('ip', ['netns', 'add', probe]);
  runSync('ip', ['netns', 'del', probe]);
  if (added.code !== 0) return `cannot create a network namespace: ${added.stderr.trim()}`;
  return undefined;
}

// Returns why the LAN cannot run here (undefined when it can). With CI set
// it throws instead, so the suite fails rather than silently skips.
export function checkPrerequisites(needs: Needs = {}): string | undefined {
  const reason = findReason(needs);
  if (reason === undefined) return undefined;
  const ci = process.env.CI;
  if (ci && ci !== 'false' && ci !== '0') throw new Error(`e2e prerequisites missing under CI: ${reason}`);
  console.warn(`[lan] skipping e2e suites: ${reason}`);
  return reason;
}
