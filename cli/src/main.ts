// `meshdrop`: the command-line peer. This file is the command table (commander): names, arguments,
// options, help with examples, and one place that turns every failure into words, a code and an exit
// code. The commands live in commands/.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { getCommand } from './commands/get.ts';
import { joinCommand } from './commands/join.ts';
import { lsCommand } from './commands/ls.ts';
import { roomsCommand } from './commands/rooms.ts';
import { shareCommand } from './commands/share.ts';
import { whoamiCommand } from './commands/whoami.ts';
import { Context, type GlobalOptions } from './context.ts';
import { CliError, EXIT } from './errors.ts';
import { trustCaFile, warnIfChecksDisabled } from './tls.ts';
import { Output } from './ui/output.ts';

const LINK = 'https://tracker.example/r/abcdefghijklmnopqrstuvwxyz';

const examples = (...lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;

export function buildProgram(
  run: (action: (ctx: Context, signal: AbortSignal) => Promise<void>) => Promise<void>,
) {
  const program = new Command('meshdrop')
    .description(
      'Share files into a MeshDrop room from a terminal or a server, and download from it. Files go directly ' +
        'between devices (WebRTC); the tracker only keeps the catalog.',
    )
    .version('0.1.0')
    .addOption(
      new Option('--config <dir>', 'config folder (identity, joined rooms)').env('MESHDROP_CONFIG_DIR'),
    )
    .option('--ca <file>', 'trust this CA certificate (PEM) for an HTTPS tracker with its own CA')
    .option('--json', 'print the result as JSON on stdout')
    .option('-q, --quiet', 'no progress or notices on stderr, only errors')
    .showHelpAfterError('(run with --help for usage)')
    // before the subcommands are added: they inherit it, so a usage error ends in report(), exit code 2
    .exitOverride()
    .addHelpText(
      'after',
      `${examples(
        `meshdrop join ${LINK}`,
        `meshdrop ls ${LINK}`,
        `meshdrop share ~/Music --room ${LINK}`,
        `meshdrop get ${LINK} "holiday.mp4" -o ~/Downloads`,
      )}
Exit codes: 0 ok, 2 usage, 3 tracker unreachable, 4 refused by the tracker, 5 nothing matches,
6 no source could send it, 7 verification failed, 8 local file problem, 9 device busy, 130 interrupted.`,
    );

  program
    .command('join')
    .description('register this computer as a device (once) and join a room')
    .argument('<room>', 'room link (or the id of a room joined before)')
    .option('--name <name>', 'how this device appears to others (default: the host name)')
    .addHelpText(
      'after',
      examples(`meshdrop join ${LINK}`, `meshdrop join ${LINK} --name "NAS in the attic"`),
    )
    .action((room: string, o: { name?: string }) => run((ctx) => joinCommand(ctx, room, o)));

  program
    .command('ls')
    .description('list the files in a room, with who has them and who is online')
    .argument('<room>', 'room link (or the id of a room joined before)')
    .option('--online', 'only files someone can send now')
    .option('-s, --search <words>', 'only files whose name or folder matches these words')
    .addHelpText(
      'after',
      examples(
        `meshdrop ls ${LINK}`,
        `meshdrop ls ${LINK} --online --search invoice`,
        `meshdrop ls ${LINK} --json | jq .`,
      ),
    )
    .action((room: string, o: { online?: boolean; search?: string }) =>
      run((ctx) => lsCommand(ctx, room, o)),
    );

  program
    .command('share')
    .description('share files and folders into a room and keep serving them until stopped (Ctrl+C)')
    .argument('<paths...>', 'files and folders to share')
    .requiredOption('-r, --room <room>', 'room link (or the id of a room joined before)')
    .option('-w, --watch', 'share files added to the folders later, withdraw deleted ones')
    .option('--hidden', 'include hidden files (names starting with a dot)')
    .addHelpText(
      'after',
      `${examples(
        `meshdrop share ~/Music --room ${LINK}`,
        `meshdrop share report.pdf photos/ --room ${LINK}`,
        `meshdrop share /srv/public --watch --room ${LINK}`,
      )}
Stopping it takes this device offline; its files stay listed (as offline) and come back when it runs again.
Symbolic links are not followed.`,
    )
    .action((paths: string[], o: { room: string; watch?: boolean; hidden?: boolean }) =>
      run((ctx, signal) => shareCommand(ctx, paths, o, signal)),
    );

  program
    .command('get')
    .description('download files from a room (verified, resumable)')
    .argument('<room>', 'room link (or the id of a room joined before)')
    .argument('<what...>', 'content id (or its start), file name, folder/name, or folder/ for a whole folder')
    .option('-o, --output <dir>', 'folder to save into', '.')
    .option('--overwrite', 'replace files that are already there')
    .option('--rename', 'keep files that are already there, save as "name (1).ext"')
    .option('--wait <seconds>', 'wait this long for a source to come online', (v) => positiveNumber(v), 0)
    .addHelpText(
      'after',
      `${examples(
        `meshdrop get ${LINK} holiday.mp4`,
        `meshdrop get ${LINK} 3fa2c1d9 -o ~/Downloads`,
        `meshdrop get ${LINK} "Photos/2024/" -o backup --wait 600`,
      )}
Interrupted (Ctrl+C, a lost network), the same command resumes where it stopped: verified chunks are kept
in .meshdrop-partial/ inside the output folder. A file appears under its name only once it is complete and
checked. Names and folders from other devices are made safe and never lead outside the output folder.`,
    )
    .action(
      (
        room: string,
        what: string[],
        o: { output: string; overwrite?: boolean; rename?: boolean; wait: number },
      ) => run((ctx, signal) => getCommand(ctx, room, what, o, signal)),
    );

  program
    .command('rooms')
    .description('list the rooms this computer joined')
    .addHelpText('after', examples('meshdrop rooms', 'meshdrop rooms --json'))
    .action(() => run((ctx) => roomsCommand(ctx)));

  program
    .command('whoami')
    .description("this computer's device name and id on each tracker")
    .addHelpText('after', examples('meshdrop whoami'))
    .action(() => run((ctx) => whoamiCommand(ctx)));

  return program;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('give a number of seconds');
  return n;
}

/** Runs the command line; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  let out = new Output();
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (abort.signal.aborted) process.exit(EXIT.interrupted); // a second Ctrl+C: stop now
    abort.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const program = buildProgram(async (action) => {
    const globals = program.opts<GlobalOptions & { ca?: string }>();
    const ctx = new Context(globals);
    out = ctx.out;
    warnIfChecksDisabled(process.env, (l) => out.warn(l));
    if (globals.ca) trustCaFile(globals.ca);
    await action(ctx, abort.signal);
  });
  try {
    await program.parseAsync(argv);
  } catch (error) {
    exitCode = report(error, out);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return exitCode;
}

function report(error: unknown, out: Output): number {
  if (error instanceof CommanderError) {
    // --help and --version end here too, successfully
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  const cli = error instanceof CliError ? error : toInternal(error);
  out.error(cli);
  if (cli.code === 'internal' && process.env.MESHDROP_DEBUG) console.error(error);
  return cli.exitCode;
}

function toInternal(error: unknown): CliError {
  return new CliError('internal', error instanceof Error ? error.message : String(error));
}
