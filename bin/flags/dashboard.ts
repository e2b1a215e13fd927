/** `streamflow dashboard`'s flags, parsed and checked before the command's dependencies load. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../cli/flags.js';
import { takeServeFlag } from '../cli/serve-flag.js';
import { DEFAULT_OUT, runFolderFlag } from './out-folder.js';

export interface DashboardFlags {
  readonly outDir: string;
  readonly warehouseFile: string;
  /** `--serve [PORT]`: serve the folder and keep the dashboard current. */
  readonly port: number | undefined;
}

export const parseDashboardFlags = (commandArgs: string[]): DashboardFlags => {
  const { args, port } = takeServeFlag(commandArgs);
  const { values } = parseArgs({ args, options: { out: { type: 'string' } }, strict: true, allowPositionals: false });
  const outDir = runFolderFlag(values.out);
  const warehouseFile = join(outDir, 'warehouse.duckdb');
  if (!existsSync(warehouseFile)) throw new UsageError(`no warehouse at ${warehouseFile}: run \`streamflow run --out ${values.out ?? DEFAULT_OUT}\` first`);
  return { outDir, warehouseFile, port };
};
