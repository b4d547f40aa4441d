// How the PWA is built, said once: the production build (what `npm start`, `npm run build` and the deploy
// serve) or, with `testHooks`, the test build the browser journeys need (hooks on `window`). start and
// deploy spawn the descriptor as one of their children; `npm run build`, tests and benchmarks run it to
// the end with buildPwa().
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));

export interface PwaBuild {
  /** this very Node and this checkout's vite: an older `node` on PATH could not run it */
  cmd: readonly [node: string, vite: string];
  args: string[];
  /**
   * React's production build whatever NODE_ENV the caller has (vite keeps one it finds, and under vitest
   * that is "test": React's development build, whose StrictMode runs every effect twice), and the test
   * hooks only when asked for, whatever the shell says.
   */
  env: { NODE_ENV: 'production'; MESHDROP_TEST_BUILD: '' | '1' };
}

/** The build of the checkout at `root` (this one by default) into `outDir` (its pwa/dist by default). */
export function pwaBuild(
  options: { root?: string; outDir?: string | null; testHooks?: boolean } = {},
): PwaBuild {
  const root = options.root ?? REPO;
  return {
    cmd: [process.execPath, join(REPO, 'node_modules/vite/bin/vite.js')],
    args: [
      'build',
      '--config',
      join(root, 'pwa/vite.config.ts'),
      ...(options.outDir ? ['--outDir', options.outDir] : []),
    ],
    env: { NODE_ENV: 'production', MESHDROP_TEST_BUILD: options.testHooks ? '1' : '' },
  };
}

/** Runs pwaBuild(…) to the end; vite's errors go to stderr (its report too with `verbose`); failing throws. */
export function buildPwa(
  root: string,
  outDir: string | null,
  options: { testHooks?: boolean; verbose?: boolean } = {},
): void {
  const build = pwaBuild({ root, outDir, testHooks: options.testHooks });
  execFileSync(build.cmd[0], [build.cmd[1], ...build.args], {
    cwd: root,
    env: { ...process.env, ...build.env },
    stdio: ['ignore', options.verbose ? 'inherit' : 'ignore', 'inherit'],
  });
}

// `npm run build`: the production build into pwa/dist
if (process.argv[1] === fileURLToPath(import.meta.url)) buildPwa(REPO, null, { verbose: true });
