// The two signaling constants the page needs, apart from signaling.ts's frame schemas: importing those
// would put zod into the page's first load.

/** The only `key` the relay accepts (the peerjs client's default). */
export const PEERJS_KEY = 'peerjs';

/** The client's keep-alive, answered with the same text without waking the relay object. */
export const HEARTBEAT = '{"type":"HEARTBEAT"}';
