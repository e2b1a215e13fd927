/** `streamflow docs`: the models' catalog and lineage, as one HTML page. */
import { writeDocs } from '../../lambdas/docs/write-docs.js';
import { claimOutDir } from '../../lambdas/local/out-dir.js';
import { displayPath } from '../cli/run-summary.js';
import type { DocsFlags } from '../flags/docs.js';

export const docsCommand = async ({ outDir, outName }: DocsFlags): Promise<number> => {
  await claimOutDir(outDir, outName);
  const { path, catalog } = await writeDocs(outDir);
  console.log(`docs: ${catalog.models.length} models, ${catalog.sources.length} sources → ${displayPath(path)}`);
  return 0;
};
