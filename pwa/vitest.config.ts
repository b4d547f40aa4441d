// The PWA's pure logic (hashing, framing, scheduling, catalog state, formatting) under Node.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  define: { __MESHDROP_TEST_HOOKS__: 'false' },
  test: {
    name: 'pwa',
    root: new URL('.', import.meta.url).pathname,
    include: ['test/**/*.test.ts'],
    environment: 'node',
  },
});
