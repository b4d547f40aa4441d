// Unit and integration tests: the Worker inside workerd, the PWA's pure logic, and Node-side scripts.
// The browser journeys on the test LAN run separately (e2e/vitest.config.ts, `npm run test:e2e`).
import { defineConfig } from 'vitest/config';
import { reporters } from './vitest.reporters.ts';

export default defineConfig({
  test: {
    reporters: reporters('unit'),
    projects: [
      'worker/vitest.config.ts',
      'worker/vitest.lan.config.ts',
      'pwa/vitest.config.ts',
      'cli/vitest.config.ts',
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['worker/scripts/**/*.test.ts', 'bench/**/*.test.ts', 'scripts/**/*.test.ts'],
          testTimeout: 120_000,
        },
      },
    ],
  },
});
