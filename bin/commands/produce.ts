/** `streamflow produce`: the same generator, published to Amazon MSK (run inside the VPC) or to a local Kafka broker. */
import { KafkaClient } from '@aws-sdk/client-kafka';
import { produceToBrokers } from '../../lambdas/local/broker-ingest.js';
import { KafkaPublisher } from '../../lambdas/shared/adapters/kafka-publisher.js';
import type { ProducedMessage } from '../../lambdas/shared/ports/event-publisher.js';
import { generateEventStream } from '../../lambdas/producer/event-stream.js';
import { eventWindow } from '../../lambdas/producer/seasonality.js';
import { progressBar } from '../cli/progress.js';
import type { ProduceFlags } from '../flags/produce.js';

/** Messages per produce request: large enough to batch well, small enough for MSK's request cap. */
const SEND_BATCH = 500;

export const produceCommand = async ({ target, events, seed, dirtyRate, until, days }: ProduceFlags): Promise<number> => {
  const stream = generateEventStream({ events, seed, window: eventWindow(until, days), dirtyRate });
  if (target.kind === 'brokers') {
    const { brokers, partitions } = target;
    const progress = progressBar('publishing', events);
    const produced = await produceToBrokers({ brokers, source: stream, partitions, onProgress: (done) => progress.update(done) });
    progress.finish();
    console.log(`published ${Object.values(produced).reduce((a, b) => a + b, 0).toLocaleString('en-US')} events to ${brokers.join(',')}`);
    return 0;
  }
  const { clusterArn, region } = target;
  const publisher = await KafkaPublisher.connect(new KafkaClient({ region }), { clusterArn, region });
  const progress = progressBar('publishing', events);
  let sent = 0;
  try {
    let batch: ProducedMessage[] = [];
    for (const message of stream) {
      batch.push(message);
      if (batch.length === SEND_BATCH) {
        await publisher.publish(batch);
        sent += batch.length;
        batch = [];
        progress.update(sent);
      }
    }
    if (batch.length > 0) await publisher.publish(batch);
    sent += batch.length;
    progress.update(sent);
  } finally {
    progress.finish();
    await publisher.close();
  }
  console.log(`published ${sent.toLocaleString('en-US')} events to ${clusterArn}`);
  return 0;
};
