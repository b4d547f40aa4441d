import { applyD1Migrations, env } from 'cloudflare:test';
import { afterAll } from 'vitest';
import { settleSockets } from './signalingHelpers.ts';

// the real migrations, applied to each test file's isolated D1
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

// no Durable Object may still be handling a socket's close when the file's environment is torn down
afterAll(() => settleSockets());
