// One definition of a Worker test project: tests run inside workerd with the real bindings from
// wrangler.toml and the real migrations; `vars` override wrangler.toml's for a project.
import { fileURLToPath } from 'node:url';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export function workerProject(name: string, include: string[], vars: Record<string, string> = {}) {
  return defineConfig(async () => {
    const migrations = await readD1Migrations(here('../migrations'));
    return {
      plugins: [
        cloudflareTest({
          wrangler: { configPath: here('../wrangler.toml') },
          miniflare: { bindings: { TEST_MIGRATIONS: migrations, ...vars } },
        }),
      ],
      test: { name, include, setupFiles: ['./test/setup.ts'] },
    };
  });
}
