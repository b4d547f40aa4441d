// e2e suites: real browsers in network namespaces. One file at a time (the
// machine has 2 cores and a 3-browser limit) and generous timeouts.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { reporters } from '../vitest.reporters.ts';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    environment: 'node',
    reporters: reporters('e2e'),
    include: ['e2e/**/*.e2e.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
    // a flaky network test should be fixed, not retried into passing
    retry: 0,
  },
});
