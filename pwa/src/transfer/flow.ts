// Flow control for a sender: keep the channel's queue between two water marks. Sending past the high
// mark only grows browser memory (and Chrome has closed channels whose queue passed ~16 MiB).
import type { Channel, ChannelData } from './channel.ts';

export const HIGH_WATER = 4 * 1024 * 1024;
export const LOW_WATER = 1024 * 1024;

export async function sendWithBackpressure(channel: Channel, data: ChannelData): Promise<void> {
  if (channel.bufferedAmount() > HIGH_WATER) await channel.drained(LOW_WATER);
  if (channel.closed) throw new Error('channel closed');
  channel.send(data);
}
