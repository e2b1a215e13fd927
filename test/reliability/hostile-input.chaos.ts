/** Bigger hostile corpora through `streamflow run --input`, several seeds (the fast one is hostile-input.test.ts). */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { tempFolder } from '../support/files.js';
import { hostileCorpus, hugeCorpusLines } from '../support/hostile-corpus.js';
import { recordFigures } from '../support/local-twin.js';
import { HOSTILE_UNTIL, runHostileCorpus } from './hostile-lab.js';

let root: Awaited<ReturnType<typeof tempFolder>>;

beforeAll(async () => {
  root = await tempFolder('hostile-chaos');
});

afterAll(async () => {
  await root.remove();
});

describe('hostile corpora through streamflow run --input', () => {
  it.each([1, 2, 3])('puts each of 20,000 lines (seed %i) in gold or quarantine, loads every file and loses nothing', async (seed) => {
    const until = new Date(HOSTILE_UNTIL);
    const generated = hostileCorpus({ seed, lines: 20_000, until });
    const corpus = [...generated.slice(0, 10_000), ...hugeCorpusLines(until), ...generated.slice(10_000)];
    const figures = await runHostileCorpus(corpus, join(root.path, `seed-${seed}`), 500);
    recordFigures(`hostile corpus (20,003 lines, seed ${seed})`, figures);
  });
});
