// The local certificate authority of `npm start` and the server certificate it signs.
//
// The CA is created once per state folder and kept: phones that trusted it keep working. The server
// certificate is re-issued from that CA whenever the machine's names change, it nears its end, or it was
// not signed by the current CA. Private keys are written owner-only (0600, folder 0700) and never leave
// this module except to the HTTPS server.
//
// Choices (see README "HTTPS on the LAN"):
// - ECDSA P-256 keys, SHA-256 signatures: accepted by Android, iOS, Windows, macOS and Linux browsers.
// - Server certificate: 365 days (Apple's limit for TLS server certificates is 398), serverAuth EKU,
//   digitalSignature key usage, every name in subjectAltName (browsers ignore the CN).
// - CA: 10 years, basicConstraints CA:true pathlen 0 and keyCertSign/cRLSign, both critical.
// - Name constraints on the CA: it may only vouch for private/loopback addresses, `localhost`, `.local`
//   names and this machine's name, so its key is worthless against any internet site. Marked
//   non-critical on purpose: a client that does not understand the extension still accepts the CA
//   (RFC 5280 asks for critical, but an old phone rejecting the CA outright is the worse failure), and
//   every client that understands it (Chromium, Firefox, OpenSSL, Android, Windows, Apple) enforces it.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

import { AsnConvert } from '@peculiar/asn1-schema';
import {
  GeneralName,
  GeneralSubtree,
  GeneralSubtrees,
  id_ce_nameConstraints,
  NameConstraints,
} from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import { PERMITTED_IP_RANGES, permittedDnsNames } from './addresses.ts';
import { type TlsPaths, tlsPaths } from './localState.ts';

x509.cryptoProvider.set(webcrypto as never);

const DAY_MS = 24 * 60 * 60 * 1000;
const CA_DAYS = 3650;
const SERVER_DAYS = 365;
/** A server certificate this close to its end is replaced at the next start. */
const RENEW_DAYS = 30;
/** Phones with a slightly wrong clock must not see a certificate from the future. */
const BACKDATE_MS = 60 * 60 * 1000;
const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

