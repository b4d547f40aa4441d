// `npm start` end to end: comes up on a free port, answers /api/health, keeps data across a restart,
// and stops cleanly with no process left behind.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

function startServer(port: number): ChildProcess {
  // the same command a person runs, in its own process group so the test can stop all of it
  return spawn('npm', ['start', '--', '--ip', '127.0.0.1', '--persist-to', stateDir, '--no-build'], {
    cwd: root,
    env: { ...process.env, PORT: String(port) },
    detached: true,
    stdio: 'ignore',
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

afterAll(() => {
  // belt and braces for a failed run: never leave a server behind
  for (const pid of alive([...everyPid])) process.kill(pid, 'SIGKILL');
  rmSync(stateDir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('serves the API on the port it is given, keeps data across a restart, and stops cleanly', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    let server = startServer(port);
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
      const created = (await (await fetch(`${base}/api/peers`, { method: 'POST' })).json()) as {
        peerId: string;
        secret: string;
        name: string;
      };
      expect(created.peerId).toMatch(/^[a-z2-7]{26}$/);

      expect(await stopServer(server)).toEqual([]);
      expect(await listening(port)).toBe(false);

      // restart on the same state: migrations re-apply idempotently and the device still exists
      server = startServer(port);
      const me = await waitFor(
        'restart',
        async () => {
          const r = await fetch(`${base}/api/peers/me`, {
            headers: { authorization: `Bearer ${created.secret}` },
          });
          return r.ok ? r.json() : undefined;
        },
        60_000,
      );
      expect(me).toMatchObject({ peerId: created.peerId, name: created.name });
      expect(await stopServer(server)).toEqual([]);
      expect(await listening(port)).toBe(false);
    } finally {
      if (server.exitCode === null && server.signalCode === null) process.kill(-server.pid!, 'SIGKILL');
    }
  });
});
