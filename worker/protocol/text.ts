// Text cleaning shared by both sides: names are stored as given, except control characters
// (C0, DEL, C1, and bidi overrides that can disguise a name such as "exe.txt") and surrounding spaces.

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function cleanText(value: string): string {
  return value.replace(CONTROL, '').trim();
}
