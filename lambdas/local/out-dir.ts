/**
 * The local run's output folder, which doubles as the local bucket. A run starts it afresh,
 * but only a folder StreamFlow made (it holds a marker file), so `--out ~` cannot wipe a home.
 */
import { existsSync, statSync } from 'node:fs';
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

/**
 * For the commands that read a run (`report`, `load`, `refresh`, `dashboard`, `replay`): a folder
 * without one is a usage error (exit 2) and nothing is created in it, so a typo in `--out` never
 * leaves an empty warehouse behind that reports "Nothing lost".
 */
export const requireRunOutDir = (dir: string, shown: string): void => {
  if (!existsSync(dir)) throw new OutDirError(`--out ${shown}: no such folder; run \`streamflow run --out ${shown}\` first`);
  if (!statSync(dir).isDirectory()) throw new OutDirError(`--out ${shown} is a file, not a folder`);
  if (!isRunOutDir(dir)) throw new OutDirError(`--out ${shown} holds no StreamFlow run (no ${MARKER} file); run \`streamflow run --out ${shown}\` first`);
};

/**
 * For commands that only add their own folder (`docs`): a new or empty folder becomes StreamFlow's,
 * one StreamFlow made is used as it is, and any other is refused before anything is written.
 */
export const claimOutDir = async (dir: string, shown: string): Promise<void> => {
  if (existsSync(dir)) {
    if (!(await stat(dir)).isDirectory()) throw new OutDirError(`--out ${shown} is a file, not a folder; choose a new or empty folder`);
    if (isRunOutDir(dir)) return;
    if ((await readdir(dir)).length > 0) throw new OutDirError(`--out ${shown} is not empty and was not made by StreamFlow; choose a new or empty folder`);
  }
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, MARKER), 'This folder holds StreamFlow local run outputs; `streamflow run` replaces them.\n');
};
