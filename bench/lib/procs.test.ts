import { describe, expect, it } from 'vitest';
import { kindOf, machineBusyMs, namespaceProcesses, ProcessSampler } from './procs.ts';

describe('process kinds', () => {
  it('tells Chromium processes apart by their --type, with NUL or space separated arguments', () => {
    expect(kindOf('/usr/lib/chromium/chromium\0--no-sandbox\0--user-data-dir=/x')).toBe('browser');
    expect(kindOf('/usr/lib/chromium/chromium --type=renderer --lang=en')).toBe('renderer');
    expect(kindOf('/usr/lib/chromium/chromium\0--type=gpu-process')).toBe('gpu');
    expect(
      kindOf('/usr/lib/chromium/chromium --type=utility --utility-sub-type=network.mojom.NetworkService'),
    ).toBe('network');
    expect(kindOf('chromium --type=utility --utility-sub-type=storage.mojom.StorageService')).toBe('storage');
    expect(kindOf('chromium --type=utility --utility-sub-type=audio.mojom.AudioService')).toBe('utility');
    expect(kindOf('chromium --type=zygote')).toBe('zygote');
    expect(kindOf('/usr/bin/sh\0-c')).toBe('other');
  });
});

describe('process sampler', () => {
  it('finds this process in its namespace and measures the CPU it burns and the memory it holds', async () => {
    expect(namespaceProcesses(process.pid)).toContain(process.pid);
    const sampler = new ProcessSampler(process.pid).start(20, 50);
    const busy0 = machineBusyMs();
    const hold: Buffer[] = [];
    const until = Date.now() + 300;
    while (Date.now() < until) hold.push(Buffer.alloc(1 << 20, 1)); // touched pages count in RSS
    await new Promise((r) => setTimeout(r, 60));
    const report = sampler.stop();
    expect(hold.length).toBeGreaterThan(10);
    const node = report.memory.byKind.other!;
    expect(node.peak.total - node.baseline.total).toBeGreaterThan(10 * 1024 * 1024);
    expect(report.cpu.totalMs).toBeGreaterThanOrEqual(200);
    expect(machineBusyMs() - busy0).toBeGreaterThanOrEqual(200);
  });
});
