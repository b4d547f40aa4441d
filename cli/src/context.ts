// What every command gets: the config folder, where output goes, and a session per tracker. A room is
// named by its link, or (for a room this device joined before) by its id or the start of it.
import { ConfigStore, defaultCacheDir, defaultConfigDir } from './config.ts';
import { CliError } from './errors.ts';
import { looksLikeLink, parseRoomLink, type RoomLink } from './roomLink.ts';
import { type SessionOptions, TrackerSession } from './tracker.ts';
import { Output } from './ui/output.ts';

export interface GlobalOptions {
  config?: string;
  json?: boolean;
  quiet?: boolean;
}

export class Context {
  readonly config: ConfigStore;
  readonly cacheDir: string;
  readonly out: Output;
  private readonly sessions = new Map<string, TrackerSession>();

  constructor(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env) {
    this.config = new ConfigStore(options.config ?? defaultConfigDir(env));
    this.cacheDir = defaultCacheDir(env);
    this.out = new Output({ json: options.json ?? false, quiet: options.quiet ?? false });
  }

  /** A room from its link, or from the id (or unique start of it) of a room joined before. */
  room(text: string): RoomLink {
    if (looksLikeLink(text)) return parseRoomLink(text);
    const wanted = text.trim().toLowerCase();
    if (wanted.length < 4) throw new CliError('bad_link', `"${text}" is neither a room link nor a room id`);
    const matches = this.config.rooms().filter((r) => r.roomId.startsWith(wanted));
    if (matches.length === 1) return parseRoomLink(matches[0]!.link);
    if (matches.length > 1)
      throw new CliError('ambiguous', `"${text}" starts ${matches.length} joined rooms; give more of the id`);
    throw new CliError('bad_link', `no joined room starts with "${text}"; give the whole room link`);
  }

  session(origin: string, options: SessionOptions = {}): TrackerSession {
    let session = this.sessions.get(origin);
    if (!session) {
      session = new TrackerSession(origin, this.config, options);
      this.sessions.set(origin, session);
    }
    return session;
  }
}
