// Builds the PWA of the checkout at `root` into `outDir`: the production build (what `npm start` and the
// deploy serve) or, with `testHooks`, the test build the browser journeys need (hooks on `window`).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));

export function buildPwa(root: string, outDir: string | null, options: { testHooks?: boolean } = {}): void {
  execFileSync(
    join(REPO, 'node_modules/.bin/node'),
    [
      join(REPO, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      'pwa/vite.config.ts',
      ...(outDir ? ['--outDir', outDir] : []),
    ],
    {
      cwd: root,
      // vitest sets NODE_ENV=test, which would give React's development build
      env: { ...process.env, NODE_ENV: 'production', MESHDROP_TEST_BUILD: options.testHooks ? '1' : '' },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
}
