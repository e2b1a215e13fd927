/** `streamflow produce`: the same generator, published to Amazon MSK (run inside the VPC) or to a local Kafka broker. */
import { parseArgs } from 'node:util';
import { KafkaClient } from '@aws-sdk/client-kafka';
import { produceToBrokers } from '../../lambdas/local/broker-ingest.js';
import { KafkaPublisher } from '../../lambdas/shared/adapters/kafka-publisher.js';
import type { ProducedMessage } from '../../lambdas/shared/ports/event-publisher.js';
import { generateEventStream } from '../../lambdas/producer/event-stream.js';
import { eventWindow } from '../../lambdas/producer/seasonality.js';
import { UsageError, brokersFlag, dateFlag, integerFlag, rateFlag } from '../cli/flags.js';
import { progressBar } from '../cli/progress.js';

/** Messages per produce request: large enough to batch well, small enough for MSK's request cap. */
const SEND_BATCH = 500;

export const produceCommand = async (args: string[]): Promise<number> => {
  const { values } = parseArgs({
    args,
    options: {
      'cluster-arn': { type: 'string' },
      brokers: { type: 'string' },
      partitions: { type: 'string' },
      region: { type: 'string' },
      events: { type: 'string' },
      seed: { type: 'string' },
      'dirty-rate': { type: 'string' },
      days: { type: 'string' },
      until: { type: 'string' },
    },
    strict: true,
  });
  const clusterArn = values['cluster-arn'];
  if ((clusterArn === undefined) === (values.brokers === undefined)) throw new UsageError('give either --cluster-arn (MSK) or --brokers (a local Kafka)');
  const events = integerFlag('events', values.events, 10_000, 1, 50_000_000);
  const window = eventWindow(dateFlag('until', values.until, new Date()), integerFlag('days', values.days, 1, 1, 3650));
  const stream = generateEventStream({
    events,
    seed: integerFlag('seed', values.seed, 42, 0, 2 ** 31 - 1),
    window,
    dirtyRate: rateFlag('dirty-rate', values['dirty-rate'], 0),
  });

  if (values.brokers !== undefined) {
    const brokers = brokersFlag(values.brokers);
    const progress = progressBar('publishing', events);
    const produced = await produceToBrokers({ brokers, source: stream, partitions: integerFlag('partitions', values.partitions, 3, 1, 64), onProgress: (done) => progress.update(done) });
    progress.finish();
    console.log(`published ${Object.values(produced).reduce((a, b) => a + b, 0).toLocaleString('en-US')} events to ${brokers.join(',')}`);
    return 0;
  }
  if (!clusterArn?.startsWith('arn:aws:kafka:')) throw new UsageError('--cluster-arn must be an MSK cluster ARN (arn:aws:kafka:…)');
  const region = values.region ?? process.env.AWS_REGION ?? clusterArn.split(':')[3];
  if (!region) throw new UsageError('--region is required when AWS_REGION is not set');
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
