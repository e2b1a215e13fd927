import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutDirError, prepareOutDir } from '../../lambdas/local/out-dir.js';
import { tempFolder } from '../support/files.js';

let root: Awaited<ReturnType<typeof tempFolder>>;
let made = 0;
const fresh = (): string => join(root.path, `out-${++made}`);

beforeAll(async () => {
  root = await tempFolder('out-dir');
});

afterAll(async () => {
  await root.remove();
});

describe('prepareOutDir', () => {
  it('creates a missing folder, parents included, and marks it as StreamFlow output', async () => {
    // Prepare
    const dir = join(fresh(), 'nested', 'out');

    // Act
    await prepareOutDir(dir);

    // Assess
    expect(await readdir(dir)).toEqual(['.streamflow-out']);
    expect(await readFile(join(dir, '.streamflow-out'), 'utf8')).toMatch(/streamflow run/);
  });

  it('accepts an existing empty folder', async () => {
    // Prepare
    const dir = fresh();
    await mkdir(dir);

    // Act
    await prepareOutDir(dir);

    // Assess
    expect(await readdir(dir)).toEqual(['.streamflow-out']);
  });

  it('refuses a non-empty folder it did not make, and leaves it untouched', async () => {
    // Prepare
    const dir = fresh();
    await mkdir(join(dir, 'landing'), { recursive: true });
    await writeFile(join(dir, 'landing', 'precious.txt'), 'keep me');

    // Act
    const error = await prepareOutDir(dir).catch((reason: unknown) => reason);

    // Assess
    expect(error).toBeInstanceOf(OutDirError);
    expect((error as Error).message).toMatch(/is not empty and was not made by StreamFlow; choose a new or empty folder/);
    expect(await readFile(join(dir, 'landing', 'precious.txt'), 'utf8')).toBe('keep me');
    expect(existsSync(join(dir, '.streamflow-out'))).toBe(false);
  });

  it('refuses a path that is a file, with an error that says so', async () => {
    // Prepare
    const file = fresh();
    await writeFile(file, 'not a folder');

    // Act
    const error = await prepareOutDir(file).catch((reason: unknown) => reason);

    // Assess
    expect(error).toBeInstanceOf(OutDirError);
    expect((error as Error).message).toMatch(/is a file, not a folder/);
    expect(await readFile(file, 'utf8')).toBe('not a folder');
  });

  it('clears the outputs of an earlier run and nothing else', async () => {
    // Prepare
    const dir = fresh();
    await prepareOutDir(dir);
    for (const folder of ['landing/user_events', 'gold/user_events', 'quarantine/x', 'aws/lambda/t', 'reference', 'dashboard']) {
      await mkdir(join(dir, folder), { recursive: true });
      await writeFile(join(dir, folder, 'file'), 'old');
    }
    await writeFile(join(dir, 'warehouse.duckdb'), 'old');
    await writeFile(join(dir, 'notes.md'), 'mine');

    // Act
    await prepareOutDir(dir);

    // Assess
    expect((await readdir(dir)).sort()).toEqual(['.streamflow-out', 'notes.md']);
  });
});
