// The command-line peer's Node pieces (disk store and resume, path safety, links, config, output, exit
// codes), under Node like the command itself.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'cli',
    root: new URL('.', import.meta.url).pathname,
    include: ['test/**/*.test.ts'],
    environment: 'node',
  },
});
