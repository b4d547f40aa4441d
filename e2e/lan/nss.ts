// What a person does on the trust page, done the Linux way: the tracker's CA goes into the browser's own
// NSS database (Chromium reads ~/.pki/nssdb, Firefox its profile folder). Nothing else makes the HTTPS
// origin work: no flag, no ignored certificate errors.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './exec.ts';

/** An NSS database in `dir` (created empty, no password, when missing). */
export async function ensureNssDb(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, 'cert9.db')))
    await run('certutil', ['-N', '-d', `sql:${dir}`, '--empty-password']);
}

/** Trusts `ca` (a PEM file) for websites in the NSS database in `dir`. */
export async function trustCa(dir: string, ca: string): Promise<void> {
  await ensureNssDb(dir);
  await run('certutil', ['-A', '-d', `sql:${dir}`, '-n', 'meshdrop-lan-ca', '-t', 'C,,', '-i', ca]);
}
