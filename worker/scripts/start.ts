// `npm start`: run the tracker on this laptop for the devices on its network.
//
// One `wrangler dev` (one D1 state) listens on loopback only; the front (front.ts) owns the public ports:
// HTTPS with a certificate from this laptop's own CA (tls.ts) and plain http, both passing everything,
// WebSockets included, to that one wrangler, except the PeerJS signaling sockets, which the front's relay
// ends itself (lanRelay.ts), linked to the tracker by a secret made for this run. The terminal shows the HTTPS address and the trust page
// with QR codes; the build's and wrangler's output go to a log file unless --verbose.
//
// Options (after `--`):
//   --ip <addr>          listen on this address only (default 0.0.0.0: every interface)
//   --port <n>           plain-http port (default $PORT or 8787)
//   --https-port <n>     HTTPS port (default $HTTPS_PORT or 8443)
//   --no-https           plain http only, as before HTTPS existed (no CA, no trust page)
//   --persist-to <dir>   local state (default .wrangler/state)
//   --no-build           serve the existing pwa/dist
//   --no-lobby           no lobby room on this tracker
//   --reset              delete the local state (catalog, identities, certificates) first, after asking
//   --yes                answer yes to --reset's question (for scripts)
//   --verbose            show the build's and wrangler's output instead of logging it
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { isPermittedIp, lanAddresses, permittedDnsNames, serverNames, shortHostname } from './addresses.ts';
import { renderBanner } from './banner.ts';
import { exited, PWA_BUILD, QUIET_ENV, ROOT, signalGroup, spawnTool, WRANGLER } from './children.ts';
import { type Front, startFront } from './front.ts';
import { ensureStateDir, resetState, startLogPath } from './localState.ts';
import { ensureTls } from './tls.ts';

const { values } = parseArgs({
  options: {
    ip: { type: 'string', default: '0.0.0.0' },
    port: { type: 'string', default: process.env.PORT ?? '8787' },
    'https-port': { type: 'string', default: process.env.HTTPS_PORT ?? '8443' },
    'no-https': { type: 'boolean', default: false },
    'persist-to': { type: 'string', default: join(ROOT, '.wrangler/state') },
    'no-build': { type: 'boolean', default: false },
    'no-lobby': { type: 'boolean', default: false },
    reset: { type: 'boolean', default: false },
    yes: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
});

function portOf(text: string | undefined, what: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    console.error(`start: ${what} must be a port number, got "${text}"`);
    process.exit(2);
  }
  return n;
}
const port = portOf(values.port, '--port/PORT');
const https = !values['no-https'];
const httpsPort = portOf(values['https-port'], '--https-port/HTTPS_PORT');
const persistTo = resolve(values['persist-to']);
const verbose = values.verbose;
// a contract local load tests rely on: MESHDROP_RATE_LIMITS=off lifts the tracker's rate limits
const rateLimitsOff = process.env.MESHDROP_RATE_LIMITS === 'off';
const env = { ...process.env, ...QUIET_ENV, CI: 'true' };

let child: ChildProcess | null = null;
let front: Front | null = null;
let stopping = false;

function stop(signal: NodeJS.Signals) {
  if (stopping) return;
  stopping = true;
  void front?.close();
  const proc = child;
  if (!proc?.pid || proc.exitCode !== null) process.exit(0);
  signalGroup(proc, signal);
  // workerd children that ignore SIGTERM are not left holding the port
  setTimeout(() => {
    signalGroup(proc, 'SIGKILL');
    process.exit(0);
  }, 5000).unref();
  proc.on('exit', () => {
    signalGroup(proc, 'SIGKILL');
    process.exit(0);
  });
}
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGHUP', () => stop('SIGTERM'));
// if whatever started us (npm, a test) dies without passing a signal on, do not linger as an orphan
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) stop('SIGTERM');
}, 1000).unref();

