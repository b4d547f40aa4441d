// A value that React (useSyncExternalStore) and plain code can both watch. No library needed.

export type Listener = () => void;

export class Observable<T> {
  private listeners = new Set<Listener>();
  private value: T;

  constructor(value: T) {
    this.value = value;
  }

  get = (): T => this.value;

  set(next: T): void {
    if (Object.is(next, this.value)) return;
    this.value = next;
    for (const l of [...this.listeners]) l();
  }

  update(fn: (value: T) => T): void {
    this.set(fn(this.value));
  }

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}
