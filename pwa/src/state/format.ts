// Plain-words formatting for sizes, times, speeds and file kinds. Pure: no DOM, no clock reads.

const SIZE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

/** Decimal units as file managers show them: 1536000 -> "1.5 MB". */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  if (bytes < 1000) return `${bytes} B`;
  let value = bytes;
  let unit = 0;
  while (value >= 999.95 && unit < SIZE_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = value < 10 ? 1 : 0;
  return `${value.toFixed(digits).replace(/\.0$/, '')} ${SIZE_UNITS[unit]}`;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "just now", "5 min ago", "3 h ago", "yesterday", "4 days ago", then a date. */
export function formatRelative(then: number, now: number, locale?: string): string {
  const ago = now - then;
  if (ago < MINUTE) return 'just now';
  if (ago < HOUR) return `${Math.floor(ago / MINUTE)} min ago`;
  if (ago < DAY) return `${Math.floor(ago / HOUR)} h ago`;
  if (ago < 2 * DAY) return 'yesterday';
  if (ago < 7 * DAY) return `${Math.floor(ago / DAY)} days ago`;
  return new Date(then).toLocaleDateString(locale, { year: 'numeric', month: 'short', day: 'numeric' });
}

export function formatSpeed(bytesPerSecond: number): string {
  return `${formatSize(Math.round(bytesPerSecond))}/s`;
}

/** Time left for `remaining` bytes at `bytesPerSecond`, rounded the way people say it. */
export function formatEta(remaining: number, bytesPerSecond: number): string {
  if (remaining <= 0) return 'almost done';
  if (bytesPerSecond <= 0 || !Number.isFinite(bytesPerSecond)) return 'estimating…';
  const seconds = remaining / bytesPerSecond;
  if (seconds < 5) return 'a few seconds left';
  if (seconds < 60) return `${Math.ceil(seconds / 5) * 5} s left`;
  if (seconds < 3600) return `about ${Math.round(seconds / 60)} min left`;
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.round((seconds % 3600) / 60);
  return minutes > 0 ? `about ${hours} h ${minutes} min left` : `about ${hours} h left`;
}

export type FileKind =
  | 'image'
  | 'video'
  | 'audio'
  | 'pdf'
  | 'archive'
  | 'text'
  | 'code'
  | 'document'
  | 'spreadsheet'
  | 'presentation'
  | 'app'
  | 'file';

const BY_EXTENSION: Record<string, FileKind> = {};
const add = (kind: FileKind, exts: string) => {
  for (const e of exts.split(' ')) BY_EXTENSION[e] = kind;
};
add('image', 'jpg jpeg png gif webp heic heif avif bmp svg tif tiff raw cr2 nef dng ico');
add('video', 'mp4 mov mkv webm avi m4v 3gp wmv mpg mpeg');
add('audio', 'mp3 m4a wav flac ogg opus aac aiff wma');
add('pdf', 'pdf');
add('archive', 'zip rar 7z tar gz tgz bz2 xz zst iso dmg');
add('text', 'txt md rtf log csv tsv');
add('code', 'js ts tsx jsx json html css py rs go java c h cpp sh rb php swift kt yml yaml toml xml sql');
add('document', 'doc docx odt pages epub');
add('spreadsheet', 'xls xlsx ods numbers');
add('presentation', 'ppt pptx odp key');
add('app', 'apk exe msi deb rpm appimage ipa');

/** The kind of a file, from its extension first (types are often missing), then its MIME type. */
export function fileKind(type: string, name: string): FileKind {
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  const byExt = BY_EXTENSION[ext];
  if (byExt) return byExt;
  const major = type.split('/')[0];
  if (major === 'image' || major === 'video' || major === 'audio') return major;
  if (type === 'application/pdf') return 'pdf';
  if (major === 'text') return 'text';
  if (/zip|compressed|tar|gzip/.test(type)) return 'archive';
  return 'file';
}

/** Colour of a kind's icon: hues people associate with them (red PDFs, green sheets...). */
const KIND_COLOURS: Record<FileKind, string> = {
  image: '#1e88e5',
  video: '#8e24aa',
  audio: '#d81b60',
  pdf: '#d32f2f',
  archive: '#6d4c41',
  text: '#546e7a',
  code: '#00897b',
  document: '#1565c0',
  spreadsheet: '#2e7d32',
  presentation: '#ef6c00',
  app: '#5e35b1',
  file: '#607d8b',
};

export function kindColour(kind: FileKind): string {
  return KIND_COLOURS[kind];
}

/** Up to 4 characters for the icon: the extension when there is a short one, else the kind. */
export function iconLabel(kind: FileKind, name: string): string {
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1) : '';
  if (/^[a-z0-9]{1,4}$/i.test(ext)) return ext.toUpperCase();
  return kind === 'file' ? '' : kind.slice(0, 3).toUpperCase();
}