async function confirmReset(): Promise<boolean> {
  if (values.yes) return true;
  if (!process.stdin.isTTY) {
    console.error('start: --reset deletes the local state; add --yes to confirm without a question.');
    return false;
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question(
    `This deletes the catalog (devices, rooms, shares) and this laptop's certificates in ${persistTo}.\n` +
      'Every device will have to trust the new certificate again. Delete? [y/N] ',
  );
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}

if (values.reset) {
  if (!(await confirmReset())) {
    console.log('Nothing deleted.');
    process.exit(1);
  }
  const gone = resetState(persistTo);
  console.log(gone.length ? `Deleted ${gone.join(', ')}.` : 'There was no local state to delete.');
}

ensureStateDir(persistTo);
const logPath = startLogPath(persistTo);
writeFileSync(logPath, `--- npm start ${new Date().toISOString()}\n`, { flag: 'a' });
const recent: string[] = [];

/** A child's line: to the terminal with --verbose, to the log file otherwise; errors are always shown. */
function output(line: string) {
  recent.push(line);
  if (recent.length > 40) recent.shift();
  if (verbose) return;
  appendFileSync(logPath, `${line}\n`);
  if (/\[ERROR\]/.test(line)) console.error(line);
}

function fail(what: string, code: number): never {
  if (!verbose) console.error(`--- last lines of ${logPath} ---\n${recent.join('\n')}`);
  console.error(`start: ${what} failed (exit ${code})`);
  void front?.close();
  process.exit(code || 1);
}

async function step(what: string, cmd: readonly [string, string], args: readonly string[], extraEnv = {}) {
  child = spawnTool(cmd, [...args], { env: { ...env, ...extraEnv }, onLine: output, echo: verbose });
  const code = await exited(child);
  if (stopping) return;
  if (code !== 0) fail(what, code);
}

/**
 * A free loopback port for wrangler, held by us until wrangler is about to bind it: the front's relay
 * binds port 0 for its notices in between, and a port merely probed and closed could be handed to it
 * (wrangler then failed with "Address already in use", seen once in CI).
 */
function reserveLoopbackPort(): Promise<{ port: number; release(): Promise<void> }> {
  return new Promise((done, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    // the front may already proxy a request here: refused at once, as a closed port would be, and
    // nothing left open to hold up the close
    srv.on('connection', (socket) => socket.destroy());
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      done({ port, release: () => new Promise<void>((closed) => srv.close(() => closed())) });
    });
  });
}

// ---- certificates and the front, first: a busy port fails now, not after the build ----

const host = shortHostname();
const everywhere = values.ip === '0.0.0.0';
const addresses = everywhere ? lanAddresses() : [values.ip];
const names = serverNames(addresses, host);
const tls = https ? await ensureTls(persistTo, names, host) : null;
// the address phones open: one the certificate covers when serving HTTPS
const lanHost = (https ? addresses.find(isPermittedIp) : undefined) ?? addresses[0] ?? null;
const lanIsSecure = https && lanHost !== null && isPermittedIp(lanHost);
const urlHost = (h: string) => (h.includes(':') ? `[${h}]` : h);
const upstream = await reserveLoopbackPort();
const upstreamPort = upstream.port;
// the front's relay and the tracker trust each other through this; it is never printed or logged
const relaySecret = randomBytes(32).toString('base64url');
const relaySecretFile = join(persistTo, 'meshdrop', 'relay-secret.env');
process.on('exit', () => rmSync(relaySecretFile, { force: true }));
try {
  front = await startFront({
    host: values.ip,
    httpPort: port,
    upstreamPort,
    // the relay's per-address limit on upgrades goes with the tracker's limits
    relay: { secret: relaySecret, ...(rateLimitsOff ? { perAddress: null } : {}) },
    ...(tls && {
      https: {
        port: httpsPort,
        key: tls.serverKeyPem,
        cert: tls.serverCertPem,
        trust: {
          caName: tls.caName,
          caFingerprint: tls.caFingerprint,
          caPem: tls.caCertPem,
          caDer: tls.caCertDer,
          names,
          fallbackHost: lanHost ?? 'localhost',
          scope: `private network addresses, localhost, .local names and ${permittedDnsNames(host).at(-1)}`,
        },
      },
    }),
  });
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  console.error(
    code === 'EADDRINUSE'
      ? `start: port ${port}${https ? ` or ${httpsPort}` : ''} is already in use (another npm start?). Choose others with --port/--https-port.`
      : `start: cannot listen on ${values.ip}: ${String(error)}`,
  );
  process.exit(2);
}

