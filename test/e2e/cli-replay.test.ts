import '../support/quiet-powertools.js';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ESM_SETTINGS } from '../../lambdas/local/esm-simulator.js';
import { prepareOutDir } from '../../lambdas/local/out-dir.js';
import { tempFolder } from '../support/files.js';
import { ingestInto, newBucket, streamOf } from '../support/local-twin.js';
import { streamflowCli } from '../support/pipeline-run.js';
import { countRunFiles } from '../support/run-files.js';

let root: Awaited<ReturnType<typeof tempFolder>>;

beforeAll(async () => {
  root = await tempFolder('cli-replay');
});

afterAll(async () => {
  await root.remove();
});

describe('streamflow replay (child process)', () => {
  it('rebuilds a bucket that lost its gold files, with progress on stderr and the next step on stdout; a bad flag exits 2', async () => {
    // Prepare: the recovery drill from `streamflow run` on is test/reliability/cli-recovery.chaos.ts
    // A folder `streamflow run` made (replay refuses any other).
    await prepareOutDir(join(root.path, 'out'));
    const bucket = await newBucket(root.path, 'out');
    await ingestInto(bucket, streamOf({ events: 500, seed: 9, dirtyRate: 0.1, days: 3 }), { ...DEFAULT_ESM_SETTINGS, batchSize: 100 });
    const before = await countRunFiles(bucket.dir);
    await rm(join(bucket.dir, 'gold'), { recursive: true });

    // Act
    const [replayed, refused] = await Promise.all([streamflowCli('replay', '--out', bucket.dir), streamflowCli('replay', '--out', bucket.dir, '--from', 'nowhere')]);

    // Assess
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toMatch(/landing\s+\d+ files derived again: 500 records/);
    expect(replayed.stdout).toContain('Next: streamflow load');
    expect(replayed.stderr).toMatch(/landing\s+\[#+/);
    expect(await countRunFiles(bucket.dir)).toEqual(before);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--from must be onfailure, landing or all/);
  });
});
