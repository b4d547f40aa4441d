// `npm run deploy`: put the tracker on your Cloudflare account with one command.
//   1. checks that wrangler is logged in (`npx wrangler login` once, or CLOUDFLARE_API_TOKEN in CI);
//   2. creates the D1 database named in wrangler.toml if the account has none of that name (the
//      binding has no database_id: wrangler finds the database by name, so nothing is written back);
//   3. applies the D1 migrations to it (remote);
//   4. builds the PWA;
//   5. deploys the Worker with its assets and Durable Objects (their migrations are in wrangler.toml).
//
// `npm run deploy -- --dry-run [--outdir <dir>]` builds and bundles exactly as a deploy would and
// uploads nothing, contacting nobody (CI runs it so the deploy build never rots).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'smol-toml';
import { exited, PWA_BUILD, QUIET_ENV, ROOT, spawnTool, WRANGLER } from './children.ts';

const { values } = parseArgs({
  options: {
    'dry-run': { type: 'boolean', default: false },
    outdir: { type: 'string' },
  },
});

const env = { ...process.env, ...QUIET_ENV };

interface Ran {
  code: number;
  output: string;
}

/** Runs a tool, showing its output unless `quiet`; answers its exit code and what it printed. */
async function run(
  cmd: readonly [string, string],
  args: readonly string[],
  quiet = false,
  extraEnv = {},
): Promise<Ran> {
  const lines: string[] = [];
  // wrangler may ask (registering a workers.dev subdomain, confirming migrations): let it ask the person
  const child = spawnTool(cmd, [...args], {
    env: { ...env, ...extraEnv },
    echo: !quiet,
    interactive: !quiet,
    onLine: (l) => lines.push(l),
  });
  return { code: await exited(child), output: lines.join('\n') };
}

function stop(message: string, code = 1): never {
  console.error(`\ndeploy: ${message}`);
  process.exit(code);
}

async function must(
  what: string,
  cmd: readonly [string, string],
  args: readonly string[],
  extraEnv = {},
): Promise<void> {
  console.log(`\n→ ${what}`);
  const { code } = await run(cmd, args, false, extraEnv);
  if (code !== 0) stop(`${what} failed (exit ${code}).`, code);
}

const build = () => must('Building the PWA', PWA_BUILD.cmd, PWA_BUILD.args, PWA_BUILD.env);

if (values['dry-run']) {
  await build();
  await must('Bundling the Worker (dry run: nothing is uploaded)', WRANGLER, [
    'deploy',
    '--dry-run',
    ...(values.outdir ? ['--outdir', values.outdir] : []),
  ]);
  process.exit(0);
}

// 1. logged in? (`whoami --json` answers {"loggedIn":false} without asking anyone when there are no
// credentials at all)
const who = await run(WRANGLER, ['whoami', '--json'], true);
if (who.output.includes('"loggedIn":false')) {
  stop(
    'wrangler is not logged in to Cloudflare.\n' +
      '  Once on this computer: npx wrangler login   (opens a browser to allow access)\n' +
      '  In CI instead: set CLOUDFLARE_API_TOKEN (and CLOUDFLARE_ACCOUNT_ID).\n' +
      '  Then run npm run deploy again.',
  );
}
if (who.code !== 0) {
  stop(
    `could not check the Cloudflare login (is this computer online? is the token valid?):\n${who.output.trim().split('\n').slice(-5).join('\n')}`,
  );
}
const account = JSON.parse(who.output.slice(who.output.indexOf('{'))) as { email?: string };
console.log(`Logged in to Cloudflare${account.email ? ` as ${account.email}` : ''}.`);

// 2. the database, by the name wrangler.toml gives it
const config = parse(readFileSync(join(ROOT, 'wrangler.toml'), 'utf8')) as {
  d1_databases?: { binding: string; database_name: string }[];
};
const db = config.d1_databases?.find((d) => d.binding === 'DB');
if (!db) stop('wrangler.toml has no D1 binding named DB.');
const list = await run(WRANGLER, ['d1', 'list', '--json'], true);
if (list.code !== 0) stop(`could not list your D1 databases:\n${list.output}`);
const existing = JSON.parse(list.output.slice(list.output.indexOf('['))) as { name: string }[];
if (existing.some((d) => d.name === db.database_name)) {
  console.log(`D1 database "${db.database_name}" exists.`);
} else {
  await must(`Creating the D1 database "${db.database_name}"`, WRANGLER, ['d1', 'create', db.database_name]);
}

// 3.–5.
await must('Applying D1 migrations (remote)', WRANGLER, ['d1', 'migrations', 'apply', 'DB', '--remote']);
await build();
await must('Deploying the Worker', WRANGLER, ['deploy']);
console.log(
  '\nDone. Open the workers.dev address above on your devices. For devices that cannot connect directly, ' +
    'see README "Deploying to Cloudflare" (TURN).',
);
