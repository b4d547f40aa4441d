// `npm start` end to end: comes up on free ports (HTTPS from its own CA and plain http, one tracker
// behind both), answers /api/health, keys rate limits on the real peer address, keeps data and the CA
// across a restart, wipes both with --reset --yes, and stops cleanly with no process left behind.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const stateDir = mkdtempSync(join(tmpdir(), 'meshdrop-start-'));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** Processes whose command line holds `text` (as anyone on the machine can read it). */
function commandLinesContaining(text: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'latin1').includes(text)) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Every live descendant of a process (npm -> node start.ts -> wrangler -> workerd ...). */
function descendants(pid: number): number[] {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid=']).toString().trim().split('\n');
  const children = new Map<number, number[]>();
  for (const line of table) {
    const [child, parent] = line.trim().split(/\s+/).map(Number) as [number, number];
    children.set(parent, [...(children.get(parent) ?? []), child]);
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/** Processes that still run. A zombie (exited, not yet reaped by a parent such as PID 1) does not count. */
function alive(pids: number[]): number[] {
  return pids.filter((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
    } catch {
      return false;
    }
  });
}

/** Whether anything still accepts connections on the port. */
async function listening(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

interface Ports {
  http: number;
  https: number;
}

function startServer(ports: Ports, extra: string[] = []): ChildProcess {
  // the same command a person runs, in its own process group so the test can stop all of it
  const args = ['start', '--', '--ip', '127.0.0.1', '--persist-to', stateDir, '--no-build', ...extra];
  return spawn('npm', args, {
    cwd: root,
    env: { ...process.env, PORT: String(ports.http), HTTPS_PORT: String(ports.https) },
    detached: true,
    stdio: 'ignore',
  });
}

const caPath = () => join(stateDir, 'meshdrop/tls/ca.crt');

/** GET over HTTPS trusting only the tracker's own CA (as a phone that followed the trust page). */
function httpsGet(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, headers, ca: readFileSync(caPath()), servername: 'localhost' },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const everyPid = new Set<number>();

/** Stops the server as Ctrl+C would and returns what was still alive afterwards (should be nothing). */
async function stopServer(proc: ChildProcess): Promise<number[]> {
  const tree = descendants(proc.pid!);
  for (const pid of tree) everyPid.add(pid);
  expect(tree.length).toBeGreaterThan(2); // npm, start.ts, wrangler, workerd...
  const exited = new Promise((r) => proc.once('exit', r));
  process.kill(-proc.pid!, 'SIGINT');
  await exited;
  // start.ts waits for its wrangler group to exit before it exits itself
  await new Promise((r) => setTimeout(r, 500));
  return alive(tree);
}

/**
 * A failed test's server, whole: start.ts runs wrangler in a process group of its own, which a kill of
 * the server's group does not reach (a failed run left wrangler and workerd serving for an hour).
 */
function killTree(proc: ChildProcess) {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const tree = descendants(proc.pid!);
  process.kill(-proc.pid!, 'SIGKILL');
  for (const pid of alive(tree)) process.kill(pid, 'SIGKILL');
}

afterAll(() => {
  // belt and braces for a failed run: never leave a server behind
  for (const pid of alive([...everyPid])) process.kill(pid, 'SIGKILL');
  rmSync(stateDir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('refuses --reset without a terminal to ask unless --yes is given', () => {
    const run = spawnSync(
      process.execPath,
      [join(root, 'worker/scripts/start.ts'), '--reset', '--persist-to', stateDir],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
        encoding: 'utf8',
      },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('add --yes');
    expect(run.stdout).toContain('Nothing deleted.');
  });

  it('keeps the plain-http-only tracker with --no-https: no certificate, no HTTPS port, no trust page', async () => {
    const ports = { http: await freePort(), https: await freePort() };
    const server = startServer(ports, ['--no-https', '--persist-to', `${stateDir}-plain`]);
    try {
      await waitFor(
        'health',
        async () => ((await fetch(`http://127.0.0.1:${ports.http}/api/health`)).ok ? true : undefined),
        60_000,
      );
      expect(await listening(ports.https)).toBe(false);
      const trust = await fetch(`http://127.0.0.1:${ports.http}/trust/meshdrop-ca.crt`);
      expect(trust.headers.get('content-type')).not.toBe('application/x-x509-ca-cert');
      expect(existsSync(join(`${stateDir}-plain`, 'meshdrop/tls'))).toBe(false);
      const config = (await (await fetch(`http://127.0.0.1:${ports.http}/api/config`)).json()) as {
        https: unknown;
      };
      expect(config.https).toBeNull();
      // this run's relay secret is on no process's command line (ps shows them to every user): wrangler
      // reads it from a file only this user can read, which goes when the run ends
      // (other runs on this machine may be older code: only this run's processes are asked about the name)
      const ours = new Set([server.pid!, ...descendants(server.pid!)]);
      expect(commandLinesContaining('LAN_RELAY_SECRET').filter((pid) => ours.has(pid))).toEqual([]);
      const secretFile = join(`${stateDir}-plain`, 'meshdrop/relay-secret.env');
      const secret = /^LAN_RELAY_SECRET=(\S{32,})$/m.exec(readFileSync(secretFile, 'utf8'))?.[1];
      expect(secret).toBeDefined();
      expect(statSync(secretFile).mode & 0o777).toBe(0o600);
      expect(commandLinesContaining(secret!)).toEqual([]);
      // and the tracker has it: the front's relay is admitted, a device's signaling socket opens
      const device = (await (
        await fetch(`http://127.0.0.1:${ports.http}/api/peers`, { method: 'POST' })
      ).json()) as { peerId: string; secret: string };
      const { ticket } = (await (
        await fetch(`http://127.0.0.1:${ports.http}/api/peers/me/ticket`, {
          method: 'POST',
          headers: { authorization: `Bearer ${device.secret}` },
        })
      ).json()) as { ticket: string };
      const socket = new WebSocket(
        `ws://127.0.0.1:${ports.http}/peerjs/peerjs?key=peerjs&id=${device.peerId}&token=${ticket}&version=1.5.5`,
      );
      const first = await new Promise<string>((resolve, reject) => {
        socket.onmessage = (m) => resolve(String(m.data));
        socket.onerror = () => reject(new Error('signaling socket failed'));
      });
      socket.close();
      expect(JSON.parse(first)).toEqual({ type: 'OPEN' });
      expect(await stopServer(server)).toEqual([]);
      expect(existsSync(secretFile)).toBe(false);
    } finally {
      killTree(server);
      rmSync(`${stateDir}-plain`, { recursive: true, force: true });
    }
  });

  it('serves HTTPS and http from one tracker, keys rate limits on the real address, keeps data and CA across a restart, resets with --yes', async () => {
    const ports = { http: await freePort(), https: await freePort() };
    const base = `http://127.0.0.1:${ports.http}`;
    let server = startServer(ports);
    try {
      const health = await waitFor(
        'health',
        async () => {
          const r = await fetch(`${base}/api/health`);
          return r.ok ? r.json() : undefined;
        },
        60_000,
      );
      expect(health).toMatchObject({ ok: true });
      // the CA's private key is the owner's alone
      expect(statSync(join(stateDir, 'meshdrop/tls/ca.key')).mode & 0o777).toBe(0o600);
      const ca = readFileSync(caPath(), 'utf8');
      const created = (await (await fetch(`${base}/api/peers`, { method: 'POST' })).json()) as {
        peerId: string;
        secret: string;
        name: string;
      };
      expect(created.peerId).toMatch(/^[a-z2-7]{26}$/);
      // the same tracker and state behind the HTTPS port: the device registered over http is known there
      const me = await httpsGet(ports.https, '/api/peers/me', { authorization: `Bearer ${created.secret}` });
      expect(me.status).toBe(200);
      expect(JSON.parse(me.body)).toMatchObject({ peerId: created.peerId });

      // 30 registrations a minute per client address: a made-up cf-connecting-ip per request must not
      // dodge it (the front overwrites the header with the socket's address)
      const statuses: number[] = [];
      for (let i = 0; i < 32; i++) {
        const r = await fetch(`${base}/api/peers`, {
          method: 'POST',
          headers: { 'cf-connecting-ip': `203.0.113.${i}` },
        });
        statuses.push(r.status);
      }
      expect(statuses.filter((s) => s === 201)).toHaveLength(29);
      expect(statuses.slice(29)).toEqual([429, 429, 429]);

      expect(await stopServer(server)).toEqual([]);
      expect(await listening(ports.http)).toBe(false);

      // restart on the same state: migrations re-apply idempotently, the device still exists, same CA
      server = startServer(ports);
      const again = await waitFor(
        'restart',
        async () => {
          const r = await fetch(`${base}/api/peers/me`, {
            headers: { authorization: `Bearer ${created.secret}` },
          });
          return r.ok ? r.json() : undefined;
        },
        60_000,
      );
      expect(again).toMatchObject({ peerId: created.peerId, name: created.name });
      expect(readFileSync(caPath(), 'utf8')).toBe(ca);
      expect(await stopServer(server)).toEqual([]);

      // --reset --yes: catalog, identities and certificates are gone; a new CA is made
      server = startServer(ports, ['--reset', '--yes']);
      const forgotten = await waitFor(
        'reset',
        async () => {
          const r = await fetch(`${base}/api/peers/me`, {
            headers: { authorization: `Bearer ${created.secret}` },
          });
          return r.status === 401 ? r.status : undefined;
        },
        60_000,
      );
      expect(forgotten).toBe(401);
      expect(existsSync(caPath()) && readFileSync(caPath(), 'utf8')).not.toBe(ca);
      expect(await stopServer(server)).toEqual([]);
      expect(await listening(ports.http)).toBe(false);
    } finally {
      killTree(server);
    }
  });
});
