// Item 1 of issue 10: nothing another device shares may be opened from the app's origin unless it is an
// inert media format, by its declared type and by its bytes.
import { describe, expect, it } from 'vitest';
import { isViewable } from '../src/app/saveFile.ts';
import { inertType } from '../src/state/inertMedia.ts';

const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
const PNG = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], [0, 0, 0, 13]);
const SVG = bytes('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');

describe('opening shared files', () => {
  it('never offers to open a type that can carry script', () => {
    for (const type of [
      'image/svg+xml',
      'text/html',
      'application/xhtml+xml',
      'text/xml',
      'application/xml',
      'application/pdf',
      'application/octet-stream',
      'image/x-icon',
      'text/plain',
      '',
      'image/svg+xml; charset=utf-8',
    ]) {
      expect(isViewable(type), type).toBe(false);
    }
    expect(isViewable('image/png')).toBe(true);
    expect(isViewable('video/mp4')).toBe(true);
  });

  it('opens only when the bytes are the declared inert format, with our own type', () => {
    expect(inertType('image/png', PNG)).toBe('image/png');
    expect(inertType('IMAGE/PNG; x=1', PNG)).toBe('image/png');
    // an SVG (or HTML) that says it is a PNG is not opened
    expect(inertType('image/png', SVG)).toBeNull();
    expect(inertType('image/svg+xml', SVG)).toBeNull();
    expect(inertType('image/gif', bytes('GIF89a', [1, 0]))).toBe('image/gif');
    expect(inertType('image/jpeg', bytes([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(inertType('video/webm', bytes([0x1a, 0x45, 0xdf, 0xa3]))).toBe('video/webm');
    expect(inertType('image/webp', bytes('RIFF', [0, 0, 0, 0], 'WEBP'))).toBe('image/webp');
    expect(inertType('image/webp', bytes('RIFF', [0, 0, 0, 0], 'WAVE'))).toBeNull();
  });
});
