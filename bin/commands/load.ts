/** `streamflow load`: the loader Lambda against the local bucket and DuckDB. */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FolderObjectStore } from '../../lambdas/shared/adapters/folder-object-store.js';
import { requireRunOutDir } from '../../lambdas/local/out-dir.js';
import { loadFiles } from '../../lambdas/local/warehouse-stage.js';
import { UsageError } from '../cli/flags.js';
import { displayPath } from '../cli/run-summary.js';

export const LOAD_USAGE = `streamflow load [--out DIR] [--reload PREFIX [--force]] [--json]
  Loads pending gold, reference and quarantine files from DIR (default .streamflow) into
  DIR/warehouse.duckdb, skipping files already loaded (same key and ETag). --reload PREFIX loads
  the files under PREFIX (e.g. gold/transactions/); with --force it reloads them even if loaded.`;

export const loadCommand = async (args: string[]): Promise<number> => {
  const { values } = parseArgs({
    args,
    options: { out: { type: 'string' }, reload: { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' } },
    strict: true,
  });
  if (values.force && values.reload === undefined) throw new UsageError('--force needs --reload PREFIX (which files to reload)');
  const outDir = resolve(values.out ?? '.streamflow');
  requireRunOutDir(outDir, values.out ?? '.streamflow');
  const event = values.reload === undefined ? undefined : { reload: values.reload, force: values.force ?? false };
  const summary = await loadFiles({ store: new FolderObjectStore(outDir), warehouseFile: join(outDir, 'warehouse.duckdb'), ...(event ? { event } : {}) });
  if (values.json) {
    console.log(JSON.stringify(summary, null, 2));
  } else {
    console.log(`loaded ${summary.loaded} files, skipped ${summary.skipped} already loaded, ${summary.failed} rejected → ${displayPath(join(outDir, 'warehouse.duckdb'))}`);
    for (const [table, rows] of Object.entries(summary.rowsLoaded)) console.log(`  ${table.padEnd(28)} ${rows.toLocaleString('en-US')} rows`);
    for (const file of summary.files) if (file.status === 'failed') console.log(`  rejected ${file.key}: ${file.error}`);
  }
  return summary.failed === 0 ? 0 : 1;
};
