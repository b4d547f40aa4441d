import { describe, expect, it } from 'vitest';
import { CliError } from '../src/errors.ts';
import { looksLikeLink, parseRoomLink } from '../src/roomLink.ts';

const ID = 'abcdefghijklmnopqrstuvwxyz';

describe('room links', () => {
  it('reads the tracker and the room out of what the app copies', () => {
    expect(parseRoomLink(`http://10.0.0.2:8787/r/${ID}`)).toEqual({
      origin: 'http://10.0.0.2:8787',
      roomId: ID,
      href: `http://10.0.0.2:8787/r/${ID}`,
      fragment: null,
    });
    expect(parseRoomLink(`  https://drop.example/r/${ID.toUpperCase()}/  `).roomId).toBe(ID);
    expect(parseRoomLink(`https://drop.example/r/${ID}?from=qr`).origin).toBe('https://drop.example');
  });

  it('keeps the whole link, fragment included, so what it carries goes with it', () => {
    const link = parseRoomLink(`https://drop.example/r/${ID}#invite-Secret_123`);
    expect(link.fragment).toBe('invite-Secret_123');
    expect(link.href).toBe(`https://drop.example/r/${ID}#invite-Secret_123`);
  });

  it.each([
    ['not a link', 'hello'],
    ['another scheme', `ftp://drop.example/r/${ID}`],
    ['no room id', 'https://drop.example/'],
    ['a short id', 'https://drop.example/r/abc'],
    ['characters outside base32', `https://drop.example/r/${ID.slice(0, 25)}1`],
    ['a deeper path', `https://drop.example/r/${ID}/files`],
    ['a password in it', `https://me:pw@drop.example/r/${ID}`],
  ])('refuses %s with bad_link', (_, text) => {
    expect(() => parseRoomLink(text)).toThrow(CliError);
    try {
      parseRoomLink(text);
    } catch (error) {
      expect((error as CliError).code).toBe('bad_link');
      expect((error as CliError).exitCode).toBe(2);
    }
  });

  it('tells links from room ids', () => {
    expect(looksLikeLink(`https://x/r/${ID}`)).toBe(true);
    expect(looksLikeLink(ID)).toBe(false);
    expect(looksLikeLink('abcd')).toBe(false);
  });
});
