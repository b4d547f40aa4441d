// An in-memory channel pair for engine tests: ordered, reliable, with a send queue whose size is
// reported as bufferedAmount and drained by a simulated link, like an RTCDataChannel's.
import type { Channel, ChannelData } from '../src/transfer/channel.ts';

const size = (d: ChannelData) => (typeof d === 'string' ? d.length : d.byteLength);

export interface End extends Channel {
  peakBuffered: number;
  sent: number;
}

/**
 * `pace`: 'timer' moves data once per setTimeout(0) (about a millisecond: time for the other side's disk
 * and hashing to keep up, as on a real link); 'immediate' once per setImmediate (fast, for tests whose
 * clock is fake anyway).
 */
export function channelPair(
  aName: string,
  bName: string,
  bytesPerTick = 256 * 1024,
  pace: 'timer' | 'immediate' = 'timer',
): [End, End] {
  const later = (fn: () => void) => (pace === 'immediate' ? setImmediate(fn) : setTimeout(fn, 0));
  const make = (remote: string): End & { deliver?: (d: ChannelData) => void; fireClose?: () => void } => {
    const messageHandlers: ((d: ChannelData) => void)[] = [];
    const closeHandlers: (() => void)[] = [];
    const queue: ChannelData[] = [];
    let buffered = 0;
    let lowWaiters: { low: number; resolve: () => void }[] = [];
    let closed = false;
    let pumping = false;
    const end: End & { deliver?: (d: ChannelData) => void; fireClose?: () => void; peer?: typeof end } = {
      remote,
      peakBuffered: 0,
      sent: 0,
      send(data) {
        if (closed) throw new Error('closed');
        queue.push(data);
        buffered += size(data);
        end.sent += size(data);
        end.peakBuffered = Math.max(end.peakBuffered, buffered);
        if (!pumping) pump();
      },
      bufferedAmount: () => buffered,
      drained(low) {
        if (buffered <= low || closed) return Promise.resolve();
        return new Promise((resolve) => lowWaiters.push({ low, resolve }));
      },
      maxMessageSize: () => 262144,
      onMessage: (h) => messageHandlers.push(h),
      onClose: (h) => closeHandlers.push(h),
      close() {
        if (closed) return;
        end.fireClose?.();
        end.peer?.fireClose?.();
      },
      get closed() {
        return closed;
      },
      deliver: (d) => {
        for (const h of messageHandlers) h(d);
      },
      fireClose: () => {
        if (closed) return;
        closed = true;
        queue.length = 0;
        buffered = 0;
        for (const w of lowWaiters) w.resolve();
        lowWaiters = [];
        for (const h of closeHandlers) h();
      },
    };
    // the simulated link moves `bytesPerTick` per macrotask to the other end
    function pump() {
      pumping = true;
      later(() => {
        let budget = bytesPerTick;
        while (queue.length > 0 && budget > 0 && !closed) {
          const d = queue.shift()!;
          buffered -= size(d);
          budget -= size(d);
          end.peer?.deliver?.(d);
        }
        for (const w of lowWaiters.filter((x) => buffered <= x.low)) w.resolve();
        lowWaiters = lowWaiters.filter((x) => buffered > x.low);
        if (queue.length > 0 && !closed) pump();
        else pumping = false;
      });
    }
    return end;
  };
  const a = make(bName);
  const b = make(aName);
  (a as { peer?: unknown }).peer = b;
  (b as { peer?: unknown }).peer = a;
  return [a, b];
}
