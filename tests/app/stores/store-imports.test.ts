// @vitest-environment node
/**
 * Stores form no import cycle (STYLE.md §7): walks the static value imports of every module of
 * src/app (type-only imports and dynamic import() are not edges: neither runs at load) and fails
 * on any cycle that passes through a store, naming it. The lint config (src/build/eslint.config.js)
 * keeps the other half of the door shut.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const APP = join(ROOT, 'src/app');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return filesUnder(p);
    return /\.(ts|vue)$/.test(name) && !name.endsWith('.d.ts') ? [p] : [];
  });
}

/** The modules a file imports at load time (relative specifiers resolved to files). */
export function staticImportsOf(file: string, source: string): string[] {
  const code = file.endsWith('.vue') ? [...source.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n') : source;
  const out: string[] = [];
  for (const m of code.matchAll(/^\s*(import|export)\s+(type\s+)?([^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm)) {
    if (m[2] || !m[4]!.startsWith('.')) continue;
    // `import { type A, type B } from` is erased too.
    if (m[3] && /^\{\s*(type\s+\w+\s*(as\s+\w+\s*)?,?\s*)+\}\s+from\s+$/.test(m[3].trim() + ' ')) continue;
    const base = resolve(dirname(file), m[4]!);
    const hit = [base, `${base}.ts`, `${base}.vue`, join(base, 'index.ts')].find((p) => {
      try {
        return statSync(p).isFile();
      } catch {
        return false;
      }
    });
    if (hit) out.push(hit);
  }
  return out;
}

/** Every elementary cycle's first occurrence found by a depth-first walk, as module paths. */
function cyclesThrough(graph: Map<string, string[]>, starts: string[]): string[][] {
  const found: string[][] = [];
  const seen = new Set<string>();
  for (const start of starts) {
    const stack: string[] = [];
    const onStack = new Set<string>();
    const visit = (n: string) => {
      stack.push(n);
      onStack.add(n);
      for (const next of graph.get(n) ?? []) {
        if (next === start) {
          const key = [...stack].sort().join('|');
          if (!seen.has(key)) {
            seen.add(key);
            found.push([...stack, start]);
          }
        } else if (!onStack.has(next) && stack.length < 12) visit(next);
      }
      stack.pop();
      onStack.delete(n);
    };
    visit(start);
  }
  return found;
}

describe('store imports', () => {
  const files = filesUnder(APP);
  const graph = new Map(files.map((f) => [f, staticImportsOf(f, readFileSync(f, 'utf8'))]));
  const stores = files.filter((f) => f.startsWith(join(APP, 'stores')));

  it('finds the stores and their imports', () => {
    expect(stores.map((f) => relative(APP, f)).sort()).toEqual([
      'stores/awards.ts',
      'stores/identity.ts',
      'stores/ledger.ts',
      'stores/region.ts',
      'stores/session-setup.ts',
      'stores/session.ts',
      'stores/settings.ts',
      'stores/sync.ts',
      'stores/targets.ts',
      'stores/taxonomy-sync.ts',
    ]);
    expect(graph.get(join(APP, 'stores/ledger.ts'))!.map((f) => relative(APP, f))).toContain('stores/identity.ts');
  });

  it('has no import cycle through a store', () => {
    const cycles = cyclesThrough(graph, stores).map((c) => c.map((f) => relative(APP, f)).join(' → '));
    expect(cycles).toEqual([]);
  });

  it('sees a cycle when there is one (the walk itself can fail)', () => {
    const a = join(APP, 'stores/a.ts');
    const b = join(APP, 'stores/b.ts');
    const g = new Map([
      [a, [b]],
      [b, [a]],
    ]);
    expect(cyclesThrough(g, [a]).map((c) => c.map((f) => relative(APP, f)))).toEqual([['stores/a.ts', 'stores/b.ts', 'stores/a.ts']]);
  });
});
