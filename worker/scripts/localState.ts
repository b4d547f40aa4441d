// The local state of `npm start` inside its `--persist-to` folder (default .wrangler/state):
//   v3/                 wrangler's: the D1 catalog (devices, rooms, shares) and the Durable Objects' storage
//   meshdrop/tls/       the local CA and the server certificate (keys 0600)
//   meshdrop/start.log  build and wrangler output (unless --verbose)
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const meshdropDir = (stateDir: string) => join(stateDir, 'meshdrop');
export const startLogPath = (stateDir: string) => join(meshdropDir(stateDir), 'start.log');

/**
 * Deletes the catalog, the identities the tracker issued and the certificates. Only the folders we
 * know: `--persist-to` may name a folder that holds other things too.
 */
export function resetState(stateDir: string): string[] {
  const gone: string[] = [];
  for (const dir of [join(stateDir, 'v3'), meshdropDir(stateDir)]) {
    if (!existsSync(dir)) continue;
    rmSync(dir, { recursive: true, force: true });
    gone.push(dir);
  }
  return gone;
}

export function ensureStateDir(stateDir: string): void {
  mkdirSync(meshdropDir(stateDir), { recursive: true, mode: 0o700 });
}

export interface TlsPaths {
  dir: string;
  caKey: string;
  caCert: string;
  serverKey: string;
  serverCert: string;
}

/** Where the CA and the server certificate live inside a `--persist-to` folder. */
export function tlsPaths(stateDir: string): TlsPaths {
  const dir = join(meshdropDir(stateDir), 'tls');
  return {
    dir,
    caKey: join(dir, 'ca.key'),
    caCert: join(dir, 'ca.crt'),
    serverKey: join(dir, 'server.key'),
    serverCert: join(dir, 'server.crt'),
  };
}
