/** `streamflow load`: the loader Lambda against the local bucket and DuckDB. */
import { join } from 'node:path';
import { FolderObjectStore } from '../../lambdas/shared/adapters/folder-object-store.js';
import { loadFiles } from '../../lambdas/local/warehouse-stage.js';
import { displayPath } from '../cli/run-summary.js';
import type { LoadFlags } from '../flags/load.js';

export const loadCommand = async ({ outDir, reload, json }: LoadFlags): Promise<number> => {
  const summary = await loadFiles({ store: new FolderObjectStore(outDir), warehouseFile: join(outDir, 'warehouse.duckdb'), ...(reload ? { event: reload } : {}) });
  if (json) {
    console.log(JSON.stringify(summary, null, 2));
  } else {
    console.log(`loaded ${summary.loaded} files, skipped ${summary.skipped} already loaded, ${summary.failed} rejected → ${displayPath(join(outDir, 'warehouse.duckdb'))}`);
    for (const [table, rows] of Object.entries(summary.rowsLoaded)) console.log(`  ${table.padEnd(28)} ${rows.toLocaleString('en-US')} rows`);
    for (const file of summary.files) if (file.status === 'failed') console.log(`  rejected ${file.key}: ${file.error}`);
  }
  if (reload && summary.files.length === 0) {
    console.log(`no gold, reference or quarantine file under ${reload.reload}: nothing reloaded (prefixes start with gold/, reference/ or quarantine/)`);
    return 1;
  }
  return summary.failed === 0 ? 0 : 1;
};
