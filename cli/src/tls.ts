// Trusting a tracker that serves HTTPS with its own certificate authority (`npm start` on a LAN): the CA
// comes from `--ca <file>` or from Node's own NODE_EXTRA_CA_CERTS, and is added to the certificates this
// process trusts (fetch and WebSockets alike). Certificate checks are never turned off; a tracker whose
// certificate is not trusted is the `tls` error, with the fix in plain words.
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { CliError } from './errors.ts';

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Adds the certificates in a PEM file to the ones this process trusts. */
export function trustCaFile(path: string): void {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError('unreadable', `--ca ${path}: ${(error as Error).message}`);
  }
  const certs = pem.match(PEM_CERT);
  if (!certs) throw new CliError('usage', `--ca ${path} holds no PEM certificate`);
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), ...certs]);
}

/** Node's error codes for a certificate chain it does not trust (or that does not fit the host). */
const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The certificate problem behind a failed fetch, if that is what it was. */
export function certificateProblem(error: unknown): string | null {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNTRUSTED.has(code)) return code;
  }
  return null;
}

/** Says so when certificate checks were turned off for this whole process by the environment. */
export function warnIfChecksDisabled(env: NodeJS.ProcessEnv, warn: (line: string) => void): void {
  if (env.NODE_TLS_REJECT_UNAUTHORIZED === '0')
    warn(
      'warning: NODE_TLS_REJECT_UNAUTHORIZED=0 turns off certificate checks for this process. ' +
        'Prefer --ca <file> with the tracker’s CA.',
    );
}
