// An HTTPS tracker with its own CA (what `npm start` makes on a LAN), on loopback: not trusted by default
// (a `tls` error that says what to do), trusted with --ca. Certificates are made with openssl for the test.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigStore } from '../src/config.ts';
import { CliError, EXIT } from '../src/errors.ts';
import { certificateProblem, trustCaFile } from '../src/tls.ts';
import { TrackerSession } from '../src/tracker.ts';

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasOpenssl)('an HTTPS tracker with its own CA', () => {
  let dir: string;
  let server: Server;
  let origin: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meshdrop-tls-'));
    const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
    ssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '1',
      '-subj',
      '/CN=test CA',
    );
    ssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'srv.key',
      '-out',
      'srv.csr',
      '-subj',
      '/CN=127.0.0.1',
    );
    writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
    ssl(
      'x509',
      '-req',
      '-in',
      'srv.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'srv.pem',
      '-days',
      '1',
      '-extfile',
      'ext.cnf',
    );
    server = createServer(
      { key: readFileSync(join(dir, 'srv.key')), cert: readFileSync(join(dir, 'srv.pem')) },
      (_, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ ok: true, time: 1 }));
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('is refused with a `tls` error until its CA is given, then answers', async () => {
    const session = new TrackerSession(origin, new ConfigStore(join(dir, 'config')));
    const refused = await session.call(() => session.api.health()).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CliError);
    expect((refused as CliError).code).toBe('tls');
    expect((refused as CliError).exitCode).toBe(EXIT.unreachable);
    expect((refused as CliError).message).toContain('--ca');

    trustCaFile(join(dir, 'ca.pem'));
    await expect(session.call(() => session.api.health())).resolves.toEqual({ ok: true, time: 1 });
  });

  it('a --ca file without a certificate is a usage error', () => {
    writeFileSync(join(dir, 'empty.pem'), 'nothing here');
    expect(() => trustCaFile(join(dir, 'empty.pem'))).toThrow(expect.objectContaining({ code: 'usage' }));
  });
});

describe('certificate problems', () => {
  it('are found in the cause chain of a failed fetch', () => {
    const error = new TypeError('fetch failed', { cause: { code: 'SELF_SIGNED_CERT_IN_CHAIN' } });
    expect(certificateProblem(error)).toBe('SELF_SIGNED_CERT_IN_CHAIN');
    expect(certificateProblem(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }))).toBeNull();
  });
});
