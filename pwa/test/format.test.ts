import { describe, expect, it } from 'vitest';
import {
  fileKind,
  formatEta,
  formatRelative,
  formatSize,
  formatSpeed,
  iconLabel,
  kindColour,
} from '../src/state/format.ts';

describe('formatSize', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1 kB'],
    [1536, '1.5 kB'],
    [1_500_000, '1.5 MB'],
    [12_345_678, '12 MB'],
    [999_999_999, '1 GB'],
    [4.7e9, '4.7 GB'],
    [2.5e12, '2.5 TB'],
  ])('%d bytes -> %s', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });
});

describe('formatRelative', () => {
  const now = Date.UTC(2026, 5, 15, 12);
  it.each([
    [now - 10_000, 'just now'],
    [now - 5 * 60_000, '5 min ago'],
    [now - 3 * 3600_000, '3 h ago'],
    [now - 30 * 3600_000, 'yesterday'],
    [now - 4 * 86400_000, '4 days ago'],
  ])('%d -> %s', (then, text) => {
    expect(formatRelative(then, now)).toBe(text);
  });
  it('gives a date after a week', () => {
    expect(formatRelative(Date.UTC(2026, 0, 2), now, 'en-GB')).toMatch(/2026/);
  });
});

describe('speed and time left', () => {
  it('reads like people talk', () => {
    expect(formatSpeed(12_500_000)).toBe('13 MB/s');
    expect(formatEta(0, 1e6)).toBe('almost done');
    expect(formatEta(1e6, 0)).toBe('estimating…');
    expect(formatEta(3e6, 1e6)).toBe('a few seconds left');
    expect(formatEta(42e6, 1e6)).toBe('45 s left');
    expect(formatEta(600e6, 1e6)).toBe('about 10 min left');
    expect(formatEta(5400e6, 1e6)).toBe('about 1 h 30 min left');
    expect(formatEta(7200e6, 1e6)).toBe('about 2 h left');
  });
});

describe('file kinds', () => {
  it('prefers the extension, falls back to the MIME type', () => {
    expect(fileKind('', 'IMG_0001.HEIC')).toBe('image');
    expect(fileKind('application/octet-stream', 'movie.mkv')).toBe('video');
    expect(fileKind('audio/mpeg', 'track')).toBe('audio');
    expect(fileKind('application/pdf', 'doc')).toBe('pdf');
    expect(fileKind('application/x-7z-compressed', 'x')).toBe('archive');
    expect(fileKind('text/plain', 'README')).toBe('text');
    expect(fileKind('', '.bashrc')).toBe('file');
    expect(fileKind('application/octet-stream', 'blob')).toBe('file');
    expect(kindColour('pdf')).toMatch(/^#/);
  });

  it('labels icons with a short extension or the kind', () => {
    expect(iconLabel('image', 'a.jpeg')).toBe('JPEG');
    expect(iconLabel('archive', 'backup.tar.gz')).toBe('GZ');
    expect(iconLabel('text', 'notes.markdown')).toBe('TEX');
    expect(iconLabel('file', 'Makefile')).toBe('');
  });
});
