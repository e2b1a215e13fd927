/** `streamflow load`: the loader Lambda against the local bucket and DuckDB. */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FolderObjectStore } from '../../lambdas/shared/adapters/folder-object-store.js';
import { requireRunOutDir } from '../../lambdas/local/out-dir.js';
import { loadFiles } from '../../lambdas/local/warehouse-stage.js';
import { UsageError } from '../cli/flags.js';
import { displayPath } from '../cli/run-summary.js';

/** A key prefix as S3 and the folder store both read it: relative, no empty, `.` or `..` segment (a trailing `/` is fine). */
const isSafePrefix = (prefix: string): boolean => prefix !== '' && !prefix.startsWith('/') && !prefix.replace(/\/$/, '').split('/').some((part) => part === '' || part === '.' || part === '..');

export const loadCommand = async (args: string[]): Promise<number> => {
  const { values } = parseArgs({
    args,
    options: { out: { type: 'string' }, reload: { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' } },
    strict: true,
  });
  if (values.force && values.reload === undefined) throw new UsageError('--force needs --reload PREFIX (which files to reload)');
  const outDir = resolve(values.out ?? '.streamflow');
  requireRunOutDir(outDir, values.out ?? '.streamflow');
  if (values.reload !== undefined && !isSafePrefix(values.reload)) {
    throw new UsageError(`--reload must be an object key prefix such as gold/transactions/ (relative, no . or .. segments), got "${values.reload}"`);
  }
  const event = values.reload === undefined ? undefined : { reload: values.reload, force: values.force ?? false };
  const summary = await loadFiles({ store: new FolderObjectStore(outDir), warehouseFile: join(outDir, 'warehouse.duckdb'), ...(event ? { event } : {}) });
  if (values.json) {
    console.log(JSON.stringify(summary, null, 2));
  } else {
    console.log(`loaded ${summary.loaded} files, skipped ${summary.skipped} already loaded, ${summary.failed} rejected → ${displayPath(join(outDir, 'warehouse.duckdb'))}`);
    for (const [table, rows] of Object.entries(summary.rowsLoaded)) console.log(`  ${table.padEnd(28)} ${rows.toLocaleString('en-US')} rows`);
    for (const file of summary.files) if (file.status === 'failed') console.log(`  rejected ${file.key}: ${file.error}`);
  }
  if (values.reload !== undefined && summary.files.length === 0) {
    console.log(`no gold, reference or quarantine file under ${values.reload}: nothing reloaded (prefixes start with gold/, reference/ or quarantine/)`);
    return 1;
  }
  return summary.failed === 0 ? 0 : 1;
};
