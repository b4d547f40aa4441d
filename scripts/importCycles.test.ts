import { describe, expect, it } from 'vitest';
import { findCycles, valueImports } from './importCycles.ts';

describe('the import-cycle check', () => {
  it('counts value imports and re-exports, not type-only ones, packages or dynamic import()', () => {
    const source = [
      "import { a } from './a.ts';",
      "import type { B } from './b.ts';",
      "import { type C, d } from '../c.ts';",
      "import './side.ts';",
      "import { z } from 'zod';",
      "export { e } from './e.ts';",
      "export type { F } from './f.ts';",
      "export { type G } from './g.ts';",
      "import { type H } from './h.ts';",
      "const later = () => import('./lazy.ts');",
    ].join('\n');
    expect(valueImports(source)).toEqual(['./a.ts', '../c.ts', './side.ts', './e.ts']);
  });

  it('finds each cycle once, and none in a graph without one', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
      ['e', ['e']],
    ]);
    expect(findCycles(graph)).toEqual([['a', 'b', 'c'], ['e']]);
    expect(
      findCycles(
        new Map([
          ['a', ['b', 'c']],
          ['b', ['c']],
          ['c', []],
        ]),
      ),
    ).toEqual([]);
  });
});
