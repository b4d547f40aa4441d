// Time as a dependency: every deadline in the transfer engine reads this clock and sets these timers, so
// tests drive hours of waiting with a fake clock in milliseconds of real time.

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
};

/** Runs `fn` every `ms` until the returned function is called. */
export function every(clock: Clock, ms: number, fn: () => void): () => void {
  let handle: unknown;
  let stopped = false;
  const arm = () => {
    handle = clock.setTimeout(() => {
      if (stopped) return;
      fn();
      if (!stopped) arm();
    }, ms);
  };
  arm();
  return () => {
    stopped = true;
    clock.clearTimeout(handle);
  };
}

/** Resolves with `promise`, or rejects with `error` after `ms` (the timer is cleared either way). */
export function within<T>(clock: Clock, ms: number, promise: Promise<T>, error: () => Error): Promise<T> {
  let handle: unknown;
  const timeout = new Promise<never>((_, reject) => {
    handle = clock.setTimeout(() => reject(error()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clock.clearTimeout(handle));
}
