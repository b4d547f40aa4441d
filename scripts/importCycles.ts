// `npm run check` fails on an import cycle between our own modules: a value import (one that loads the
// module when this one loads) that leads back to where it started. Type-only imports (`import type`,
// `import { type A }`, `export type ... from`) and dynamic `import()` are not edges: the bundle drops the
// first ones and the last runs the other module later.
// Usage: node scripts/importCycles.ts [folder ...]   (default: pwa worker cli e2e bench scripts)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SKIP = new Set(['node_modules', 'dist', '.wrangler']);

/** The relative modules `source` (a .ts/.tsx file's text) imports for their values. */
export function valueImports(source: string, fileName = 'x.ts'): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false);
  const found: string[] = [];
  for (const node of file.statements) {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      if (clause?.isTypeOnly) continue;
      const named = clause?.namedBindings;
      if (
        clause &&
        !clause.name &&
        named &&
        ts.isNamedImports(named) &&
        named.elements.every((e) => e.isTypeOnly)
      )
        continue;
      found.push((node.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      if (node.isTypeOnly) continue;
      const named = node.exportClause;
      if (named && ts.isNamedExports(named) && named.elements.every((e) => e.isTypeOnly)) continue;
      found.push((node.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isImportEqualsDeclaration(node) && !node.isTypeOnly) {
      const ref = node.moduleReference;
      if (ts.isExternalModuleReference(ref)) found.push((ref.expression as ts.StringLiteral).text);
    }
  }
  return found.filter((s) => s.startsWith('./') || s.startsWith('../'));
}

/** Every cycle in the graph, each once (as the list of its modules, starting from its smallest). */
export function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles = new Map<string, string[]>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') {
        const cycle = stack.slice(stack.indexOf(next));
        const start = cycle.indexOf([...cycle].sort()[0]!);
        const canonical = [...cycle.slice(start), ...cycle.slice(0, start)];
        cycles.set(canonical.join('\n'), canonical);
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return [...cycles.values()];
}

function sources(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    if (SKIP.has(name)) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

function resolveImport(from: string, specifier: string): string | null {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

export function importGraph(folders: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const pending = folders.flatMap((f) => sources(resolve(ROOT, f)));
  // modules outside the folders that they import (worker/protocol from pwa/) are followed too
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (graph.has(file)) continue;
    const targets = valueImports(readFileSync(file, 'utf8'), file)
      .map((s) => resolveImport(file, s))
      .filter((t): t is string => t !== null && /\.tsx?$/.test(t));
    graph.set(file, targets);
    pending.push(...targets.filter((t) => !graph.has(t)));
  }
  return graph;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const folders = process.argv.slice(2);
  const graph = importGraph(
    folders.length > 0 ? folders : ['pwa', 'worker', 'cli', 'e2e', 'bench', 'scripts'],
  );
  const cycles = findCycles(graph);
  for (const cycle of cycles) {
    const names = cycle.map((f) => relative(ROOT, f));
    console.error(`import cycle: ${[...names, names[0]].join(' -> ')}`);
  }
  if (cycles.length > 0) process.exit(1);
  console.log(`no import cycles among ${graph.size} modules`);
}
