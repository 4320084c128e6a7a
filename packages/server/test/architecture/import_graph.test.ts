import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/** Every module under src/ with the src modules it imports (type-only imports included). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => join(SRC, file));
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    graph.set(
      relative(SRC, file),
      importedFiles
        .map((imported) => imported.fileName)
        .filter((name) => name.startsWith('.'))
        .map((name) => relative(SRC, resolve(dirname(file), name.replace(/\.js$/, '.ts')))),
    );
  }
  return graph;
}

/** The first import cycle found by a depth-first walk, as the modules around it, or null. */
function findCycle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  function visit(module: string): string[] | null {
    if (state.get(module) === 'done') return null;
    if (state.get(module) === 'open') return [...path.slice(path.indexOf(module)), module];
    state.set(module, 'open');
    path.push(module);
    for (const next of graph.get(module) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(module, 'done');
    return null;
  }
  for (const module of graph.keys()) {
    const cycle = visit(module);
    if (cycle) return cycle;
  }
  return null;
}

describe('the server’s import graph', () => {
  const graph = importGraph();

  it('reads the modules it checks', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('http/build_app.ts')).toContain('http/app_services.ts');
  });

  it('has no import cycle', () => {
    expect(findCycle(graph)).toBeNull();
  });

  it('flows one way: core and store import neither http, cli nor runtime', () => {
    const upward = [...graph].flatMap(([module, imports]) =>
      /^(core|store)\//.test(module)
        ? imports
            .filter((target) => /^(http|cli|runtime)\//.test(target))
            .map((t) => `${module} → ${t}`)
        : [],
    );
    expect(upward).toEqual([]);
  });

  it('builds its services in runtime/, not in the HTTP layer', () => {
    const constructing = [...graph]
      .filter(([module]) => module.startsWith('http/'))
      .filter(([module]) =>
        /\bnew [A-Z]\w*Cache\b|createTokenService\(/.test(readFileSync(join(SRC, module), 'utf8')),
      )
      .map(([module]) => module);
    expect(constructing).toEqual([]);
  });
});
