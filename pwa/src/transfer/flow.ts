// Flow control for a sender: keep the channel's queue between two water marks. Sending past the high
// mark only grows browser memory (and Chrome has closed channels whose queue passed ~16 MiB).

export const HIGH_WATER = 4 * 1024 * 1024;
export const LOW_WATER = 1024 * 1024;
