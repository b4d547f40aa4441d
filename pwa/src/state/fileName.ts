// A name that is safe to hand to the browser's "save" as a file name. Names come from other devices:
// no path separators, no characters that Windows, macOS or Android refuse, no control characters, no
// leading dots (hidden files) and not a reserved Windows device name.

const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

export function safeFileName(name: string, fallback = 'download'): string {
  let out = name
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/[/\\:*?"<>|]/g, '_')
    .trim()
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  if (RESERVED.test(out)) out = `_${out}`;
  // keep the extension when shortening to 255 UTF-16 units
  if (out.length > 255) {
    const dot = out.lastIndexOf('.');
    const ext = dot > 0 && out.length - dot <= 16 ? out.slice(dot) : '';
    out = out.slice(0, 255 - ext.length) + ext;
  }
  return out || fallback;
}
