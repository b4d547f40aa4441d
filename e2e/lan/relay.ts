// Firefox's WebDriver BiDi and WebKit's WebDriver listen only on THEIR namespace's loopback, which the
// test driver (root namespace) cannot reach. Unix sockets are files, not network: a small relay started
// inside the device namespace listens on a socket file and forwards each connection to the browser's
// port; the driver connects to the file (Puppeteer: `ws+unix:<socket>:/session`; WebDriver: HTTP over
// the socket). The driver's API stays the one Puppeteer (or WebDriver) offers.
import { type ChildProcess, spawn } from 'node:child_process';
import { NODE_BIN } from './config.ts';
import { withTimeout } from './exec.ts';

const SCRIPT = `
const net = require('node:net');
const [path, port] = process.argv.slice(1);
net.createServer((client) => {
  const browser = net.connect(Number(port), '127.0.0.1');
  client.pipe(browser).pipe(client);
  browser.on('error', () => client.destroy());
  client.on('error', () => browser.destroy());
}).listen(path, () => process.stdout.write('ready\\n'));
`;

/** Starts the relay in `ns` (its own process group) and resolves once the socket file listens. */
export async function startSocketRelay(ns: string, socketPath: string, port: number): Promise<ChildProcess> {
  const child = spawn('ip', ['netns', 'exec', ns, NODE_BIN, '-e', SCRIPT, socketPath, String(port)], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const ready = new Promise<boolean>((resolve) => {
    child.stdout?.once('data', () => resolve(true));
    child.once('exit', () => resolve(false));
  });
  if (!(await withTimeout(ready, 10_000))) {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    throw new Error(`relay in ${ns} did not start: ${stderr.trim() || 'timed out'}`);
  }
  return child;
}