// x509 is typed against the global (DOM or Node) CryptoKey; Node's webcrypto keys are the same objects
type KeyPair = Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'];
type CryptoKey = KeyPair['privateKey'];
const generateKeys = async () =>
  (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as unknown as KeyPair;

export interface TlsMaterial {
  caCertPem: string;
  caCertDer: Uint8Array;
  /** SHA-256 of the CA certificate, as browsers and phones show it: `AB:CD:…`. */
  caFingerprint: string;
  caName: string;
  serverKeyPem: string;
  serverCertPem: string;
  /** SHA-256 of the server certificate's SubjectPublicKeyInfo, base64 (Chromium's SPKI pin format). */
  serverSpkiSha256: string;
  /** What happened at this start: a new CA means every phone must trust it (again). */
  created: { ca: boolean; server: boolean };
}

export interface WantedNames {
  dns: string[];
  ips: string[];
}

/** Loads the CA and a current server certificate for `names`, creating or re-issuing what is missing. */
export async function ensureTls(
  stateDir: string,
  names: WantedNames,
  host: string | null,
  now = new Date(),
): Promise<TlsMaterial> {
  const paths = tlsPaths(stateDir);
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  chmodSync(paths.dir, 0o700);

  let ca = await loadCa(paths);
  const createdCa = ca === null;
  if (!ca) ca = await createCa(paths, host, now);

  let server = createdCa ? null : await loadServer(paths, ca.cert, names, now);
  const createdServer = server === null;
  if (!server) server = await createServer(paths, ca, names, now);

  const der = new Uint8Array(ca.cert.rawData);
  return {
    caCertPem: ca.cert.toString('pem'),
    caCertDer: der,
    caFingerprint: colonHex(await webcrypto.subtle.digest('SHA-256', der)),
    caName: ca.cert.subjectName.getField('CN')[0] ?? 'MeshDrop local CA',
    serverKeyPem: server.keyPem,
    serverCertPem: server.cert.toString('pem'),
    serverSpkiSha256: Buffer.from(
      await webcrypto.subtle.digest('SHA-256', server.cert.publicKey.rawData),
    ).toString('base64'),
    created: { ca: createdCa, server: createdServer },
  };
}

/** Deletes the CA and the server certificate (npm start -- --reset). */
export function removeTls(stateDir: string): void {
  rmSync(tlsPaths(stateDir).dir, { recursive: true, force: true });
}

interface Ca {
  key: CryptoKey;
  cert: x509.X509Certificate;
}

async function loadCa(paths: TlsPaths): Promise<Ca | null> {
  if (!existsSync(paths.caKey) || !existsSync(paths.caCert)) return null;
  try {
    chmodSync(paths.caKey, 0o600);
    const key = await importKey(readFileSync(paths.caKey, 'utf8'));
    const cert = new x509.X509Certificate(readFileSync(paths.caCert, 'utf8'));
    return { key, cert };
  } catch {
    // unreadable files: a new CA is better than refusing to start; the terminal says it is new
    return null;
  }
}

async function createCa(paths: TlsPaths, host: string | null, now: Date): Promise<Ca> {
  const keys = await generateKeys();
  const stamp = now.toISOString().slice(0, 10);
  const name = `CN=MeshDrop local CA${host ? ` on ${host}` : ''} ${stamp}, O=MeshDrop`;
  const subtrees = new GeneralSubtrees([
    ...permittedDnsNames(host).map((d) => new GeneralSubtree({ base: new GeneralName({ dNSName: d }) })),
    ...PERMITTED_IP_RANGES.map((r) => new GeneralSubtree({ base: new GeneralName({ iPAddress: r }) })),
  ]);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + CA_DAYS * DAY_MS),
    signingAlgorithm: ALG,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      new x509.Extension(
        id_ce_nameConstraints,
        false,
        AsnConvert.serialize(new NameConstraints({ permittedSubtrees: subtrees })),
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  writePrivate(paths.caKey, await exportKey(keys.privateKey));
  writePublic(paths.caCert, cert.toString('pem'));
  // a new CA invalidates the old server certificate
  rmSync(paths.serverCert, { force: true });
  return { key: keys.privateKey, cert };
}

interface Server {
  keyPem: string;
  cert: x509.X509Certificate;
}

async function loadServer(
  paths: TlsPaths,
  caCert: x509.X509Certificate,
  names: WantedNames,
  now: Date,
): Promise<Server | null> {
  if (!existsSync(paths.serverKey) || !existsSync(paths.serverCert)) return null;
  try {
    chmodSync(paths.serverKey, 0o600);
    const keyPem = readFileSync(paths.serverKey, 'utf8');
    const cert = new x509.X509Certificate(readFileSync(paths.serverCert, 'utf8'));
    const signedByCa = await cert.verify({ publicKey: caCert, signatureOnly: true });
    const fresh = cert.notAfter.getTime() - now.getTime() > RENEW_DAYS * DAY_MS;
    return signedByCa && fresh && sameNames(namesOf(cert), names) ? { keyPem, cert } : null;
  } catch {
    return null;
  }
}

async function createServer(paths: TlsPaths, ca: Ca, names: WantedNames, now: Date): Promise<Server> {
  const keys = await generateKeys();
  const first = names.dns[0] ?? names.ips[0] ?? 'localhost';
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: `CN=${first}, O=MeshDrop`,
    issuer: ca.cert.subject,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + SERVER_DAYS * DAY_MS),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey,
    signingKey: ca.key,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension(
        [
          ...names.dns.map((value) => ({ type: 'dns' as const, value })),
          ...names.ips.map((value) => ({ type: 'ip' as const, value })),
        ],
        false,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
    ],
  });
  const keyPem = await exportKey(keys.privateKey);
  writePrivate(paths.serverKey, keyPem);
  writePublic(paths.serverCert, cert.toString('pem'));
  return { keyPem, cert };
}

/** The DNS names and IP addresses in a certificate's subjectAltName. */
export function namesOf(cert: x509.X509Certificate): WantedNames {
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const all = san?.names.toJSON() ?? [];
  return {
    dns: all.filter((n) => n.type === 'dns').map((n) => n.value),
    ips: all.filter((n) => n.type === 'ip').map((n) => n.value),
  };
}

function sameNames(a: WantedNames, b: WantedNames): boolean {
  const key = (n: WantedNames) => JSON.stringify([[...n.dns].sort(), [...n.ips].sort()]);
  return key(a) === key(b);
}

async function importKey(pem: string): Promise<CryptoKey> {
  const key = await webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(pem), ALG, false, [
    'sign',
  ]);
  return key as unknown as CryptoKey;
}

async function exportKey(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key as unknown as webcrypto.CryptoKey);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

/** 16 random bytes, top bit clear so the DER integer stays positive. */
function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString('hex');
}

function colonHex(buf: ArrayBuffer): string {
  return [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

/** Owner-only from the first byte: written to a 0600 temp file, then renamed into place. */
function writePrivate(path: string, text: string): void {
  const tmp = `${path}.tmp`;
  rmSync(tmp, { force: true });
  writeFileSync(tmp, text, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

function writePublic(path: string, text: string): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, text, { mode: 0o644 });
  renameSync(tmp, path);
}
