// The config folder: this computer's device identity on each tracker (its secret included) and the rooms
// it joined. Owner-only: the folder is 0700 and every file 0600, written whole through a temporary file
// and a rename so a crash never leaves half a file. Read back through a schema: a file edited by hand
// into something else is an error with its path, not a crash.
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { ID_PATTERN, SECRET_PATTERN } from '../../worker/protocol/ids.ts';
import { CliError } from './errors.ts';

const device = z.object({
  peerId: z.string().regex(ID_PATTERN),
  secret: z.string().regex(SECRET_PATTERN),
  name: z.string(),
});
export type DeviceIdentity = z.infer<typeof device>;

const room = z.object({
  origin: z.string(),
  roomId: z.string().regex(ID_PATTERN),
  /** the link as it was given (it may carry more than the id) */
  link: z.string(),
  joinedAt: z.number(),
});
export type JoinedRoom = z.infer<typeof room>;

const configFile = z.object({
  version: z.literal(1),
  /** by tracker origin */
  devices: z.record(z.string(), device),
  rooms: z.array(room),
});
export type ConfigData = z.infer<typeof configFile>;

const EMPTY: ConfigData = { version: 1, devices: {}, rooms: [] };

/** `$MESHDROP_CONFIG_DIR`, else the platform's per-user config folder + `meshdrop`. */
export function defaultConfigDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.MESHDROP_CONFIG_DIR) return env.MESHDROP_CONFIG_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'meshdrop');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'meshdrop');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'meshdrop');
}

/** `$MESHDROP_CACHE_DIR`, else the platform's per-user cache folder + `meshdrop` (hashes of shared files). */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.MESHDROP_CACHE_DIR) return env.MESHDROP_CACHE_DIR;
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'meshdrop');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'meshdrop');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'meshdrop');
}

/** Creates `dir` (and parents) owner-only, and narrows it to 0700 if it already existed wider. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32' && (statSync(dir).mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

/** Writes a whole file owner-only: temporary file (0600), then rename over the old one. */
export function writePrivateFile(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text, { mode: 0o600, flag: 'w' });
    if (process.platform !== 'win32') chmodSync(tmp, 0o600);
    renameSync(tmp, path);
  } catch (error) {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing to clean up
    }
    throw error;
  }
}

export class ConfigStore {
  readonly dir: string;
  readonly path: string;

  constructor(dir: string) {
    this.dir = dir;
    this.path = join(dir, 'config.json');
  }

  read(): ConfigData {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return structuredClone(EMPTY);
      throw new CliError('unreadable', `${this.path}: ${(error as Error).message}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new CliError('unreadable', `${this.path} is not valid JSON (fix or remove it)`);
    }
    const parsed = configFile.safeParse(json);
    if (!parsed.success)
      throw new CliError('unreadable', `${this.path} is not a meshdrop config (fix or remove it)`);
    return parsed.data;
  }

  /** Read, change, write back (whole file). Other meshdrop processes may write in between; last one wins. */
  update(change: (data: ConfigData) => void): ConfigData {
    const data = this.read();
    change(data);
    ensurePrivateDir(this.dir);
    writePrivateFile(this.path, `${JSON.stringify(data, null, 2)}\n`);
    return data;
  }

  device(origin: string): DeviceIdentity | undefined {
    return this.read().devices[origin];
  }

  saveDevice(origin: string, identity: DeviceIdentity): void {
    this.update((d) => {
      d.devices[origin] = identity;
    });
  }

  forgetDevice(origin: string): void {
    this.update((d) => {
      delete d.devices[origin];
    });
  }

  rooms(): JoinedRoom[] {
    return this.read().rooms;
  }

  /** Remembers a joined room (once per tracker and room; a newer link replaces the older one). */
  saveRoom(entry: JoinedRoom): void {
    this.update((d) => {
      const others = d.rooms.filter((r) => !(r.origin === entry.origin && r.roomId === entry.roomId));
      const old = d.rooms.find((r) => r.origin === entry.origin && r.roomId === entry.roomId);
      d.rooms = [...others, { ...entry, joinedAt: old?.joinedAt ?? entry.joinedAt }];
    });
  }
}
