// `meshdrop whoami`: this computer's device identity on each tracker (never its secret).
import type { Context } from '../context.ts';

export async function whoamiCommand(ctx: Context): Promise<void> {
  const devices = Object.entries(ctx.config.read().devices);
  const report = [];
  for (const [tracker, device] of devices) {
    const session = ctx.session(tracker, { timeoutMs: 5000 });
    // the tracker's view when it answers (the name may have been changed elsewhere); local data otherwise
    const remote = await session.call(() => session.api.me()).catch(() => null);
    report.push({
      tracker,
      peerId: device.peerId,
      name: remote?.name ?? device.name,
      registeredAt: remote?.createdAt ?? null,
      trackerReachable: remote !== null,
    });
  }
  if (report.length === 0)
    ctx.out.result('This computer is not a device of any tracker yet. Run `meshdrop join <room link>`.');
  for (const r of report)
    ctx.out.result(
      `"${r.name}" (device ${r.peerId}) on ${r.tracker}${r.trackerReachable ? '' : ' (tracker not reachable now)'}`,
    );
  ctx.out.info(`Config folder: ${ctx.config.dir}`);
  ctx.out.data({ configDir: ctx.config.dir, devices: report });
}
