/**
 * The layers, drawn from the imports themselves: every relative import (static, `export … from`
 * and dynamic `import()`) of every source file under lambdas/, lib/ and bin/, read by TypeScript's
 * own pre-processor. Data flows one way (DESIGN.md): shared contracts and adapters at the bottom,
 * handlers and tools above them, infrastructure and the CLI on top; nothing imports upwards and
 * nothing imports itself round a circle.
 */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const ROOTS = ['lambdas', 'lib', 'bin'];
const SOURCE = /\.(ts|mts|mjs)$/;

type Graph = ReadonlyMap<string, readonly string[]>;

const sourceFiles = async (root: string): Promise<string[]> =>
  (await readdir(join(REPO, root), { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile() && SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => relative(REPO, join(entry.parentPath, entry.name)));

/** `./x.js` from `lambdas/a/b.ts` -> `lambdas/a/x.ts`: the file the import resolves to under TypeScript's NodeNext rules. */
const resolveImport = (from: string, specifier: string, files: ReadonlySet<string>): string | undefined => {
  const target = normalize(join(dirname(from), specifier));
  return [target, target.replace(/\.js$/, '.ts'), target.replace(/\.mjs$/, '.mts'), `${target}.ts`, join(target, 'index.ts')].find((file) =>
    files.has(file),
  );
};

const importGraph = async (): Promise<Graph> => {
  const files = (await Promise.all(ROOTS.map(sourceFiles))).flat();
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(await readFile(join(REPO, file), 'utf8'), true, true);
    const relativeImports = importedFiles.map((imported) => imported.fileName).filter((specifier) => specifier.startsWith('.'));
    graph.set(
      file,
      relativeImports.flatMap((specifier) => {
        // data (data/*.json) and other folders are no layer of code
        if (!ROOTS.includes(normalize(join(dirname(file), specifier)).split('/')[0]!)) return [];
        const resolved = resolveImport(file, specifier, known);
        if (!resolved) throw new Error(`${file} imports ${specifier}, which is no source file`);
        return [resolved];
      }),
    );
  }
  return graph;
};

/**
 * The room a file lives in: `lambdas/shared`, a handler or tool folder (`lambdas/loader`), a lib
 * folder (`lib/constructs`), or `bin`. Deeper folders belong to their room (`lambdas/shared/contracts`);
 * a file at the top of lib/ is a room of its own (lib/config.ts below the stacks, lib/streamflow-app.ts above them).
 */
const roomOf = (file: string): string => {
  const [root, folder] = file.split('/');
  if (root === 'bin') return 'bin';
  return `${root}/${folder}`;
};

/** Rank in the layering: a file may import its own rank or a lower one. */
const rankOf = (room: string): number => {
  if (room === 'lambdas/shared') return 0;
  if (room.startsWith('lambdas')) return 1;
  if (room.startsWith('lib')) return 2;
  return 3;
};

/** Strongly connected components with more than one member, or a member that imports itself (Tarjan). */
const cyclesOf = (graph: Graph): string[][] => {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) cycles.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return cycles;
};

/** The graph of rooms: an edge where some file of one imports some file of another. */
const roomGraph = (graph: Graph): Graph => {
  const rooms = new Map<string, Set<string>>();
  for (const [file, imports] of graph) {
    const edges = rooms.get(roomOf(file)) ?? new Set<string>();
    for (const target of imports) if (roomOf(target) !== roomOf(file)) edges.add(roomOf(target));
    rooms.set(roomOf(file), edges);
  }
  return new Map([...rooms].map(([room, edges]) => [room, [...edges]]));
};

const edgesOf = (graph: Graph): { from: string; to: string }[] => [...graph].flatMap(([from, imports]) => imports.map((to) => ({ from, to })));

let graph: Graph;

beforeAll(async () => {
  graph = await importGraph();
});

describe('the import graph of lambdas/, lib/ and bin/', () => {
  it('is read from the sources: the loader handler imports its core and the contracts, the CLI launcher the CLI', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('lambdas/loader/handler.ts')).toEqual(expect.arrayContaining(['lambdas/loader/make-handler.ts', 'lambdas/shared/contracts/bronze-tables.ts']));
    expect(graph.get('bin/streamflow.mjs')).toEqual(['bin/streamflow.ts']);
  });

  it('finds the circles and upward imports it is meant to refuse', () => {
    const drawn = new Map([
      ['lambdas/shared/a.ts', ['lambdas/consumer/b.ts']],
      ['lambdas/consumer/b.ts', ['lambdas/shared/a.ts']],
    ]);
    expect(cyclesOf(drawn)).toEqual([['lambdas/consumer/b.ts', 'lambdas/shared/a.ts']]);
    expect(edgesOf(drawn).filter(({ from, to }) => rankOf(roomOf(to)) > rankOf(roomOf(from)))).toEqual([
      { from: 'lambdas/shared/a.ts', to: 'lambdas/consumer/b.ts' },
    ]);
  });

  it('has no circle between files', () => {
    expect(cyclesOf(graph)).toEqual([]);
  });

  it('has no circle between rooms: no two handler folders, lib folders or constructs lean on each other', () => {
    expect(cyclesOf(roomGraph(graph))).toEqual([]);
  });

  it('imports only downwards: shared imports only shared; handlers and tools never lib/ or bin/; lib/ never bin/', () => {
    const upward = edgesOf(graph)
      .filter(({ from, to }) => rankOf(roomOf(to)) > rankOf(roomOf(from)))
      .map(({ from, to }) => `${from} -> ${to}`);
    expect(upward).toEqual([]);
  });
});
