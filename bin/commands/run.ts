/** `streamflow run`: the local twin end to end. */
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FolderObjectStore } from '../../lambdas/shared/adapters/folder-object-store.js';
import { DEFAULT_ESM_SETTINGS, type EsmSettings } from '../../lambdas/local/esm-simulator.js';
import { ingest, publishReferenceData, type IngestSummary } from '../../lambdas/local/ingest.js';
import { deliveryWorkersFor } from '../../lambdas/local/delivery-workers.js';
import { consumeFromBrokers, produceToBrokers } from '../../lambdas/local/broker-ingest.js';
import { brokerGroupPositions, recordBrokerOffsets } from '../../lambdas/local/broker-source-offsets.js';
import { readInputFile } from '../../lambdas/local/input-file.js';
import { isRunOutDir, prepareOutDir } from '../../lambdas/local/out-dir.js';
import { generateDashboard } from '../../lambdas/local/dashboard-stage.js';
import { ledgerReport, loadAndRefresh } from '../../lambdas/local/warehouse-stage.js';
import { generateEventStream } from '../../lambdas/producer/event-stream.js';
import { eventWindow } from '../../lambdas/producer/seasonality.js';
import { UsageError, brokersFlag, dateFlag, existingFileFlag, integerFlag, rateFlag } from '../cli/flags.js';
import { progressBar, type Progress } from '../cli/progress.js';
import type { ProducedMessage } from '../../lambdas/shared/ports/event-publisher.js';
import { displayPath, printRunSummary } from '../cli/run-summary.js';
import { runLiveCommand, serveUntilInterrupted } from '../cli/live-run.js';
import { takeServeFlag } from '../cli/serve-flag.js';

export const runCommand = async (commandArgs: string[]): Promise<number> => {
  const { args, port } = takeServeFlag(commandArgs);
  const { values } = parseArgs({
    args,
    options: {
      rate: { type: 'string' },
      events: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      input: { type: 'string' },
      'dirty-rate': { type: 'string' },
      days: { type: 'string' },
      until: { type: 'string' },
      'batch-size': { type: 'string' },
      partitions: { type: 'string' },
      brokers: { type: 'string' },
      'consume-only': { type: 'boolean' },
      group: { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  });
  const events = integerFlag('events', values.events, 50_000, 1, 50_000_000);
  const seed = integerFlag('seed', values.seed, 42, 0, 2 ** 31 - 1);
  const dirtyRate = rateFlag('dirty-rate', values['dirty-rate'], 0);
  const days = values.days === undefined ? undefined : integerFlag('days', values.days, 0, 1, 3650);
  const until = dateFlag('until', values.until, new Date());
  const input = existingFileFlag('input', values.input);
  const outDir = resolve(values.out ?? '.streamflow');
  const esm = { ...DEFAULT_ESM_SETTINGS, batchSize: integerFlag('batch-size', values['batch-size'], DEFAULT_ESM_SETTINGS.batchSize, 1, 10_000) };
  const partitions = integerFlag('partitions', values.partitions, 3, 1, 64);
  const brokers = values.brokers === undefined ? undefined : brokersFlag(values.brokers);
  const consumeOnly = values['consume-only'] ?? false;
  if (!brokers && (consumeOnly || values.group !== undefined)) throw new UsageError('--consume-only and --group need --brokers');
  if (brokers && input) throw new UsageError('--input replays into the in-process topic log; leave out --brokers');
  const rate = values.rate === undefined ? undefined : integerFlag('rate', values.rate, 0, 1, 1_000_000);
  if (rate !== undefined && (input || brokers)) throw new UsageError('--rate paces generated events on the in-process topic log; leave out --input and --brokers');
  if (port !== undefined && rate === undefined) throw new UsageError('--serve shows a live run: add --rate N (a finished run: streamflow dashboard --serve)');

  // A run starts its folder afresh: an input inside it would be deleted before it is read.
  if (input && !relative(outDir, resolve(input)).startsWith('..') && !isAbsolute(relative(outDir, resolve(input)))) {
    throw new UsageError(`--input ${input} is inside --out ${values.out ?? '.streamflow'}, which a run clears first; move the file out of it`);
  }

  const started = performance.now();
  // Resuming keeps what the stopped run wrote: the redelivered batches overwrite their own files.
  if (!(consumeOnly && isRunOutDir(outDir))) await prepareOutDir(outDir);
  const store = new FolderObjectStore(outDir);
  await publishReferenceData(store);

  const source = input ? readInputFile(input, until.getTime()) : generateEventStream({ events, seed, window: eventWindow(until, days), dirtyRate });
  let summary: IngestSummary;
  let server: Awaited<ReturnType<typeof runLiveCommand>>['server'];
  if (rate !== undefined) {
    ({ summary, server } = await runLiveCommand({ store, source, events, rate, esm, partitions, warehouseFile: join(outDir, 'warehouse.duckdb'), port }));
  } else if (brokers) {
    summary = await runOnBrokers({ store, brokers, source: consumeOnly ? undefined : source, events, partitions, esm, groupId: values.group });
  } else {
    const progress = progressBar(input ? 'replaying ' : 'ingesting ', input ? 0 : events);
    // Generated runs know their size; a replayed file is delivered on this thread.
    const deliveryWorkers = input ? 0 : deliveryWorkersFor(events, esm);
    summary = await ingest({ store, source, esm, partitions, deliveryWorkers, onProgress: (done) => progress.update(done) });
    progress.finish();
  }

  const warehouseFile = join(outDir, 'warehouse.duckdb');
  const warehouse = await loadAndRefresh({ store, warehouseFile, onProgress: (stage) => process.stderr.write(`warehouse: ${stage}\n`) });
  const report = await ledgerReport({ store, warehouseFile });
  const dashboard = await generateDashboard({ store, warehouseFile, outDir, report });
  printRunSummary({ outDir, summary, warehouse, report, elapsedMs: performance.now() - started, json: values.json ?? false });
  // Last, so it is the line a person sees; on stderr under --json, which keeps stdout one JSON document.
  (values.json ? console.error : console.log)(`dashboard: ${displayPath(dashboard)}`);
  if (server) await serveUntilInterrupted(server);
  return report.lost === 0 && report.pending === 0 && report.lostInWarehouse === 0 && summary.failedBatches.length === 0 ? 0 : 1;
};

/** `--brokers`: publish to the broker (unless only consuming), then deliver from the consumer group. */
const runOnBrokers = async (options: {
  store: FolderObjectStore;
  brokers: string[];
  source: Iterable<ProducedMessage> | AsyncIterable<ProducedMessage> | undefined;
  events: number;
  partitions: number;
  esm: EsmSettings;
  groupId: string | undefined;
}): Promise<IngestSummary> => {
  const started = performance.now();
  if (options.source) {
    const publishing = progressBar('publishing', options.events);
    await produceToBrokers({ brokers: options.brokers, source: options.source, partitions: options.partitions, onProgress: (done) => publishing.update(done) });
    publishing.finish();
  }
  const produceMs = performance.now() - started;
  const consumedFrom = await brokerGroupPositions(options.brokers, options.groupId);
  let consuming: Progress | undefined;
  const summary = await consumeFromBrokers({
    store: options.store,
    brokers: options.brokers,
    esm: options.esm,
    groupId: options.groupId,
    onProgress: (delivered, pending) => (consuming ??= progressBar('consuming ', pending)).update(delivered),
  });
  consuming?.finish();
  await recordBrokerOffsets(options.store, options.brokers, options.groupId, consumedFrom);
  return { ...summary, timings: { ...summary.timings, produceMs } };
};
