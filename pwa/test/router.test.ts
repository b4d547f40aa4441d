import { describe, expect, it } from 'vitest';
import { parseRoute, roomIdFromText, roomLink } from '../src/app/router.ts';

const id = 'abcdefghijklmnopqrstuvwxyz';

describe('routes', () => {
  it('parses home, rooms and bad links', () => {
    expect(parseRoute('/', '')).toEqual({ name: 'home', shared: false });
    expect(parseRoute('/', '?shared=1')).toEqual({ name: 'home', shared: true });
    expect(parseRoute(`/r/${id}`, '')).toEqual({ name: 'room', roomId: id });
    expect(parseRoute(`/r/${id.toUpperCase()}/`, '')).toEqual({ name: 'room', roomId: id });
    expect(parseRoute('/r/short', '')).toEqual({ name: 'bad-link' });
    expect(parseRoute('/elsewhere', '')).toEqual({ name: 'not-found' });
    expect(parseRoute('/lobby', '')).toEqual({ name: 'lobby' });
    expect(parseRoute('/lobby/', '')).toEqual({ name: 'lobby' });
  });

  it('finds the room id in whatever was pasted', () => {
    expect(roomIdFromText(` ${roomLink('https://drop.example', id)} `)).toBe(id);
    expect(roomIdFromText(`http://10.0.0.2:8787/r/${id}?x=1`)).toBe(id);
    expect(roomIdFromText(id)).toBe(id);
    expect(roomIdFromText('https://example.com/')).toBeNull();
  });
});
