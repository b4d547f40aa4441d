// The command line as scripts see it: exit codes, stable error codes, and where output goes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ERROR_CODES } from '../../worker/protocol/errors.ts';
import { CliError, EXIT, exitCodeFor, wordsFor } from '../src/errors.ts';
import { main } from '../src/main.ts';

let dir: string;
let stderr: string;
let stdout: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'meshdrop-cli-'));
  stderr = '';
  stdout = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    stderr += String(s);
    return true;
  });
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    stdout += String(s);
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

const run = (...args: string[]) => main(['node', 'meshdrop', '--config', join(dir, 'config'), ...args]);
// nothing listens on the discard port of loopback: a tracker that cannot be reached, without a network
const DOWN = 'http://127.0.0.1:9/r/abcdefghijklmnopqrstuvwxyz';

describe('exit codes', () => {
  it('--help and --version succeed', async () => {
    expect(await run('--help')).toBe(EXIT.ok);
    expect(stdout).toContain('meshdrop get');
    expect(await run('get', '--help')).toBe(EXIT.ok);
    expect(stdout).toContain('Examples:');
    expect(await run('--version')).toBe(EXIT.ok);
  });

  it('usage errors are 2, in the subcommands too', async () => {
    expect(await run('bogus')).toBe(EXIT.usage);
    expect(await run('ls')).toBe(EXIT.usage);
    expect(await run('get', DOWN, 'x', '--wait', 'soon')).toBe(EXIT.usage);
    expect(await run('share', 'a')).toBe(EXIT.usage); // --room is required
    expect(await run('ls', 'not a link')).toBe(EXIT.usage);
    expect(stderr).toContain('[bad_link]');
  });

  it('a tracker out of reach is 3, with its stable code', async () => {
    expect(await run('ls', DOWN)).toBe(EXIT.unreachable);
    expect(stderr).toMatch(/Can’t reach the tracker.*\[offline\]/);
  });

  it('--json puts the error on stdout as { error: { code, message } }', async () => {
    expect(await run('--json', 'ls', DOWN)).toBe(EXIT.unreachable);
    expect(JSON.parse(stdout)).toMatchObject({ error: { code: 'offline', message: wordsFor('offline') } });
  });

  it('maps every API code to an exit code and words', () => {
    for (const code of ERROR_CODES) {
      expect(exitCodeFor(code), code).not.toBe(EXIT.ok);
      if (code !== 'internal') expect(wordsFor(code), code).not.toBe(wordsFor('internal'));
    }
    expect(new CliError('not_member').exitCode).toBe(EXIT.refused);
    expect(new CliError('no_source').exitCode).toBe(EXIT.transfer);
    expect(new CliError('verification_failed').exitCode).toBe(EXIT.verification);
    expect(new CliError('file_exists').exitCode).toBe(EXIT.local);
    expect(new CliError('device_busy').exitCode).toBe(EXIT.busy);
    expect(new CliError('interrupted').exitCode).toBe(130);
  });
});
