/** `streamflow run --rate N [--serve [PORT]]`: the live run, its Ctrl-C, and the served page. */
import { echartsSource } from '../../lambdas/dashboard/echarts-source.js';
import type { EsmSettings } from '../../lambdas/local/esm-simulator.js';
import type { IngestSummary } from '../../lambdas/local/ingest.js';
import { LiveDashboard } from '../../lambdas/local/live-dashboard.js';
import { runLive } from '../../lambdas/local/live-run.js';
import { startLiveServer, type LiveServer } from '../../lambdas/local/live-server.js';
import type { ProducedMessage } from '../../lambdas/shared/ports/event-publisher.js';
import type { ObjectStore } from '../../lambdas/shared/ports/object-store.js';
import { progressBar } from './progress.js';

export interface LiveRunCommandOptions {
  readonly store: ObjectStore;
  readonly source: Iterable<ProducedMessage> | AsyncIterable<ProducedMessage>;
  readonly events: number;
  readonly rate: number;
  readonly esm: EsmSettings;
  readonly partitions: number;
  readonly warehouseFile: string;
  /** `--serve`'s port, when given. */
  readonly port: number | undefined;
}

/** Starts the server (when asked), streams until every event is sent or Ctrl-C, and hands the server back. */
export const runLiveCommand = async (options: LiveRunCommandOptions): Promise<{ summary: IngestSummary; server: LiveServer | undefined }> => {
  const stop = new AbortController();
  const onInterrupt = (): void => {
    process.stderr.write('\nstopping: delivering, loading and refreshing what was produced (Ctrl-C again to quit at once)\n');
    stop.abort();
    process.once('SIGINT', () => process.exit(130));
  };
  process.once('SIGINT', onInterrupt);

  const dashboard = options.port === undefined ? undefined : new LiveDashboard();
  const server = dashboard ? await startLiveServer({ port: options.port!, current: () => dashboard.current(), echarts: await echartsSource() }) : undefined;
  if (server) process.stderr.write(`live dashboard: ${server.url} (Operations shows the run as it streams)\n`);

  const progress = progressBar(`streaming ${options.rate}/s `, options.events);
  try {
    const { summary } = await runLive({ ...options, signal: stop.signal, ...(dashboard ? { dashboard } : {}), onProgress: (done) => progress.update(done) });
    return { summary, server };
  } finally {
    progress.finish();
    process.removeListener('SIGINT', onInterrupt);
  }
};

/** After the run: keep serving the final numbers until Ctrl-C. */
export const serveUntilInterrupted = async (server: LiveServer): Promise<void> => {
  process.stderr.write(`run finished; still serving ${server.url} (Ctrl-C to stop)\n`);
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  await server.close();
};
