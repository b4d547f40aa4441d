// Messages between the page and the OPFS writer worker.
export type OpfsRequest =
  | { id: number; op: 'write'; name: string; at: number; bytes: Uint8Array }
  | { id: number; op: 'close'; name: string; size?: number }
  | { id: number; op: 'delete'; name: string };

export type OpfsReply = { id: number; ok: true } | { id: number; ok: false; error: string };
