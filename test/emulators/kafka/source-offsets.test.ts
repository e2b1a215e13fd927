import { afterAll, beforeAll, expect, it } from 'vitest';
import { kafkaSourceOffsets } from '../../../lambdas/shared/adapters/kafka-source-offsets.js';
import { describeOnEmulator } from '../support/emulators.js';
import { startKafka, type RunningKafka } from '../support/kafka.js';

describeOnEmulator('kafka', 'the ledger source offsets read with the kafkajs admin client against Apache Kafka', () => {
  let kafka: RunningKafka;

  beforeAll(async () => {
    kafka = await startKafka();
  });

  afterAll(async () => {
    await kafka?.stop();
  });

  it('reads each partition end offset as produced and the group committed offset beside it, against Apache Kafka', async () => {
    // Prepare: 5 records on partition 0 and 3 on partition 1; the group committed 4 on partition 0 only
    const client = kafka.client();
    const admin = client.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'ledger-source', numPartitions: 2, replicationFactor: 1 }], waitForLeaders: true });
    const producer = client.producer();
    await producer.connect();
    await producer.send({
      topic: 'ledger-source',
      messages: [...Array.from({ length: 5 }, (_, i) => ({ partition: 0, value: `p0-${i}` })), ...Array.from({ length: 3 }, (_, i) => ({ partition: 1, value: `p1-${i}` }))],
    });
    await producer.disconnect();
    await admin.setOffsets({ groupId: 'ledger-group', topic: 'ledger-source', partitions: [{ partition: 0, offset: '4' }] });

    // Act
    const offsets = await kafkaSourceOffsets(admin, { topics: ['ledger-source'], groupId: 'ledger-group', label: `kafka ${kafka.bootstrap}` }).finally(() => admin.disconnect());

    // Assess
    expect(offsets).toMatchObject({ source: `kafka ${kafka.bootstrap}`, group: 'ledger-group' });
    expect([...offsets.partitions].sort((a, b) => a.partition - b.partition)).toEqual([
      { topic: 'ledger-source', partition: 0, start: 0, end: 5, committed: 4 },
      { topic: 'ledger-source', partition: 1, start: 0, end: 3 },
    ]);
  });

  it('reads one group a topic when the group id holds {topic}, as the deployed mappings name theirs, against Apache Kafka', async () => {
    // Prepare: two topics, each with its own group's commit (the pipeline stack's `streamflow-<stage>-consumer-<topic>`)
    const admin = kafka.client().admin();
    await admin.connect();
    await admin.createTopics({ topics: ['orders', 'clicks'].map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })), waitForLeaders: true });
    const producer = kafka.client().producer();
    await producer.connect();
    for (const topic of ['orders', 'clicks']) await producer.send({ topic, messages: Array.from({ length: 4 }, (_, i) => ({ value: `${topic}-${i}` })) });
    await producer.disconnect();
    await admin.setOffsets({ groupId: 'stage-consumer-orders', topic: 'orders', partitions: [{ partition: 0, offset: '3' }] });
    await admin.setOffsets({ groupId: 'stage-consumer-clicks', topic: 'clicks', partitions: [{ partition: 0, offset: '1' }] });

    // Act
    const offsets = await kafkaSourceOffsets(admin, { topics: ['orders', 'clicks'], groupId: 'stage-consumer-{topic}', label: 'kafka' }).finally(() => admin.disconnect());

    // Assess
    expect(offsets).toEqual({
      source: 'kafka',
      group: 'stage-consumer-{topic}',
      partitions: [
        { topic: 'orders', partition: 0, start: 0, end: 4, committed: 3 },
        { topic: 'clicks', partition: 0, start: 0, end: 4, committed: 1 },
      ],
    });
  });
});
