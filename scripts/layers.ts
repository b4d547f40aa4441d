// `npm run check` fails when an import points against the layers (README, "Architecture"): the PWA's
// app/ uses net/, state/ and transfer/, which never use app/; the shared protocol uses nothing of ours
// outside it. Type-only imports count too: a lower layer should not need to know the upper one's shapes.

import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { importGraph } from './importCycles.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Folders (from the repository root) and the folders their modules must not import from. */
export const RULES: [string, string[]][] = [
  ['pwa/src/net/', ['pwa/src/app/']],
  ['pwa/src/state/', ['pwa/src/app/', 'pwa/src/net/']],
  ['pwa/src/transfer/', ['pwa/src/app/']],
  ['pwa/src/workers/', ['pwa/src/app/']],
  ['worker/protocol/', ['worker/', 'pwa/', 'cli/']],
];

/** The rule an import from `from` to `to` (paths from the repository root) breaks, or null. */
export function brokenRule(from: string, to: string): string | null {
  for (const [folder, forbidden] of RULES) {
    if (!from.startsWith(folder)) continue;
    for (const f of forbidden)
      if (to.startsWith(f) && !to.startsWith(folder)) return `${folder} must not import ${f}`;
  }
  return null;
}

/** Every relative import of a file, type-only ones included. */
function allImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  return source.statements.flatMap((s) =>
    (ts.isImportDeclaration(s) || ts.isExportDeclaration(s)) &&
    s.moduleSpecifier &&
    ts.isStringLiteral(s.moduleSpecifier)
      ? [s.moduleSpecifier.text]
      : [],
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const problems: string[] = [];
  for (const file of importGraph(['pwa/src', 'worker/protocol']).keys()) {
    const from = relative(ROOT, file);
    for (const spec of allImports(file).filter((s) => s.startsWith('.'))) {
      const to = relative(ROOT, new URL(spec, `file://${file}`).pathname);
      const rule = brokenRule(from, to);
      if (rule) problems.push(`${from} imports ${to}: ${rule}`);
    }
  }
  for (const p of problems) console.error(`layers: ${p}`);
  if (problems.length > 0) process.exit(1);
  console.log('layers point one way');
}
