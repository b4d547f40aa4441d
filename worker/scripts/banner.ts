// What `npm start` prints once the tracker answers: short, with QR codes a phone can scan from the
// laptop's screen. Everything noisy (build, wrangler) went to the log file instead.
import QRCode from 'qrcode';

export interface BannerInfo {
  /** The address phones open: https on a LAN address, or plain http with --no-https. */
  lanUrl: string | null;
  /** The trust page (plain http), or null without HTTPS. */
  trustUrl: string | null;
  /** This computer. */
  localUrl: string;
  /** Plain-http LAN address, shown in words when the main address is https. */
  plainUrl: string | null;
  caFingerprint: string | null;
  /** True when the CA was created at this start: every device must trust it (again). */
  newCa: boolean;
  /** LAN addresses the certificate does not cover (not private): plain http only there. */
  uncovered: string[];
  logPath: string | null;
  rateLimitsOff: boolean;
  lobby: boolean;
}

/** A QR code as terminal lines: half blocks, black on white whatever the terminal's colours. */
export async function qrLines(text: string): Promise<string[]> {
  const art = await QRCode.toString(text, { type: 'terminal', small: true, errorCorrectionLevel: 'L' });
  return art.split('\n').filter((line) => line.length > 0);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes are what we strip
const ANSI = /\x1b\[[0-9;]*m/g;
export const visibleWidth = (line: string) => line.replace(ANSI, '').length;

function pad(line: string, width: number): string {
  return line + ' '.repeat(Math.max(0, width - visibleWidth(line)));
}

/** Two captioned blocks next to each other when the terminal is wide enough, else one under the other. */
function columns(left: string[], right: string[], width: number): string[] {
  const leftWidth = Math.max(...left.map(visibleWidth)) + 4;
  const rightWidth = Math.max(...right.map(visibleWidth));
  if (leftWidth + rightWidth > width) return [...left, '', ...right];
  const rows = Math.max(left.length, right.length);
  return Array.from({ length: rows }, (_, i) =>
    `${pad(left[i] ?? '', leftWidth)}${right[i] ?? ''}`.trimEnd(),
  );
}

export async function renderBanner(info: BannerInfo, width = 100): Promise<string> {
  const out: string[] = ['', 'MeshDrop is running.', ''];
  if (info.lanUrl) {
    const main = ['On phones and computers on this network:', info.lanUrl, ...(await qrLines(info.lanUrl))];
    const trust = info.trustUrl
      ? ['First time on a device? Trust this laptop:', info.trustUrl, ...(await qrLines(info.trustUrl))]
      : [];
    out.push(...(trust.length ? columns(main, trust, width) : main).map((l) => `  ${l}`), '');
  } else {
    out.push('  No network address found: only this computer can open MeshDrop.', '');
  }
  out.push(`  This computer: ${info.localUrl}`);
  if (info.plainUrl) out.push(`  Without HTTPS (no install, no offline use): ${info.plainUrl}`);
  if (info.caFingerprint) {
    out.push(`  Certificate fingerprint (SHA-256): ${info.caFingerprint}`);
    if (info.newCa) out.push('  This is a new certificate: trust it on each device (open the trust page).');
  }
  if (info.uncovered.length)
    out.push(
      `  Not covered by the certificate (not a private address): ${info.uncovered.join(', ')}; plain http there.`,
    );
  if (info.lobby) out.push('  Lobby: on. Everyone who opens the address sees what this network shares.');
  if (info.rateLimitsOff)
    out.push(
      '  WARNING: rate limits are OFF (MESHDROP_RATE_LIMITS=off). Use this only for local load tests.',
    );
  out.push(`  ${info.logPath ? `Log: ${info.logPath} · ` : ''}Stop with Ctrl+C.`, '');
  return out.join('\n');
}
