// Progress on a terminal redraws one line; anywhere else it is plain lines a log can keep.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Output } from '../src/ui/output.ts';
import { progressBar } from '../src/ui/progress.ts';
import { memoryStream } from './streams.ts';

afterEach(() => vi.useRealTimers());

describe('progress', () => {
  it('is plain lines with size, speed and time left when stderr is not a terminal', () => {
    vi.useFakeTimers();
    const stderr = memoryStream(false);
    const out = new Output({ stderr, stdout: memoryStream(false) });
    let t = 0;
    const bar = progressBar(out, 'movie.mkv', 100_000_000, () => t);
    t = 1000;
    bar.update(25_000_000, 25_000_000);
    vi.advanceTimersByTime(5000);
    t = 4000;
    bar.update(100_000_000, 25_000_000);
    bar.stop();
    const text = stderr.text();
    // biome-ignore lint/suspicious/noControlCharactersInRegex: escape sequences are what must not be there
    expect(text).not.toMatch(/\u001b/);
    const lines = text.trim().split('\n');
    expect(lines).toContain('movie.mkv: 25% (25 MB of 100 MB), 25 MB/s, a few seconds left');
    expect(lines.at(-1)).toBe('movie.mkv: 100% (100 MB of 100 MB), 25 MB/s, done');
  });

  it('redraws a bar in place on a terminal', () => {
    const stderr = memoryStream(true);
    const out = new Output({ stderr, stdout: memoryStream(true) });
    const bar = progressBar(out, 'movie.mkv', 1000);
    bar.update(500, 100);
    bar.stop();
    // biome-ignore lint/suspicious/noControlCharactersInRegex: cursor control is what redrawing is
    expect(stderr.text()).toMatch(/\u001b\[/);
    expect(stderr.text()).toContain('█');
    expect(stderr.text()).toContain('50% | 500 B of 1 kB | 100 B/s | 5 s left');
  });

  it('says nothing under --quiet', () => {
    const stderr = memoryStream(false);
    const bar = progressBar(new Output({ stderr, quiet: true }), 'x', 10);
    bar.update(5);
    bar.stop();
    expect(stderr.text()).toBe('');
  });
});

describe('results and errors', () => {
  it('keeps stdout for results: notices go to stderr, JSON replaces the lines', () => {
    const stdout = memoryStream(false);
    const stderr = memoryStream(false);
    const out = new Output({ stdout, stderr, json: true });
    out.info('a notice');
    out.result('a line');
    out.data({ ok: 1 });
    expect(JSON.parse(stdout.text())).toEqual({ ok: 1 });
    expect(stderr.text()).toBe('a notice\n');
  });
});
