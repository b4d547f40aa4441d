// Progress of a byte count (hashing, downloading): a redrawn bar with speed and time left on a terminal,
// plain lines every few seconds anywhere else (pipes, logs, CI), both drawn by cli-progress on stderr.
import cliProgress from 'cli-progress';
import { formatEta, formatSize, formatSpeed } from '../../../pwa/src/state/format.ts';
import { SpeedMeter } from '../../../pwa/src/transfer/progress.ts';
import type { Output } from './output.ts';

export interface ProgressBar {
  /** Bytes done so far; `speed` in bytes/s when the caller measures it, else measured here. */
  update(bytes: number, speed?: number): void;
  stop(): void;
}

// `{eta}`, `{value}` and `{total}` are cli-progress's own tokens (in seconds and raw numbers): ours are words
const TTY_FORMAT = '{label} {bar} {percentage}% | {done} of {size} | {speed} | {left}';
const PLAIN_FORMAT = '{label}: {percentage}% ({done} of {size}), {speed}, {left}';
const PLAIN_EVERY_MS = 5000;

export function progressBar(
  out: Output,
  label: string,
  total: number,
  now: () => number = Date.now,
): ProgressBar {
  if (out.quiet) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: out.stderr,
      format: out.interactive ? TTY_FORMAT : PLAIN_FORMAT,
      noTTYOutput: !out.interactive,
      notTTYSchedule: PLAIN_EVERY_MS,
      hideCursor: out.interactive,
      // on a terminal the finished bar stays; in plain lines the last line already says it all
      clearOnComplete: !out.interactive,
      barsize: 24,
      etaBuffer: 50,
      // we stop the bar ourselves (and keep partial downloads) on Ctrl+C
      gracefulExit: false,
    },
    cliProgress.Presets.shades_classic,
  );
  const meter = new SpeedMeter();
  const payload = (bytes: number, speed: number) => ({
    label,
    done: formatSize(bytes),
    size: formatSize(total),
    speed: formatSpeed(speed),
    left: bytes >= total ? 'done' : formatEta(total - bytes, speed),
  });
  let last = { bytes: 0, speed: 0 };
  bar.start(Math.max(total, 1), 0, payload(0, 0));
  return {
    update(bytes, speed) {
      const t = now();
      meter.add(t, bytes);
      last = { bytes, speed: speed ?? meter.speed(t) };
      bar.update(total === 0 ? 1 : bytes, payload(last.bytes, last.speed));
    },
    stop() {
      bar.update(total === 0 ? 1 : last.bytes, payload(last.bytes, last.speed));
      bar.stop();
    },
  };
}
