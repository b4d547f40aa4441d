// Reconnect delays: exponential with full jitter, so many devices coming back after a tracker restart
// do not all knock at the same moment.

export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
  /** 0..1: 0 gives the plain exponential delay (tests), 1 a uniformly random one below it. */
  jitter?: number;
  random?: () => number;
}

export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const { baseMs = 500, maxMs = 30_000, jitter = 0.5, random = Math.random } = options;
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling * (1 - jitter * random()));
}

/** Retries `run` with backoff until it resolves or `signal` aborts; `wake()` skips the current wait. */
export class Retrier {
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private wakeUp: (() => void) | undefined;

  private readonly options: BackoffOptions;

  constructor(options: BackoffOptions = {}) {
    this.options = options;
  }

  reset(): void {
    this.attempt = 0;
  }

  /** Waits the next delay (or until wake()); returns false when aborted. */
  wait(signal?: AbortSignal): Promise<boolean> {
    const delay = backoffDelay(this.attempt++, this.options);
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve(false);
      const done = (ok: boolean) => {
        clearTimeout(this.timer);
        this.wakeUp = undefined;
        signal?.removeEventListener('abort', onAbort);
        resolve(ok);
      };
      const onAbort = () => done(false);
      signal?.addEventListener('abort', onAbort);
      this.wakeUp = () => done(true);
      this.timer = setTimeout(() => done(true), delay);
    });
  }

  /** Cuts the current wait short, e.g. when the browser says the network is back. */
  wake(): void {
    this.attempt = 0;
    this.wakeUp?.();
  }
}
