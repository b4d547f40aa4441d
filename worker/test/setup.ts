import { applyD1Migrations, env } from 'cloudflare:test';

// the real migrations, applied to each test file's isolated D1
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
