// `npm run deploy` as far as a machine without a Cloudflare account can take it, with no traffic
// leaving the machine: every run happens in a fresh network namespace with no interface but loopback
// (`unshare -n`), so even an attempt to reach Cloudflare fails at once instead of leaving.
// - the dry run builds and bundles exactly what a deploy uploads: the Durable Object classes are
//   exported, and wrangler.toml's bindings are exactly what the code's Env declares;
// - without credentials it stops with the login instructions.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const home = mkdtempSync(join(tmpdir(), 'meshdrop-deploy-home-'));
const outdir = mkdtempSync(join(tmpdir(), 'meshdrop-deploy-out-'));

afterAll(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(outdir, { recursive: true, force: true });
});

/** `unshare -n` as root, `unshare -rn` (a user namespace) otherwise. */
function isolation(): string[] {
  for (const flags of [['-n'], ['-rn']]) {
    if (spawnSync('unshare', [...flags, 'true']).status === 0) return ['unshare', ...flags];
  }
  throw new Error('unshare is needed to run deploy tests without network (util-linux)');
}
const NO_NETWORK = isolation();

function deploy(args: string[], extraEnv: Record<string, string> = {}) {
  // no credentials anywhere: a fresh HOME/XDG, and no CLOUDFLARE_* from the environment
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('CLOUDFLARE_')) env[k] = v;
  const [cmd, ...pre] = NO_NETWORK;
  return spawnSync(cmd!, [...pre, process.execPath, join(root, 'worker/scripts/deploy.ts'), ...args], {
    cwd: root,
    env: { ...env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), CI: 'true', ...extraEnv },
    encoding: 'utf8',
    timeout: 180_000,
  });
}

/** The members of `interface Env` in worker/env.ts (optional ones are secrets) and SECRET_NAMES. */
function envDeclaration() {
  const file = ts.createSourceFile(
    'env.ts',
    readFileSync(join(root, 'worker/env.ts'), 'utf8'),
    ts.ScriptTarget.Latest,
    true,
  );
  const required: string[] = [];
  const optional: string[] = [];
  let secrets: string[] = [];
  file.forEachChild((node) => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === 'Env') {
      for (const m of node.members) {
        if (ts.isPropertySignature(m) && ts.isIdentifier(m.name))
          (m.questionToken ? optional : required).push(m.name.text);
      }
    }
    if (ts.isVariableStatement(node)) {
      for (const d of node.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && d.name.text === 'SECRET_NAMES' && d.initializer) {
          const list = ts.isAsExpression(d.initializer) ? d.initializer.expression : d.initializer;
          if (ts.isArrayLiteralExpression(list))
            secrets = list.elements.filter(ts.isStringLiteral).map((e) => e.text);
        }
      }
    }
  });
  return { required, optional, secrets };
}

interface WranglerToml {
  assets?: { binding?: string };
  d1_databases?: { binding: string; database_name: string; database_id?: string }[];
  durable_objects?: { bindings: { name: string; class_name: string }[] };
  ratelimits?: { name: string }[];
  migrations?: { tag: string; new_sqlite_classes?: string[] }[];
  vars?: Record<string, string>;
}

describe('npm run deploy', () => {
  it('bundles the Worker in a dry run: Durable Object classes exported, bindings exactly the Env of the code', () => {
    // a shell (or vitest, which sets "test") with another NODE_ENV, or asking for the journeys' test
    // build, still ships the production build
    const run = deploy(['--dry-run', '--outdir', outdir], {
      NODE_ENV: 'development',
      MESHDROP_TEST_BUILD: '1',
    });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('--dry-run: exiting now.');
    // React's production build: the development one prints this and runs StrictMode's effects twice
    const entry = /<script type="module"[^>]* src="\/([^"]+)"/.exec(
      readFileSync(join(root, 'pwa/dist/index.html'), 'utf8'),
    )?.[1];
    expect(entry).toMatch(/^assets\/index-.+\.js$/);
    const devBuild = readFileSync(join(root, 'pwa/dist', entry!), 'utf8').includes(
      'react.dev/link/react-devtools',
    );
    expect(devBuild, "the app's entry script is React's development build").toBe(false);
    expect(
      readdirSync(join(root, 'pwa/dist/assets')).some(
        (f) =>
          f.endsWith('.js') && readFileSync(join(root, 'pwa/dist/assets', f), 'utf8').includes('__meshdrop'),
      ),
      'test hooks in the deployed app',
    ).toBe(false);

    const bundle = readFileSync(join(outdir, 'index.js'), 'utf8');
    const exported = /export \{([^}]*)\};?\s*(\/\/# sourceMappingURL=.*)?\s*$/.exec(bundle)?.[1] ?? '';
    const names = exported.split(',').map((e) =>
      e
        .trim()
        .split(/\s+as\s+/)
        .pop(),
    );
    const config = parse(readFileSync(join(root, 'wrangler.toml'), 'utf8')) as WranglerToml;
    const classes = config.durable_objects?.bindings.map((b) => b.class_name) ?? [];
    expect(classes.sort()).toEqual(['PeerSocket', 'RoomHub']);
    for (const cls of classes) {
      expect(names).toContain(cls);
      expect(bundle).toMatch(new RegExp(`var ${cls} = class extends DurableObject`));
    }
    expect(names).toContain('default');
    // every class has its storage migration, as SQLite-backed Durable Objects
    expect(config.migrations?.flatMap((m) => m.new_sqlite_classes ?? []).sort()).toEqual(classes.sort());

    // bindings and vars of wrangler.toml == what the code reads from Env (optional members are secrets)
    const bindings = [
      config.assets?.binding,
      ...(config.d1_databases ?? []).map((d) => d.binding),
      ...(config.durable_objects?.bindings ?? []).map((b) => b.name),
      ...(config.ratelimits ?? []).map((r) => r.name),
      ...Object.keys(config.vars ?? {}),
    ].filter((b): b is string => typeof b === 'string');
    const declared = envDeclaration();
    expect(bindings.sort()).toEqual(declared.required.sort());
    expect(declared.optional.sort()).toEqual(declared.secrets.sort());
    // the database is found by name at deploy time: no id to write back, none to leak
    expect(config.d1_databases?.[0]).toEqual({
      binding: 'DB',
      database_name: 'meshdrop',
      migrations_dir: 'migrations',
    });
  });

  it('stops with the login instructions when wrangler has no credentials', () => {
    const run = deploy([]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('wrangler is not logged in to Cloudflare');
    expect(run.stderr).toContain('npx wrangler login');
    expect(run.stderr).toContain('CLOUDFLARE_API_TOKEN');
  });

  it('says it could not check the login when a token cannot be verified (no network here)', () => {
    const run = deploy([], { CLOUDFLARE_API_TOKEN: 'not-a-real-token' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('could not check the Cloudflare login');
  });
});
