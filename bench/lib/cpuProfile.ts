// Opt-in (`--profile <dir>`): a V8 CPU profile of a page's main thread during one run, through CDP (what
// `--cpu-prof` gives a Node process). The .cpuprofile opens in Chromium's DevTools; the bench also prints
// the functions with the most self time, so the output says where a page's main thread went.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  what: string;
  ms: number;
}

/** Self time per function (sampled), most first; idle time is left out. */
export function selfTimes(profile: CpuProfile): SelfTime[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const ms = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const f = byId.get(profile.samples[i]!)?.callFrame;
    if (!f || f.functionName === '(idle)') continue;
    const file = f.url.split('/').pop()?.split('?')[0] ?? '';
    const what = `${f.functionName || '(anonymous)'}${file ? ` ${file}:${f.lineNumber + 1}` : ''}`;
    // the delta before the next sample is the time this sample stands for
    ms.set(what, (ms.get(what) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
  }
  return [...ms].map(([what, t]) => ({ what, ms: t })).sort((a, b) => b.ms - a.ms);
}

/** Starts profiling `page`'s main thread (1 ms samples); stop() writes `<dir>/<name>.cpuprofile`. */
export async function startCpuProfile(
  page: Page,
  dir: string,
  name: string,
): Promise<{ stop(): Promise<SelfTime[]> }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
  await cdp.send('Profiler.start');
  return {
    async stop() {
      const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
      await cdp.detach().catch(() => undefined);
      writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
      return selfTimes(profile);
    },
  };
}
