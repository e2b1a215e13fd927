/**
 * Poison and hostile input through `streamflow run --input`: a generated corpus (every kind of
 * garbage, several lines of megabytes) ends with every record in gold or in quarantine with a
 * reason, every gold file loaded, `lost` = 0, and no crash. The long run over bigger corpora and
 * more seeds is hostile-input.chaos.ts.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempFolder } from '../support/files.js';
import { hostileCorpus, hugeCorpusLines } from '../support/hostile-corpus.js';
import { recordFigures } from '../support/local-twin.js';
import { HOSTILE_UNTIL, runHostileCorpus } from './hostile-lab.js';

let root: Awaited<ReturnType<typeof tempFolder>>;

beforeAll(async () => {
  root = await tempFolder('hostile');
});

afterAll(async () => {
  await root.remove();
});

describe('a hostile corpus through streamflow run --input', () => {
  it('puts every line in gold or in quarantine with a reason, loads every file and loses nothing', async () => {
    // Prepare: 1,500 generated lines, the multi-megabyte ones in the middle
    const until = new Date(HOSTILE_UNTIL);
    const generated = hostileCorpus({ seed: 20_250_615, lines: 1_500, until });
    const corpus = [...generated.slice(0, 700), ...hugeCorpusLines(until), ...generated.slice(700)];
    expect(new Set(corpus.map((line) => line.kind)).size).toBeGreaterThanOrEqual(30);

    // Act / Assess (the assertions on every line are in runHostileCorpus)
    const figures = await runHostileCorpus(corpus, join(root.path, 'out'), 150);

    recordFigures('hostile corpus (1,502 lines, seed 20250615)', figures);
  });
});
