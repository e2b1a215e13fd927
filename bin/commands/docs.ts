/** `streamflow docs`: the models' catalog and lineage, as one HTML page. */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeDocs } from '../../lambdas/docs/write-docs.js';
import { claimOutDir } from '../../lambdas/local/out-dir.js';
import { displayPath } from '../cli/run-summary.js';

export const docsCommand = async (args: string[]): Promise<number> => {
  const { values } = parseArgs({ args, options: { out: { type: 'string' } }, strict: true, allowPositionals: false });
  const outDir = resolve(values.out ?? '.streamflow');
  await claimOutDir(outDir, values.out ?? '.streamflow');
  const { path, catalog } = await writeDocs(outDir);
  console.log(`docs: ${catalog.models.length} models, ${catalog.sources.length} sources → ${displayPath(path)}`);
  return 0;
};
