/** `streamflow docs`: the models' catalog and lineage, as one HTML page. */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeDocs } from '../../lambdas/docs/write-docs.js';
import { claimOutDir } from '../../lambdas/local/out-dir.js';
import { displayPath } from '../cli/run-summary.js';

export const DOCS_USAGE = `streamflow docs [--out DIR]
  Writes DIR/docs/index.html (default DIR .streamflow): every model under sql/models/ with its
  grain, definition, columns, upstream and downstream tables, and a lineage diagram derived from
  the SQL itself. Needs no run: the models are built once on an empty scratch warehouse.`;

export const docsCommand = async (args: string[]): Promise<number> => {
  const { values } = parseArgs({ args, options: { out: { type: 'string' } }, strict: true, allowPositionals: false });
  const outDir = resolve(values.out ?? '.streamflow');
  await claimOutDir(outDir, values.out ?? '.streamflow');
  const { path, catalog } = await writeDocs(outDir);
  console.log(`docs: ${catalog.models.length} models, ${catalog.sources.length} sources → ${displayPath(path)}`);
  return 0;
};
