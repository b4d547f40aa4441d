// Which shared files the app may open in a tab of its own origin. A blob URL made here runs with the
// app's origin, so anything that can carry script (SVG, HTML, XML, PDF in some browsers, unknown types)
// must never be opened: only an allow-list of inert image, audio and video formats, and only when the
// file's first bytes are really that format (the type came from another device). Pure.

interface Format {
  type: string;
  /** Whether the file's first bytes are this format. */
  matches(head: Uint8Array): boolean;
}

const at = (head: Uint8Array, offset: number, bytes: number[] | string) => {
  const want = typeof bytes === 'string' ? [...bytes].map((c) => c.charCodeAt(0)) : bytes;
  return want.every((b, i) => head[offset + i] === b);
};

const FORMATS: Format[] = [
  { type: 'image/png', matches: (h) => at(h, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { type: 'image/jpeg', matches: (h) => at(h, 0, [0xff, 0xd8, 0xff]) },
  { type: 'image/gif', matches: (h) => at(h, 0, 'GIF87a') || at(h, 0, 'GIF89a') },
  { type: 'image/webp', matches: (h) => at(h, 0, 'RIFF') && at(h, 8, 'WEBP') },
  { type: 'image/bmp', matches: (h) => at(h, 0, 'BM') },
  { type: 'image/avif', matches: (h) => at(h, 4, 'ftypavif') || at(h, 4, 'ftypavis') },
  { type: 'audio/mpeg', matches: (h) => at(h, 0, 'ID3') || (h[0] === 0xff && ((h[1] ?? 0) & 0xe0) === 0xe0) },
  { type: 'audio/ogg', matches: (h) => at(h, 0, 'OggS') },
  { type: 'audio/wav', matches: (h) => at(h, 0, 'RIFF') && at(h, 8, 'WAVE') },
  { type: 'audio/flac', matches: (h) => at(h, 0, 'fLaC') },
  { type: 'audio/webm', matches: (h) => at(h, 0, [0x1a, 0x45, 0xdf, 0xa3]) },
  { type: 'audio/mp4', matches: (h) => at(h, 4, 'ftyp') },
  { type: 'video/mp4', matches: (h) => at(h, 4, 'ftyp') },
  { type: 'video/webm', matches: (h) => at(h, 0, [0x1a, 0x45, 0xdf, 0xa3]) },
  { type: 'video/ogg', matches: (h) => at(h, 0, 'OggS') },
];

/** Bytes of the head that `inertType` looks at. */
export const SNIFF_BYTES = 16;

const ALIASES: Record<string, string> = {
  'image/jpg': 'image/jpeg',
  'audio/mp3': 'audio/mpeg',
  'audio/x-wav': 'audio/wav',
};

function normalize(type: string): string {
  const bare = type.split(';')[0]!.trim().toLowerCase();
  return ALIASES[bare] ?? bare;
}

/** Whether a file of this declared type may be offered "Open" at all (before its bytes are read). */
export function isViewable(type: string): boolean {
  const t = normalize(type);
  return FORMATS.some((f) => f.type === t);
}

/**
 * The type to open the file as, or null: the declared type must be on the allow-list AND the first bytes
 * must be that format. The answer is our own canonical type, never the sender's string.
 */
export function inertType(declared: string, head: Uint8Array): string | null {
  const t = normalize(declared);
  const format = FORMATS.find((f) => f.type === t);
  return format?.matches(head) ? format.type : null;
}
