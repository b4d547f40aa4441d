// At most `limit` holders per key at once; the rest wait in order. The engine holds one per connection it
// opens to a source, so an honest downloader never opens more connections to one device than that device
// serves at once (it would refuse the extra ones): the twentieth file of a folder waits its turn instead.

export class PerKeyGate {
  private readonly limit: number;
  private readonly held = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(limit: number) {
    this.limit = limit;
  }

  /** Resolves with the release function once `key` has a free place. */
  acquire(key: string): Promise<() => void> {
    return new Promise((resolve) => {
      const take = () => {
        this.held.set(key, (this.held.get(key) ?? 0) + 1);
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.release(key);
        });
      };
      if ((this.held.get(key) ?? 0) < this.limit) take();
      else this.waiting.set(key, [...(this.waiting.get(key) ?? []), take]);
    });
  }

  holders(key: string): number {
    return this.held.get(key) ?? 0;
  }

  private release(key: string) {
    const next = this.waiting.get(key)?.shift();
    if (this.waiting.get(key)?.length === 0) this.waiting.delete(key);
    if (next) {
      this.held.set(key, (this.held.get(key) ?? 1) - 1);
      return next();
    }
    const n = (this.held.get(key) ?? 1) - 1;
    if (n > 0) this.held.set(key, n);
    else this.held.delete(key);
  }
}
