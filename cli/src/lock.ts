// One process at a time speaks for a device: the tracker gives a device's signaling connection to its
// newest socket, so a `get` started next to a running `share` of the same device would take it over (and
// the two would take it from each other in turns). A lock file per device says who holds it; a lock left
// by a process that is gone is taken over.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir } from './config.ts';
import { CliError } from './errors.ts';

export class DeviceLock {
  private readonly path: string;
  private released = false;

  private constructor(path: string) {
    this.path = path;
  }

  static acquire(configDir: string, peerId: string, command: string): DeviceLock {
    ensurePrivateDir(configDir);
    const path = join(configDir, `${peerId}.lock`);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = openSync(path, 'wx', 0o600);
        writeSync(fd, JSON.stringify({ pid: process.pid, command }));
        closeSync(fd);
        return new DeviceLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readHolder(path);
      if (holder && isAlive(holder.pid))
        throw new CliError(
          'device_busy',
          `\`meshdrop ${holder.command}\` (pid ${holder.pid}) holds it; stop it, or give this one its own ` +
            'identity with MESHDROP_CONFIG_DIR',
        );
      try {
        unlinkSync(path); // left by a process that is gone
      } catch {
        // someone else removed it first
      }
    }
    throw new CliError('device_busy', `could not take ${path}`);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    try {
      const holder = readHolder(this.path);
      if (holder?.pid === process.pid) unlinkSync(this.path);
    } catch {
      // already gone
    }
  }
}

function readHolder(path: string): { pid: number; command: string } | null {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as { pid?: unknown; command?: unknown };
    return typeof value.pid === 'number' ? { pid: value.pid, command: String(value.command ?? '') } : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
