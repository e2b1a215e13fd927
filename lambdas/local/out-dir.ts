/**
 * The local run's output folder, which doubles as the local bucket. A run starts it afresh,
 * but only a folder StreamFlow made (it holds a marker file), so `--out ~` cannot wipe a home.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const MARKER = '.streamflow-out';
/** Everything a run writes; nothing else in the folder is touched. */
const RUN_OUTPUTS = ['landing', 'gold', 'quarantine', 'aws', 'ledger', 'reference', 'dashboard', 'warehouse.duckdb', 'warehouse.duckdb.wal'];

export class OutDirError extends Error {}

/** True for a folder an earlier run made: `run --consume-only` resumes into it instead of starting afresh. */
export const isRunOutDir = (dir: string): boolean => existsSync(join(dir, MARKER));

export const prepareOutDir = async (dir: string): Promise<void> => {
  if (existsSync(dir)) {
    if (!(await stat(dir)).isDirectory()) throw new OutDirError(`--out ${dir} is a file, not a folder; choose a new or empty folder`);
    const entries = await readdir(dir);
    if (entries.length > 0 && !entries.includes(MARKER)) {
      throw new OutDirError(`--out ${dir} is not empty and was not made by StreamFlow; choose a new or empty folder`);
    }
    await Promise.all(RUN_OUTPUTS.map((entry) => rm(join(dir, entry), { recursive: true, force: true })));
  }
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, MARKER), 'This folder holds StreamFlow local run outputs; `streamflow run` replaces them.\n');
};
