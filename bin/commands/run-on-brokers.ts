/**
 * `streamflow run --brokers`: publish to a Kafka broker (unless only consuming), then deliver from
 * the consumer group. A module of its own so that a run without `--brokers` does not load kafkajs.
 */
import type { FolderObjectStore } from '../../lambdas/shared/adapters/folder-object-store.js';
import type { EsmSettings } from '../../lambdas/local/esm-simulator.js';
import type { IngestSummary } from '../../lambdas/local/ingest.js';
import { consumeFromBrokers, produceToBrokers } from '../../lambdas/local/broker-ingest.js';
import { brokerGroupPositions, recordBrokerOffsets } from '../../lambdas/local/broker-source-offsets.js';
import { progressBar, type Progress } from '../cli/progress.js';
import type { ProducedMessage } from '../../lambdas/shared/ports/event-publisher.js';

/** Publishes (unless `source` is undefined), then delivers from the consumer group. */
export const runOnBrokers = async (options: {
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
  return { ...summary, timings: { ...summary.timings, produceMs, ingestMs: produceMs + summary.timings.ingestMs } };
};
