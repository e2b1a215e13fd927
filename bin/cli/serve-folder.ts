/** `streamflow dashboard --serve`: an existing folder's dashboard, served until Ctrl-C, following its warehouse file. */
import { stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { echartsSource } from '../../lambdas/dashboard/echarts-source.js';
import { LiveDashboard, readWarehouseView, type WarehouseView } from '../../lambdas/local/live-dashboard.js';
import { withWarehouse } from '../../lambdas/local/warehouse-stage.js';
import { startLiveServer } from '../../lambdas/local/live-server.js';
import type { ObjectStore } from '../../lambdas/shared/ports/object-store.js';

/** How often the warehouse file's modification time is checked. */
const WATCH_INTERVAL_MS = 2000;

/** Opens the file only to read it, so a run or refresh of another process can write it in between. */
const readFolderView = (store: ObjectStore, warehouseFile: string): Promise<WarehouseView> =>
  withWarehouse(warehouseFile, (warehouse) => readWarehouseView(store, warehouse));

export const serveFolder = async (options: { readonly store: ObjectStore; readonly warehouseFile: string; readonly port: number }): Promise<void> => {
  const dashboard = new LiveDashboard();
  dashboard.setWarehouse(await readFolderView(options.store, options.warehouseFile));
  const server = await startLiveServer({ port: options.port, current: () => dashboard.current(), echarts: await echartsSource() });
  process.stderr.write(`serving ${server.url} (Ctrl-C to stop)\n`);
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());

  let seen = (await stat(options.warehouseFile)).mtimeMs;
  while (!stop.signal.aborted) {
    await sleep(WATCH_INTERVAL_MS, undefined, { signal: stop.signal }).catch(() => undefined);
    const modified = (await stat(options.warehouseFile).catch(() => undefined))?.mtimeMs;
    if (stop.signal.aborted || modified === undefined || modified === seen) continue;
    try {
      dashboard.setWarehouse(await readFolderView(options.store, options.warehouseFile));
      seen = modified;
    } catch (error) {
      // Another process holds the file (a run or refresh writing it): keep the last numbers, retry.
      process.stderr.write(`warehouse busy (${(error as Error).message.split('\n')[0]}); keeping the last numbers\n`);
    }
  }
  await server.close();
};
