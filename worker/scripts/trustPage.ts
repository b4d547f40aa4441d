// The trust page of a LAN tracker (`/trust`, over plain http and https): download this laptop's CA
// certificate, trust it in a few plain steps per platform, then one tap to the HTTPS address.
// Static HTML with no script; every value that is not a literal of this file is escaped.

export const TRUST_PATHS = {
  page: '/trust',
  der: '/trust/meshdrop-ca.crt',
  pem: '/trust/meshdrop-ca.pem',
  css: '/trust/trust.css',
} as const;

export interface TrustPageData {
  caName: string;
  caFingerprint: string;
  /** The HTTPS address of the app on the name or address this page was opened with. */
  secureUrl: string;
  /** What the CA may vouch for, in words (its name constraints). */
  scope: string;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** A tagged template that escapes every interpolated value. */
function html(strings: TemplateStringsArray, ...values: string[]): string {
  return strings.reduce((out, s, i) => out + s + (i < values.length ? escapeHtml(values[i] ?? '') : ''), '');
}

function platform(summary: string, steps: string[]): string {
  // the steps are literals of this file, with markup; only `summary` could ever carry data
  return `<details><summary>${escapeHtml(summary)}</summary><ol>${steps.map((s) => `<li>${s}</li>`).join('')}</ol></details>`;
}

export function renderTrustPage(data: TrustPageData): string {
  const head = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Use MeshDrop over HTTPS</title>
<link rel="stylesheet" href="${TRUST_PATHS.css}">
</head>
<body>
<main>
<h1>Use MeshDrop over HTTPS</h1>
<p class="lead">HTTPS lets this device install MeshDrop, use it offline and save large files straight to disk.
The laptop running MeshDrop made its own certificate, <strong>${data.caName}</strong>. Trust it once on each device.</p>
<ol class="main-steps">
<li><a class="button" href="${TRUST_PATHS.der}" download="meshdrop-ca.crt">Download the certificate</a>
<span class="muted">(or as <a href="${TRUST_PATHS.pem}" download="meshdrop-ca.pem">.pem</a>)</span></li>
<li>Trust it: the steps for your device are below.</li>
<li><a class="button primary" href="${data.secureUrl}">Open MeshDrop securely</a></li>
</ol>
<p>Before you trust it, compare its SHA-256 fingerprint with the one the laptop's terminal shows:</p>
<p class="fingerprint"><code>${data.caFingerprint}</code></p>
`;
  const platforms = [
    platform('Android', [
      'Tap <strong>Download the certificate</strong>.',
      'Open <strong>Settings</strong>, search for <strong>CA certificate</strong> (usually Security → More security settings → Encryption &amp; credentials → Install a certificate → CA certificate), tap <strong>Install anyway</strong> and pick <code>meshdrop-ca.crt</code> from Downloads.',
      'Come back here and tap <strong>Open MeshDrop securely</strong>. In Chrome, use the menu → <strong>Install app</strong>.',
      'Firefox for Android only trusts it after Settings → About Firefox → tap the logo five times → back → Secret settings → <strong>Use third party CA certificates</strong>.',
    ]),
    platform('iPhone and iPad', [
      'Open this page in <strong>Safari</strong> and tap <strong>Download the certificate</strong>, then <strong>Allow</strong>.',
      'Open <strong>Settings</strong> → <strong>Profile Downloaded</strong> (or General → VPN &amp; Device Management), tap the MeshDrop profile and <strong>Install</strong>.',
      'Then Settings → General → About → <strong>Certificate Trust Settings</strong> and turn on full trust for the MeshDrop certificate. Without this step Safari still refuses it.',
      'Tap <strong>Open MeshDrop securely</strong>, then Share → <strong>Add to Home Screen</strong>.',
    ]),
    platform('Windows', [
      'Download the certificate and open <code>meshdrop-ca.crt</code>.',
      'Choose <strong>Install Certificate…</strong> → Current User → <strong>Place all certificates in the following store</strong> → Browse → <strong>Trusted Root Certification Authorities</strong> → Finish, and confirm.',
      'Restart the browser (Chrome and Edge use this store; for Firefox see below).',
    ]),
    platform('macOS', [
      'Download the certificate and double-click <code>meshdrop-ca.crt</code>: Keychain Access adds it to the login keychain.',
      'In Keychain Access double-click the MeshDrop certificate, open <strong>Trust</strong> and set <strong>When using this certificate</strong> to <strong>Always Trust</strong>; close the window and confirm with your password.',
      'Safari and Chrome use the keychain; for Firefox see below.',
    ]),
    platform('Linux: Chrome and Chromium', [
      'Download the certificate.',
      'Open <code>chrome://certificate-manager</code> (older versions: Settings → Privacy and security → Security → Manage certificates → Authorities), <strong>Import</strong> the file and allow it to identify websites.',
      'Or in a terminal: <code>certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n meshdrop -i meshdrop-ca.crt</code> (package libnss3-tools), then restart the browser.',
    ]),
    platform('Firefox (Windows, macOS, Linux)', [
      'Download the certificate.',
      'Settings → Privacy &amp; Security → Certificates → <strong>View Certificates…</strong> → Authorities → <strong>Import…</strong>, pick the file and tick <strong>Trust this CA to identify websites</strong>.',
    ]),
  ].join('\n');
  const tail = html`
<p class="note">This certificate can only vouch for ${data.scope}, never for a website on the internet.
Remove it when you stop using MeshDrop (the same settings screens list it). On plain http MeshDrop still shares and
downloads; only installing, offline use and saving straight to disk need HTTPS.</p>
</main>
</body>
</html>
`;
  return `${head}<h2>Steps for your device</h2>\n${platforms}\n${tail}`;
}

export const TRUST_CSS = `:root { color-scheme: light dark; --accent: #3a4bd8; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 40rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
h1 { font-size: 1.5rem; margin: 0.5rem 0; }
h2 { font-size: 1.15rem; margin-top: 2rem; }
.lead { font-size: 1.05rem; }
.main-steps li { margin: 0.75rem 0; }
.button { display: inline-block; padding: 0.6rem 1rem; border-radius: 0.5rem; border: 1px solid var(--accent);
  color: var(--accent); text-decoration: none; font-weight: 600; }
.button.primary { background: var(--accent); color: #fff; }
.muted { opacity: 0.75; font-size: 0.9rem; }
.fingerprint code { display: block; word-break: break-all; font-size: 0.85rem; padding: 0.5rem;
  background: rgba(127, 127, 127, 0.12); border-radius: 0.4rem; }
details { border: 1px solid rgba(127, 127, 127, 0.35); border-radius: 0.5rem; padding: 0.5rem 0.75rem; margin: 0.5rem 0; }
summary { cursor: pointer; font-weight: 600; }
details li { margin: 0.4rem 0; }
code { word-break: break-all; }
.note { margin-top: 2rem; font-size: 0.9rem; opacity: 0.85; }
`;
