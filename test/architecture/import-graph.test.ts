// The import graph of src/, type-only imports included: ESLint's import/no-cycle (.projenrc.ts) skips `import type`,
// yet a type-only cycle is the same tangle for a reader (the session once took its contract types from the StatefulSet
// run that drives it). This walks every relative import and fails on any cycle, naming it.
import * as fs from 'fs';
import * as path from 'path';

const SRC = path.join(__dirname, '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return sourceFiles(full);
    }
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** The files of src/ that `file` imports (statically or with `import()`), types included. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)].map((match) => match[1]);
  return specifiers.map((specifier) => {
    const base = path.resolve(path.dirname(file), specifier);
    const candidates = [`${base}.ts`, path.join(base, 'index.ts')];
    const found = candidates.find((candidate) => fs.existsSync(candidate));
    if (!found) {
      throw new Error(`${path.relative(SRC, file)} imports ${specifier}, which is no file of src/`);
    }
    return found;
  });
}

/** Every cycle of the graph, each once, as the list of files around it. */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') {
        cycles.push(stack.slice(stack.indexOf(next)));
      } else if (!state.has(next)) {
        visit(next);
      }
    }
    stack.pop();
    state.set(node, 'done');
  };
  [...graph.keys()].sort().forEach((node) => state.has(node) || visit(node));
  return cycles;
}

describe('the import graph of src/', () => {
  const graph = new Map(sourceFiles(SRC).map((file) => [file, importsOf(file)] as const));

  test('covers the whole tree', () => {
    expect(graph.size).toBeGreaterThan(150);
  });

  test('has no cycle, type-only imports included', () => {
    const cycles = findCycles(graph).map((cycle) => cycle.map((file) => path.relative(SRC, file)).join(' -> '));
    expect(cycles).toEqual([]);
  });

  test('the cycle finder finds a type-only cycle like the one the session and the StatefulSet run once had', () => {
    const tangled = new Map([
      ['promotion-session', ['promotion-contract', 'partition-promotion']],
      ['partition-promotion', ['promotion-session']],
      ['promotion-contract', []],
    ]);
    expect(findCycles(tangled)).toEqual([['partition-promotion', 'promotion-session']]);
  });
});
