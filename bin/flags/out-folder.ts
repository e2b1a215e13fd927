/** `--out DIR`, the local twin's folder, as every command but `run` and `docs` reads it: one that a run made. */
import { resolve } from 'node:path';
import { requireRunOutDir } from '../../lambdas/local/out-dir.js';

export const DEFAULT_OUT = '.streamflow';

/** The folder's absolute path; a usage error (exit 2) when it holds no StreamFlow run, before anything is created. */
export const runFolderFlag = (raw: string | undefined): string => {
  const outDir = resolve(raw ?? DEFAULT_OUT);
  requireRunOutDir(outDir, raw ?? DEFAULT_OUT);
  return outDir;
};
