/**
 * `streamflow docs`: builds every model once on an empty scratch warehouse (so the columns are
 * the engine's, and no run is needed), then writes the catalog and lineage page.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbWarehouse } from '../shared/adapters/duckdb-warehouse.js';
import { prepareWarehouse } from '../warehouse/prepare-warehouse.js';
import { runTaskGraph } from '../warehouse/run-task-graph.js';
import { buildModelCatalog, type ModelCatalog } from './model-catalog.js';
import { renderDocsPage } from './render-docs-page.js';

/** Builds the models on a throw-away warehouse and reads their catalog. */
export const catalogFromScratchWarehouse = async (): Promise<ModelCatalog> => {
  const scratch = await mkdtemp(join(tmpdir(), 'streamflow-docs-'));
  try {
    const warehouse = await DuckDbWarehouse.open(join(scratch, 'warehouse.duckdb'));
    try {
      await prepareWarehouse(warehouse);
      await runTaskGraph(warehouse);
      return await buildModelCatalog(warehouse);
    } finally {
      await warehouse.close();
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
};

/** Writes `outDir/docs/index.html`; resolves to its path. */
export const writeDocs = async (outDir: string, now = new Date()): Promise<{ path: string; catalog: ModelCatalog }> => {
  const catalog = await catalogFromScratchWarehouse();
  const dir = join(outDir, 'docs');
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'index.html');
  await writeFile(path, renderDocsPage(catalog, now));
  return { path, catalog };
};
