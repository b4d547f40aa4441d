import type { D1Migration } from 'cloudflare:test';
import type { Env as TrackerEnv } from '../env.ts';

declare global {
  namespace Cloudflare {
    interface Env extends TrackerEnv {
      TEST_MIGRATIONS: D1Migration[];
    }
  }
}
