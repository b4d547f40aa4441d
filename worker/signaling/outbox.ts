// Per-destination ordered delivery for frames that cannot be handed over at once (the destination is on
// another hub, is away, or needs a room check from D1).
//
// Why: a Durable Object handler that awaits (a D1 room check, an RPC) lets the next webSocketMessage
// start, so sending each frame from its own handler could reorder a burst of CANDIDATEs. Instead every
// such frame joins its destination's queue, and one pump per destination drains it in order, in batches
// (a run of one sender and one kind). While a destination has a queue, later frames for it join the
// queue too (see `busy`), so nothing overtakes. The queues only hold frames in flight: once drained
// nothing is left in memory, so hibernation loses nothing.

/** relay: OFFER/ANSWER/CANDIDATE (room-checked, queued at the far end); leave/expire: notices. */
export type DeliveryKind = 'relay' | 'leave' | 'expire';

interface Item {
  src: string;
  kind: DeliveryKind;
  frame: string;
}

export interface OutboxPorts {
  /**
   * Hands a batch from `src` to `dst`; resolves once it was taken (true) or refused (false: no room in
   * common, or the destination's queue is full).
   */
  deliver(dst: string, src: string, kind: DeliveryKind, frames: string[]): Promise<boolean>;
  /** `dst` refused or was unreachable: tell `src` (EXPIRE). */
  refused(dst: string, src: string): void;
}

const MAX_BATCH_FRAMES = 128;
const MAX_BATCH_CHARS = 1 << 20;

export class Outbox {
  private readonly queues = new Map<string, Item[]>();
  private readonly pumps = new Map<string, Promise<void>>();
  private readonly ports: OutboxPorts;

  constructor(ports: OutboxPorts) {
    this.ports = ports;
  }

  /** Queues a frame; the promise settles when the pump that carries it is done. */
  push(dst: string, src: string, kind: DeliveryKind, frame: string): Promise<void> {
    let queue = this.queues.get(dst);
    if (!queue) {
      queue = [];
      this.queues.set(dst, queue);
    }
    queue.push({ src, kind, frame });
    let pump = this.pumps.get(dst);
    if (!pump) {
      pump = this.pump(dst, queue);
      this.pumps.set(dst, pump);
    }
    return pump;
  }

  /** Whether frames for `dst` are waiting or in flight (a newer frame must then queue behind them). */
  busy(dst: string): boolean {
    return this.queues.has(dst);
  }

  /** Frames waiting or in flight, for all destinations. */
  get size(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }

  private async pump(dst: string, queue: Item[]): Promise<void> {
    // start on a later tick so frames pushed in the same tick share the first batch
    await Promise.resolve();
    while (queue.length > 0) {
      const batch = takeBatch(queue);
      const { kind, src } = batch[0]!;
      try {
        const taken = await this.ports.deliver(
          dst,
          src,
          kind,
          batch.map((i) => i.frame),
        );
        if (!taken && kind === 'relay') this.ports.refused(dst, src);
      } catch (err) {
        console.error('signaling delivery failed', dst, err);
        if (kind === 'relay') this.ports.refused(dst, src);
      }
    }
    // synchronous with the emptiness check above: a push after this starts a fresh pump
    this.queues.delete(dst);
    this.pumps.delete(dst);
  }
}

/** The longest run of one sender and kind at the head of the queue, within the batch caps. */
function takeBatch(queue: Item[]): Item[] {
  const { kind, src } = queue[0]!;
  let chars = 0;
  let n = 0;
  while (n < queue.length && n < MAX_BATCH_FRAMES && queue[n]!.kind === kind && queue[n]!.src === src) {
    chars += queue[n]!.frame.length;
    if (n > 0 && chars > MAX_BATCH_CHARS) break;
    n += 1;
  }
  return queue.splice(0, n);
}
