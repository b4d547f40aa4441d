// HTTPS on the LAN, the way a phone gets it: the tracker (npm start) serves HTTPS with a certificate
// from its own CA. A device that trusts that CA (its NSS database holds it, as after the trust page)
// gets the full app: an active service worker, OPFS, crypto.subtle, an installable manifest, and no
// security-policy complaint. The same browser without the CA gets a certificate error, so it is the
// CA, not a flag, that makes it work (no --unsafely-treat-insecure-origin-as-secure anywhere here).
// The trust page over plain http serves the CA certificate, never a key, with our security headers.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Device, Lan } from '../lan/index.ts';
import { checkPrerequisites, createLan } from '../lan/index.ts';
import { ensureBuilt } from './build.ts';

const skip = checkPrerequisites();

interface Fetched {
  status: number;
  headers: Record<string, string>;
  base64: string;
}

/** A GET from inside the page (the driver cannot reach the LAN), bytes as base64. */
function fetchFrom(page: Page, url: string): Promise<Fetched> {
  return page.evaluate(async (u) => {
    const res = await fetch(u, { cache: 'no-store' });
    const bytes = new Uint8Array(await res.arrayBuffer());
    let text = '';
    for (const b of bytes) text += String.fromCharCode(b);
    return { status: res.status, headers: Object.fromEntries(res.headers), base64: btoa(text) };
  }, url);
}

describe.skipIf(skip)('HTTPS from the tracker’s own CA', () => {
  let lan: Lan;
  let phone: Device;
  let stranger: Device;
  const policyComplaints: string[] = [];

  beforeAll(async () => {
    ensureBuilt();
    lan = await createLan();
    await lan.startTracker({ secure: true });
    phone = await lan.startDevice('phone', { path: null });
    phone.page.on('console', (msg) => {
      if (/Content.Security.Policy|Permissions-Policy|Refused to/i.test(msg.text()))
        policyComplaints.push(msg.text());
    });
    await phone.goto('/');
  });

  afterAll(async () => {
    await lan?.close();
  });

  it('gives a device that trusts the CA the full app: service worker, OPFS, crypto.subtle, install', async () => {
    const page = phone.page;
    expect(page.url()).toBe(`${lan.trackerSecureOrigin}/`);
    await page.getByRole('button', { name: 'Create a room' }).waitFor();
    const features = await page.evaluate(async () => {
      const active = (await navigator.serviceWorker.ready).active!;
      if (active.state !== 'activated') {
        await new Promise((done) =>
          active.addEventListener('statechange', () => active.state === 'activated' && done(0)),
        );
      }
      const dir = await navigator.storage.getDirectory();
      const file = await dir.getFileHandle('https-probe', { create: true });
      const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode('probe'));
      return {
        secure: isSecureContext,
        protocol: location.protocol,
        worker: active.state,
        opfs: file.kind,
        subtle: digest.byteLength,
        locks: 'locks' in navigator,
      };
    });
    expect(features).toEqual({
      secure: true,
      protocol: 'https:',
      worker: 'activated',
      opfs: 'file',
      subtle: 32,
      locks: true,
    });
    // what Chromium checks before it offers "Install app"
    const cdp = await phone.context.newCDPSession(page);
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as {
      installabilityErrors: { errorId: string }[];
    };
    expect(installabilityErrors).toEqual([]);
    await cdp.detach();
    // the CSP allows everything the app needs: it loaded, registered its worker and hashed with no complaint
    expect(policyComplaints).toEqual([]);
    // and it is there on the shell and the files from the asset store, with the WebSocket origin spelled out
    for (const path of ['/', '/manifest.webmanifest', '/icons/icon-192.png', '/sw.js']) {
      const res = await fetchFrom(page, path);
      expect(res.status).toBe(200);
      expect(res.headers['content-security-policy']).toContain(
        `connect-src 'self' wss://${lan.trackerIp}:8443`,
      );
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
  });

  it('shows a browser without the CA a certificate error, on the very same address', async () => {
    stranger = await lan.startDevice('stranger', { secure: true, trustCa: false, path: null });
    await expect(stranger.page.goto(stranger.url('/'))).rejects.toThrow(/ERR_CERT_AUTHORITY_INVALID/);
  });

  it('serves the trust page over plain http: the CA certificate with the right type, no key', async () => {
    // the stranger's first step: plain http, the trust page (in a new tab: the old one shows the error)
    const page = await stranger.context.newPage();
    await page.goto(`${lan.trackerOrigin}/trust`);
    await page.getByRole('heading', { name: 'Use MeshDrop over HTTPS' }).waitFor();

    const caPem = readFileSync(lan.tracker.caPath, 'utf8');
    const caDer = Buffer.from(caPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const fingerprint = createHash('sha256')
      .update(caDer)
      .digest('hex')
      .toUpperCase()
      .match(/../g)!
      .join(':');
    await expect(page.getByText(fingerprint).count()).resolves.toBe(1);

    const der = await fetchFrom(page, '/trust/meshdrop-ca.crt');
    expect(der.status).toBe(200);
    expect(der.headers['content-type']).toBe('application/x-x509-ca-cert');
    expect(Buffer.from(der.base64, 'base64').equals(caDer)).toBe(true);
    const pem = await fetchFrom(page, '/trust/meshdrop-ca.pem');
    expect(pem.headers['content-type']).toBe('application/x-pem-file');
    expect(Buffer.from(pem.base64, 'base64').toString('utf8')).toBe(caPem);
    const html = await fetchFrom(page, '/trust');
    for (const served of [der, pem, html]) {
      expect(Buffer.from(served.base64, 'base64').toString('latin1')).not.toContain('PRIVATE KEY');
      expect(served.headers['x-content-type-options']).toBe('nosniff');
      expect(served.headers['content-security-policy']).toContain("default-src 'none'");
      expect(served.headers['referrer-policy']).toBe('no-referrer');
    }
    // no script on the page at all
    await expect(page.locator('script').count()).resolves.toBe(0);
    // one tap to the HTTPS address of the name it was opened with
    const open = page.getByRole('link', { name: 'Open MeshDrop securely' });
    await expect(open.getAttribute('href')).resolves.toBe(`${lan.trackerSecureOrigin}/`);
  });

  it('takes a device that trusts the CA from the trust page to the app in one tap', async () => {
    await phone.page.goto(`${lan.trackerOrigin}/trust`);
    await phone.page.getByRole('link', { name: 'Open MeshDrop securely' }).click();
    await phone.page.waitForURL(`${lan.trackerSecureOrigin}/`);
    await phone.page.getByRole('button', { name: 'Create a room' }).waitFor();
  });
});
