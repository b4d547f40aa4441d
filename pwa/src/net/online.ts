// "The network is back" from the browser, as a subscription. Outside a window (unit tests under Node)
// there is no such event, and nothing to subscribe to.

export function onBrowserOnline(listener: () => void): () => void {
  const target = globalThis as Partial<Pick<Window, 'addEventListener' | 'removeEventListener'>>;
  if (typeof target.addEventListener !== 'function') return () => {};
  target.addEventListener('online', listener);
  return () => target.removeEventListener?.('online', listener);
}