// ---- build, migrations, wrangler ----

if (!values['no-build']) await step('building the PWA', PWA_BUILD.cmd, PWA_BUILD.args, PWA_BUILD.env);
if (!existsSync(join(ROOT, 'pwa/dist/index.html'))) {
  // --no-build with nothing built yet: serve a note rather than refuse to start
  mkdirSync(join(ROOT, 'pwa/dist'), { recursive: true });
  writeFileSync(
    join(ROOT, 'pwa/dist/index.html'),
    '<!doctype html><title>MeshDrop</title><p>Run npm start to build the app.',
  );
}
await step('applying D1 migrations', WRANGLER, [
  'd1',
  'migrations',
  'apply',
  'DB',
  '--local',
  '--persist-to',
  persistTo,
]);

const vars = [
  // this tracker serves a LAN from a laptop; settings meant only for local runs depend on it
  'TRACKER_MODE:lan',
  ...(rateLimitsOff ? ['RATE_LIMITS:off'] : []),
  ...(values['no-lobby'] ? ['LOBBY:off'] : []),
  ...(lanIsSecure ? [`LAN_HTTPS_PORT:${httpsPort}`] : []),
  `LAN_RELAY_URL:${front?.relayUrl ?? ''}`,
];
// The secret goes to wrangler in a file only this user can read, never on its command line (which every
// user of the machine sees in /proc/<pid>/cmdline); the file goes when this run ends.
rmSync(relaySecretFile, { force: true });
writeFileSync(relaySecretFile, `LAN_RELAY_SECRET=${relaySecret}\n`, { mode: 0o600 });
await upstream.release();
const dev = spawnTool(
  WRANGLER,
  [
    'dev',
    // loopback only: the LAN reaches it through the front, which stamps the real peer address
    '--ip',
    '127.0.0.1',
    '--port',
    String(upstreamPort),
    '--persist-to',
    persistTo,
    '--inspector-port',
    '0',
    '--show-interactive-dev-session=false',
    '--log-level',
    'info',
    ...vars.flatMap((v) => ['--var', v]),
    '--env-file',
    relaySecretFile,
  ],
  { env, onLine: output, echo: verbose, redact: [relaySecret] },
);
child = dev;

async function waitHealthy(): Promise<boolean> {
  while (dev.exitCode === null && !stopping) {
    try {
      const r = await fetch(`http://127.0.0.1:${upstreamPort}/api/health`, {
        signal: AbortSignal.timeout(2000),
      });
      if (r.ok) return true;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}

if (await waitHealthy()) {
  const rel = relative(process.cwd(), logPath);
  console.log(
    await renderBanner(
      {
        lanUrl: lanHost
          ? lanIsSecure
            ? `https://${urlHost(lanHost)}:${httpsPort}/`
            : `http://${urlHost(lanHost)}:${port}/`
          : null,
        trustUrl: lanIsSecure && lanHost ? `http://${urlHost(lanHost)}:${port}/trust` : null,
        localUrl: tls ? `https://localhost:${httpsPort}/` : `http://localhost:${port}/`,
        plainUrl: lanIsSecure && lanHost ? `http://${urlHost(lanHost)}:${port}/` : null,
        caFingerprint: tls?.caFingerprint ?? null,
        newCa: tls?.created.ca ?? false,
        uncovered: https ? names.uncovered : [],
        logPath: verbose ? null : rel.startsWith('..') ? logPath : rel,
        rateLimitsOff,
        lobby: !values['no-lobby'],
      },
      process.stdout.columns || 100,
    ),
  );
}
const code = await exited(dev);
if (!stopping) fail('wrangler dev', code);
