// The setup every transfer journey shares: a fresh test build, a test LAN with its tracker, the journey's
// fixture files, and on the way out a warning if pwa/dist was rebuilt under the run. Called in a
// describe body: its hooks run before the journey's own (which start the devices it needs).
import { afterAll, beforeAll } from 'vitest';
import type { Lan } from '../lan/index.ts';
import { createLan } from '../lan/index.ts';
import { ensureBuilt } from '../pwa/support.ts';
import { distBuiltAt, FixtureSet, warnIfRebuilt } from './support.ts';

export interface JourneyLan {
  /** set once the describe's first beforeAll ran */
  lan: Lan;
  readonly set: FixtureSet;
}

export function journeyLan(tracker: { secure: boolean }): JourneyLan {
  const env = { set: new FixtureSet() } as JourneyLan;
  let builtAt = 0;
  beforeAll(async () => {
    ensureBuilt();
    builtAt = distBuiltAt();
    env.lan = await createLan();
    await env.lan.startTracker(tracker);
  });
  afterAll(async () => {
    warnIfRebuilt(builtAt);
    await env.lan?.close();
    env.set.remove();
  });
  return env;
}
