/**
 * What `streamflow report` says when the run's DuckDB file cannot be opened, as a user runs it (a
 * child process): a file that is not a database or is damaged is named with the way to rebuild it,
 * and only a real lock (a second process holding the file open, here a real DuckDB in another
 * process) is put down to another process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, open, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tempFolder } from '../support/files.js';
import { streamflowCli } from '../support/pipeline-run.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
let folder: Awaited<ReturnType<typeof tempFolder>>;
let dir: string;
let warehouseFile: string;
let goodCopy: string;
let holder: ChildProcess | undefined;

beforeAll(async () => {
  folder = await tempFolder('warehouse-file-errors');
  dir = join(folder.path, 'out');
  const run = await streamflowCli('run', '--events', '300', '--seed', '3', '--out', dir);
  expect(run.code, run.stderr).toBe(0);
  warehouseFile = join(dir, 'warehouse.duckdb');
  goodCopy = join(folder.path, 'good.duckdb');
  await copyFile(warehouseFile, goodCopy);
});

afterEach(async () => {
  holder?.kill();
  holder = undefined;
  await copyFile(goodCopy, warehouseFile);
});

afterAll(async () => {
  await folder.remove();
});

/** Starts a process that opens the warehouse read-write with DuckDB and keeps it open; resolves once it holds the lock. */
const holdOpen = (file: string): Promise<ChildProcess> =>
  new Promise((resolve, reject) => {
    const script = `import { DuckDBInstance } from '@duckdb/node-api'; const i = await DuckDBInstance.create(${JSON.stringify(file)}); await i.connect(); console.log('holding'); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('holding')) resolve(child);
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`the holding process exited with ${String(code)}`)));
  });

describe('streamflow report on a warehouse file it cannot open', () => {
  it('a file overwritten with garbage is "not a DuckDB database, or is damaged", named, with the commands that rebuild it; they do', async () => {
    // Prepare
    await writeFile(warehouseFile, randomBytes(64 * 1024));

    // Act
    const broken = await streamflowCli('report', '--out', dir);

    // Assess
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`The warehouse ${warehouseFile} is not a DuckDB database, or is damaged: delete it`);
    expect(broken.stderr).toContain(`streamflow load --out ${dir}`);
    expect(broken.stderr).not.toMatch(/another (streamflow )?process/);

    // Act: what the message says to do
    await rm(warehouseFile);
    const load = await streamflowCli('load', '--out', dir);
    const refresh = await streamflowCli('refresh', '--out', dir);
    const report = await streamflowCli('report', '--out', dir);

    // Assess
    expect([load.code, refresh.code], load.stderr + refresh.stderr).toEqual([0, 0]);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toMatch(/^Nothing lost: 300 records produced/m);
  });

  it('a damaged block (header intact, a checksum that fails) is not blamed on another process', async () => {
    // Prepare: keep DuckDB's 12 KiB of headers, overwrite the first data block.
    const handle = await open(warehouseFile, 'r+');
    await handle.write(randomBytes(256 * 1024), 0, 256 * 1024, 12 * 1024);
    await handle.close();

    // Act
    const result = await streamflowCli('report', '--out', dir);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`The warehouse ${warehouseFile} is not a DuckDB database, or is damaged`);
    expect(result.stderr).not.toMatch(/another (streamflow )?process/);
  });

  it('a file another process holds open says so, and says nothing of damage', async () => {
    // Prepare
    holder = await holdOpen(warehouseFile);

    // Act
    const result = await streamflowCli('report', '--out', dir);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Cannot open the warehouse ${warehouseFile}: another process holds it open`);
    expect(result.stderr).toMatch(/Conflicting lock is held in .*\(PID \d+\)/);
    expect(result.stderr).not.toMatch(/damaged|not a DuckDB database/);
  });
});
