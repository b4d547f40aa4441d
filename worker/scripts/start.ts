// `npm start`: build the PWA, apply D1 migrations (idempotent), run `wrangler dev` on the LAN and print
// the addresses (with a QR code) that phones on the same network can open.
//
// Options: --ip <addr> (default 0.0.0.0), --port <n> (default $PORT or 8787),
//          --persist-to <dir> (default .wrangler/state), --no-build (serve the existing pwa/dist).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import QRCode from 'qrcode';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// run the tools' entry points with this very Node: their `#!/usr/bin/env node` could find an older one
const tool = (path: string) => [process.execPath, join(root, 'node_modules', path)] as const;
const WRANGLER = tool('wrangler/bin/wrangler.js');
const VITE = tool('vite/bin/vite.js');

const { values } = parseArgs({
  options: {
    ip: { type: 'string', default: '0.0.0.0' },
    port: { type: 'string', default: process.env.PORT ?? '8787' },
    'persist-to': { type: 'string', default: join(root, '.wrangler/state') },
    'no-build': { type: 'boolean', default: false },
  },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`start: --port/PORT must be a port number, got "${values.port}"`);
  process.exit(2);
}
const persistTo = resolve(values['persist-to']);
// a contract local load tests rely on: MESHDROP_RATE_LIMITS=off lifts the tracker's rate limits
const rateLimitsOff = process.env.MESHDROP_RATE_LIMITS === 'off';

// wrangler must not phone home: no metrics, no Request.cf download. Everything stays on this machine.
const env = {
  ...process.env,
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  CI: 'true',
};

let child: ChildProcess | null = null;
let stopping = false;

/** Runs a command in its own process group so that stopping it also stops whatever it spawned. */
function run(cmd: string, args: string[], opts: { pipe?: boolean } = {}): ChildProcess {
  child = spawn(cmd, args, {
    cwd: root,
    env,
    detached: true,
    stdio: ['ignore', opts.pipe ? 'pipe' : 'inherit', 'inherit'],
  });
  return child;
}

function finished(proc: ChildProcess): Promise<number> {
  return new Promise((done) => proc.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0))));
}

function stop(signal: NodeJS.Signals) {
  if (stopping) return;
  stopping = true;
  const proc = child;
  if (!proc?.pid || proc.exitCode !== null) process.exit(0);
  const group = -proc.pid;
  try {
    process.kill(group, signal);
  } catch {}
  // workerd children that ignore SIGTERM are not left holding the port
  setTimeout(() => {
    try {
      process.kill(group, 'SIGKILL');
    } catch {}
    process.exit(0);
  }, 5000).unref();
  proc.on('exit', () => {
    try {
      process.kill(group, 'SIGKILL');
    } catch {}
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

async function step(what: string, cmd: string, args: string[]) {
  const code = await finished(run(cmd, args));
  if (stopping) return;
  if (code !== 0) {
    console.error(`start: ${what} failed (exit ${code})`);
    process.exit(code);
  }
}

function lanUrls(): string[] {
  if (values.ip !== '0.0.0.0') return [`http://${values.ip}:${port}/`];
  const urls = [`http://localhost:${port}/`];
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? [])
      if (a.family === 'IPv4' && !a.internal) urls.push(`http://${a.address}:${port}/`);
  }
  return urls;
}

async function announce() {
  const urls = lanUrls();
  console.log('\nMeshDrop is running. Open it on this computer or on a phone on the same network:');
  for (const u of urls) console.log(`  ${u}`);
  const lan = urls.find((u) => !u.includes('localhost'));
  if (lan) console.log(await QRCode.toString(lan, { type: 'terminal', small: true }));
  if (rateLimitsOff)
    console.log(
      'WARNING: rate limits are OFF (MESHDROP_RATE_LIMITS=off). Use this only for local load tests.',
    );
  console.log('Stop with Ctrl+C.\n');
}

if (!values['no-build'])
  await step('building the PWA', VITE[0], [VITE[1], 'build', '--config', join(root, 'pwa/vite.config.ts')]);
if (!existsSync(join(root, 'pwa/dist/index.html'))) {
  // --no-build with nothing built yet: serve a note rather than refuse to start
  mkdirSync(join(root, 'pwa/dist'), { recursive: true });
  writeFileSync(
    join(root, 'pwa/dist/index.html'),
    '<!doctype html><title>MeshDrop</title><p>Run npm start to build the app.',
  );
}
mkdirSync(persistTo, { recursive: true });
await step('applying D1 migrations', WRANGLER[0], [
  WRANGLER[1],
  'd1',
  'migrations',
  'apply',
  'DB',
  '--local',
  '--persist-to',
  persistTo,
]);

const dev = run(
  WRANGLER[0],
  [
    WRANGLER[1],
    'dev',
    '--ip',
    values.ip,
    '--port',
    String(port),
    '--persist-to',
    persistTo,
    '--inspector-port',
    '0',
    '--show-interactive-dev-session=false',
    '--log-level',
    'info',
    // this tracker serves a LAN from a laptop; settings meant only for local runs depend on it
    '--var',
    'TRACKER_MODE:lan',
    ...(rateLimitsOff ? ['--var', 'RATE_LIMITS:off'] : []),
  ],
  { pipe: true },
);
let announced = false;
dev.stdout?.on('data', (chunk: Buffer) => {
  process.stdout.write(chunk);
  if (!announced && /Ready on/i.test(chunk.toString())) {
    announced = true;
    void announce();
  }
});
const code = await finished(dev);
if (!stopping) process.exit(code);
