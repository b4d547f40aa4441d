// The two servers the load bench compares, each started as its own process group on loopback and killed
// (the whole group) at the end: our tracker exactly as `npm start` runs it (rate limits lifted with the
// contract switch, a fresh D1 in a temporary folder), and the reference PeerJS server (npm `peer`).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NODE = join(ROOT, 'node_modules/.bin/node');

export interface Server {
  /** http://127.0.0.1:port */
  origin: string;
  /** The signaling socket URL for one id and token. */
  socketUrl(id: string, token: string): string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function startGroup(args: string[], env: NodeJS.ProcessEnv, ready: RegExp, what: string) {
  const child = spawn(NODE, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const started = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${what} did not start in time:\n${log.slice(-3000)}`)),
      120_000,
    );
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.length > 200_000) log = log.slice(-100_000);
      if (ready.test(log)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}) before it was ready:\n${log.slice(-3000)}`));
    });
  });
  return { child, started, log: () => log };
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (!child.pid || child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {}
  }, 8000);
  await exited;
  clearTimeout(timer);
  // workerd children that outlive their parent are part of the group too
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {}
}

/**
 * Our tracker: `MESHDROP_RATE_LIMITS=off npm start` on a fresh state folder (the PWA build is not needed),
 * HTTPS on as `npm start` has it; the load goes to its plain-http port, through the same Node front.
 */
export async function startTracker(
  options: { stateDir?: string } = {},
): Promise<Server & { logTail(): string; stateDir: string; halt(): Promise<void> }> {
  const [port, httpsPort] = [await freePort(), await freePort()];
  // a given state folder is kept on stop (the caller owns it); a fresh one is removed
  const state = options.stateDir ?? mkdtempSync(join(tmpdir(), 'meshdrop-load-'));
  const { child, started, log } = startGroup(
    [
      'worker/scripts/start.ts',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--https-port',
      String(httpsPort),
      '--persist-to',
      state,
      '--no-build',
    ],
    { ...process.env, MESHDROP_RATE_LIMITS: 'off', NODE_ENV: 'production' },
    /MeshDrop is running/,
    'the tracker',
  );
  await started;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    socketUrl: (id, token) =>
      `ws://127.0.0.1:${port}/peerjs/peerjs?key=peerjs&id=${id}&token=${token}&version=1.5.5`,
    logTail: () => log().slice(-4000),
    stateDir: state,
    /** Stops the tracker and keeps its state, to start it again on the same catalog. */
    halt: () => stopGroup(child),
    stop: async () => {
      await stopGroup(child);
      rmSync(state, { recursive: true, force: true });
    },
  };
}

/** The reference PeerJS server (npm `peer`) at its defaults, path `/`. */
export async function startReference(): Promise<Server> {
  const port = await freePort();
  const { child, started } = startGroup(
    [fileURLToPath(new URL('./referenceServer.ts', import.meta.url)), String(port)],
    process.env,
    /listening/,
    'the reference PeerJS server',
  );
  await started;
  return {
    origin: `http://127.0.0.1:${port}`,
    socketUrl: (id, token) =>
      `ws://127.0.0.1:${port}/peerjs?key=peerjs&id=${id}&token=${token}&version=1.5.5`,
    stop: () => stopGroup(child),
  };
}
