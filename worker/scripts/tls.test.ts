// The local CA of `npm start`: made once, keys owner-only, a server certificate phones accept
// (serverAuth, SANs, at most 398 days), re-issued from the same CA when the names change, and name
// constraints that a real TLS stack (Node's OpenSSL) enforces: the CA cannot vouch for a public address.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { serverNames } from './addresses.ts';
import { tlsPaths } from './localState.ts';
import { ensureTls, type TlsMaterial, type WantedNames } from './tls.ts';

const dirs: string[] = [];
const stateDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'meshdrop-tls-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A TLS handshake with a server using `tls`, trusting only its CA; answers 'ok' or the error. */
async function handshake(tls: TlsMaterial, servername: string): Promise<string> {
  const server = createServer({ key: tls.serverKeyPem, cert: tls.serverCertPem }, (_q, r) => r.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise<string>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port, ca: tls.caCertPem, servername }, () => {
        socket.end();
        resolve('ok');
      });
      socket.on('error', (e: NodeJS.ErrnoException) => resolve(`${e.code}: ${e.message}`));
    });
  } finally {
    server.close();
  }
}

describe('the local CA', () => {
  const names: WantedNames = serverNames(['192.168.1.20', '203.0.113.5'], 'laptop');

  it('leaves public addresses out of the server certificate', () => {
    expect(names).toEqual({
      dns: ['localhost', 'laptop', 'laptop.local'],
      ips: ['127.0.0.1', '::1', '192.168.1.20'],
      uncovered: ['203.0.113.5'],
    });
  });

  it('makes a CA and a server certificate once, keys readable by the owner only', async () => {
    const dir = stateDir();
    const first = await ensureTls(dir, names, 'laptop');
    expect(first.created).toEqual({ ca: true, server: true });
    const paths = tlsPaths(dir);
    expect(statSync(paths.dir).mode & 0o777).toBe(0o700);
    expect(statSync(paths.caKey).mode & 0o777).toBe(0o600);
    expect(statSync(paths.serverKey).mode & 0o777).toBe(0o600);
    expect(first.caCertPem).not.toContain('PRIVATE KEY');

    const ca = new X509Certificate(first.caCertPem);
    expect(ca.ca).toBe(true);
    const server = new X509Certificate(first.serverCertPem);
    expect(server.ca).toBe(false);
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // serverAuth
    expect(server.subjectAltName).toBe(
      'DNS:localhost, DNS:laptop, DNS:laptop.local, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, IP Address:192.168.1.20',
    );
    const days = (Date.parse(server.validTo) - Date.parse(server.validFrom)) / 86_400_000;
    expect(days).toBeLessThanOrEqual(398);
    expect(first.caFingerprint).toBe(ca.fingerprint256);

    const again = await ensureTls(dir, names, 'laptop');
    expect(again.created).toEqual({ ca: false, server: false });
    expect(again.serverCertPem).toBe(first.serverCertPem);
  });

  it('re-issues the server certificate from the same CA when the addresses change', async () => {
    const dir = stateDir();
    const before = await ensureTls(dir, names, 'laptop');
    const moved = await ensureTls(dir, serverNames(['10.0.0.7'], 'laptop'), 'laptop');
    expect(moved.created).toEqual({ ca: false, server: true });
    expect(moved.caFingerprint).toBe(before.caFingerprint);
    expect(new X509Certificate(moved.serverCertPem).subjectAltName).toContain('IP Address:10.0.0.7');
    // a phone that trusted the CA accepts the new certificate
    expect(await handshake(moved, 'localhost')).toBe('ok');
  });

  it('re-issues a server certificate close to its end', async () => {
    const dir = stateDir();
    const now = new Date();
    await ensureTls(dir, names, 'laptop', now);
    const later = new Date(now.getTime() + 340 * 86_400_000);
    expect((await ensureTls(dir, names, 'laptop', later)).created).toEqual({ ca: false, server: true });
  });

  it('cannot vouch for a public address: OpenSSL enforces the name constraints', async () => {
    const dir = stateDir();
    await ensureTls(dir, names, 'laptop');
    expect(await handshake(await ensureTls(dir, names, 'laptop'), 'localhost')).toBe('ok');
    // a certificate from this CA that names an internet address (made here on purpose) is refused
    const rogue = await ensureTls(dir, { dns: ['localhost'], ips: ['127.0.0.1', '8.8.8.8'] }, 'laptop');
    expect(await handshake(rogue, 'localhost')).toMatch(/permitted subtree violation/);
    const bank = await ensureTls(
      dir,
      { dns: ['localhost', 'bank.example.com'], ips: ['127.0.0.1'] },
      'laptop',
    );
    expect(await handshake(bank, 'localhost')).toMatch(/permitted subtree violation/);
  });
});
